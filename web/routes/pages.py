"""The chat page, its HTMX partials (a turn, an analyst's SQL result) and the vendored browser libraries.

Every form here also works without JavaScript: htmx requests (header `HX-Request: true`) get a
partial, plain form posts get a whole page (or a redirect back to the conversation).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from assistant.contract import SqlResult

from ..deps import AssistantDep, HtmxDep
from ..views import (
    EXAMPLE_GROUPS,
    FAULT_TEXT,
    TurnView,
    locate_turn,
    notice,
    question_problem,
    short,
    templates,
    turn_view,
    vendor_path,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

MAX_SQL_CHARS = 20_000
QuestionForm = Annotated[str, Form(max_length=100_000)]
ConversationForm = Annotated[str, Form(max_length=100)]


def _history_views(assistant: AssistantDep, conversation_id: str) -> list[TurnView]:
    history = assistant.history(conversation_id) if conversation_id else []
    return [turn_view(answer, index + 1) for index, answer in enumerate(history)]


def _chat_page(request: Request, turns: list[TurnView], conversation_id: str,
               status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, "chat.html", {
        "turns": turns,
        "conversation_id": conversation_id,
        "example_groups": EXAMPLE_GROUPS,
    }, status_code=status_code)


@router.get("/", response_class=HTMLResponse, summary="Chatsiden")
def chat_page(request: Request, assistant: AssistantDep, c: str = "") -> HTMLResponse:
    """The chat; `?c=<conversation_id>` shows an existing conversation (the no-JavaScript flow)."""
    conversation_id = c.strip()[:100]
    turns = _history_views(assistant, conversation_id)
    return _chat_page(request, turns, conversation_id if turns else "")


@router.post("/chat", response_class=HTMLResponse, summary="Stil et spørgsmål (HTMX-partial)")
def chat(request: Request, assistant: AssistantDep, htmx: HtmxDep,
         question: QuestionForm = "", conversation_id: ConversationForm = "") -> Response:
    """Ask the assistant; htmx gets the new turn plus out-of-band updates of the conversation id."""
    conversation_id = conversation_id.strip()
    problem = question_problem(question)
    if problem:
        view = turn_view(notice(problem, short(question.strip()), conversation_id), None, error=True)
    else:
        try:
            answer = assistant.ask(question.strip(), conversation_id or None)
            number = locate_turn(assistant.history(answer.conversation_id), answer)
            view = turn_view(answer, number)
            conversation_id = answer.conversation_id
        except Exception:
            log.exception("the assistant failed on a question")
            view = turn_view(notice(FAULT_TEXT, short(question.strip()), conversation_id), None, error=True)
    if htmx:
        response = templates.TemplateResponse(request, "partials/chat_response.html", {
            "turn": view, "conversation_id": conversation_id, "started": not view.error,
        })
        if view.error:
            response.headers["X-Keep-Question"] = "1"  # app.js leaves the text for the user to fix
        return response
    if not view.error and view.number is not None:
        return RedirectResponse(f"/?c={conversation_id}#svar-{view.number}", status_code=303)
    turns = [*_history_views(assistant, conversation_id), view]
    return _chat_page(request, turns, conversation_id)


@router.post("/sql", response_class=HTMLResponse, summary="Kør en redigeret SELECT (HTMX-partial)")
def run_sql(request: Request, assistant: AssistantDep, htmx: HtmxDep,
            sql: Annotated[str, Form(max_length=100_000)] = "") -> HTMLResponse:
    """Run an analyst's edited SELECT through the assistant's guard and show the result or the refusal."""
    if not sql.strip():
        result = SqlResult(status="refused", message="Skriv en SELECT-sætning først.", sql=sql)
    elif len(sql) > MAX_SQL_CHARS:
        result = SqlResult(status="refused", sql=sql[:200],
                           message=f"SQL-sætningen er for lang (højst {MAX_SQL_CHARS:,} tegn).".replace(",", "."))
    else:
        try:
            result = assistant.run_sql(sql)
        except Exception:
            log.exception("run_sql failed")
            result = SqlResult(status="error", sql=sql,
                               message="Der skete en fejl på serveren, så forespørgslen blev ikke kørt.")
    name = "partials/sql_result.html" if htmx else "sql_page.html"
    return templates.TemplateResponse(request, name, {"result": result})


@router.get("/static/vendor/{name}", summary="Browserbiblioteker fra npm")
def vendor(name: str) -> FileResponse:
    """htmx, Vega, Vega-Lite, vega-embed, topojson-client, Swagger UI from web/frontend/node_modules."""
    path = vendor_path(name)
    if path is None or not path.is_file():
        raise HTTPException(404, "Biblioteket findes ikke. Kør web/frontend/install.sh.")
    media_type = "text/css" if name.endswith(".css") else "text/javascript"
    return FileResponse(path, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=86400"})
