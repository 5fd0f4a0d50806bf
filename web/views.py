"""Template set-up and the view models the templates render (one turn of the chat, notices)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from assistant.contract import Answer

from .charts import chart_spec
from .examples import EXAMPLE_GROUPS, MAX_QUESTION_CHARS, all_examples
from .formatting import da_date, display_cell, is_numeric, sort_key

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"
NODE_MODULES = WEB_DIR / "frontend" / "node_modules"

# The browser libraries served at /static/vendor/<name>, from web/frontend/node_modules (npm ci).
VENDOR_FILES: dict[str, str] = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vega.min.js": "vega/build/vega.min.js",
    "vega-lite.min.js": "vega-lite/build/vega-lite.min.js",
    "vega-embed.min.js": "vega-embed/build/vega-embed.min.js",
    "topojson-client.min.js": "topojson-client/dist/topojson-client.min.js",
    "swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
}
PAGE_SCRIPTS = ("htmx.min.js", "vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


def vendor_path(name: str) -> Path | None:
    rel = VENDOR_FILES.get(name)
    return NODE_MODULES / rel if rel else None


def vendor_available() -> bool:
    """True when `web/frontend/install.sh` has installed every library the page loads."""
    return all((p := vendor_path(n)) is not None and p.is_file() for n in PAGE_SCRIPTS)


_KIND_LABELS = {
    "metric": "Nøgletal", "municipality": "Kommune", "years": "År", "comparison": "Sammenligning",
    "operation": "Spørgsmålstype", "default": "Standardvalg", "conversation": "Fra samtalen",
    "correction": "Rettet stavning", "unused": "Ikke forstået",
}


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind.capitalize())


def numeric_columns(rows: list[list[Any]], width: int) -> list[bool]:
    """Per column: every non-missing value is a number (right-aligned, sorted numerically)."""
    flags = []
    for index in range(width):
        values = [row[index] for row in rows if index < len(row) and row[index] is not None]
        flags.append(bool(values) and all(is_numeric(v) for v in values))
    return flags


def _page_context(request: Request) -> dict[str, Any]:
    return {
        "vendor_ok": vendor_available(),
        "page_scripts": PAGE_SCRIPTS,
        "max_chars": MAX_QUESTION_CHARS,
        "today": date.today(),
    }


templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[_page_context])
templates.env.globals.update(display_cell=display_cell, is_numeric=is_numeric, sort_key=sort_key,
                             numeric_columns=numeric_columns)
templates.env.filters.update(da_date=da_date, kind_label=kind_label)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


@dataclass
class TurnView:
    """One question and its answer as the chat, the no-JS page and the report render it."""

    answer: Answer
    number: int | None  # 1-based position in the conversation (for downloads); None for notices
    uid: str = field(default_factory=lambda: secrets.token_hex(4))  # unique DOM id suffix
    chart: dict[str, Any] | None = None
    error: bool = False  # a notice from the web layer (empty/too long question, server fault)


def turn_view(answer: Answer, number: int | None, error: bool = False) -> TurnView:
    try:
        chart = chart_spec(answer)
    except Exception:  # a malformed spec must not cost the user the answer
        log.exception("could not prepare the chart")
        chart = None
    return TurnView(answer=answer, number=number, chart=chart, error=error)


def notice(text: str, question: str = "", conversation_id: str = "",
           examples: list[str] | None = None) -> Answer:
    """A Danish refusal made by the web layer itself, shaped like the assistant's answers."""
    return Answer(status="refuse", conversation_id=conversation_id, question=question, text=text,
                  examples=examples or [])


def question_problem(question: str) -> str | None:
    """A Danish message when the question cannot be sent to the assistant, else None."""
    if not question.strip():
        return "Skriv et spørgsmål først – for eksempel et af eksemplerne herunder."
    if len(question) > MAX_QUESTION_CHARS:
        return (f"Spørgsmålet er for langt ({len(question)} tegn). "
                f"Skriv det kortere – højst {MAX_QUESTION_CHARS} tegn.")
    return None


def short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def locate_turn(history: list[Answer], answer: Answer) -> int | None:
    """The 1-based turn number of `answer` in its conversation's history."""
    for index in range(len(history) - 1, -1, -1):
        turn = history[index]
        if turn.question == answer.question and turn.text == answer.text:
            return index + 1
    return None


FAULT_TEXT = ("Der skete en fejl på serveren, så jeg kunne ikke svare. "
              "Prøv igen om lidt, eller stil spørgsmålet på en anden måde.")

__all__ = ["EXAMPLE_GROUPS", "FAULT_TEXT", "TurnView", "all_examples", "locate_turn", "notice",
           "question_problem", "short", "templates", "turn_view", "vendor_available", "vendor_path"]
