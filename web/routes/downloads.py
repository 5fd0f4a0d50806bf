"""Downloads of an answer's table (CSV, Excel) and the printable report of a whole conversation."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from assistant.contract import Answer

from ..deps import AssistantDep
from ..exports import file_stem, table_csv, table_xlsx
from ..views import templates, turn_view

router = APIRouter(tags=["downloads"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _turn_with_table(assistant: AssistantDep, conversation_id: str, turn: int) -> Answer:
    history = assistant.history(conversation_id)
    if not history:
        raise HTTPException(404, "Samtalen findes ikke (den kan være udløbet). Stil spørgsmålet igen.")
    if not 1 <= turn <= len(history):
        raise HTTPException(404, f"Samtalen har ikke et svar nummer {turn}.")
    answer = history[turn - 1]
    if answer.table is None or not answer.table.columns:
        raise HTTPException(404, f"Svar nummer {turn} har ingen tabel at hente.")
    return answer


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/download/{conversation_id}/{turn}.csv", summary="Et svars tabel som CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def download_csv(conversation_id: str, turn: int, assistant: AssistantDep) -> Response:
    """';'-separated, UTF-8 with BOM (opens directly in a Danish Excel), raw values with decimal comma."""
    answer = _turn_with_table(assistant, conversation_id, turn)
    return Response(table_csv(answer), media_type="text/csv; charset=utf-8",
                    headers=_attachment(f"{file_stem(answer, turn)}.csv"))


@router.get("/download/{conversation_id}/{turn}.xlsx", summary="Et svars tabel som Excel-ark",
            response_class=Response, responses={200: {"content": {XLSX_TYPE: {}}}})
def download_xlsx(conversation_id: str, turn: int, assistant: AssistantDep) -> Response:
    """Sheet 'Tabel' with the numbers, sheet 'Om tallene' with question, definitions, sources and SQL."""
    answer = _turn_with_table(assistant, conversation_id, turn)
    return Response(table_xlsx(answer), media_type=XLSX_TYPE,
                    headers=_attachment(f"{file_stem(answer, turn)}.xlsx"))


@router.get("/report/{conversation_id}", response_class=HTMLResponse, include_in_schema=False)
def report(request: Request, conversation_id: str, assistant: AssistantDep) -> HTMLResponse:
    """The conversation as a printable note: each question, the answer, table, definition and source."""
    history = assistant.history(conversation_id)
    if not history:
        raise HTTPException(404, "Samtalen findes ikke (den kan være udløbet), så der er ingen rapport.")
    turns = [turn_view(answer, index + 1) for index, answer in enumerate(history)]
    return templates.TemplateResponse(request, "report.html", {
        "turns": turns, "conversation_id": conversation_id,
    })
