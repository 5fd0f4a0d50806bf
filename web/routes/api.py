"""The JSON API beside the page: ask, metric definitions, municipalities, analyst SQL, map geometry."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

from assistant.contract import Answer, AskRequest, MetricCard, MunicipalityInfo, SqlRequest, SqlResult

from ..deps import AssistantDep
from ..examples import all_examples
from ..views import notice, question_problem, short

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["api"])
health_router = APIRouter(tags=["drift"])

_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Findes ikke (dansk besked i `detail`)"}}


@router.post("/ask", response_model=Answer, summary="Stil et spørgsmål på dansk")
def ask(body: AskRequest, assistant: AssistantDep) -> Response:
    """Answer, clarify or refuse. An empty or over-long (> 500 tegn) question gets a `refuse` answer
    with a Danish text and example questions, never an error."""
    problem = question_problem(body.question)
    if problem:
        answer = notice(problem, short(body.question.strip()), body.conversation_id or uuid.uuid4().hex,
                        examples=all_examples()[:6])
    else:
        answer = assistant.ask(body.question.strip(), body.conversation_id or None)
    # Already a validated Answer: serialise it once, instead of FastAPI validating it a second time.
    return Response(answer.model_dump_json(), media_type="application/json")


@router.get("/conversations/{conversation_id}", response_model=list[Answer],
            summary="En samtales spørgsmål og svar")
def conversation(conversation_id: str, assistant: AssistantDep) -> list[Answer]:
    """The turns of a conversation in order; an empty list if the conversation is unknown."""
    return assistant.history(conversation_id)


@router.get("/metrics", response_model=list[MetricCard], summary="Alle nøgletal med definitioner")
def metrics(assistant: AssistantDep) -> list[MetricCard]:
    return assistant.metrics()


@router.get("/metrics/{metric_id}", response_model=MetricCard, responses=_NOT_FOUND,
            summary="Et nøgletals definition")
def metric(metric_id: str, assistant: AssistantDep) -> MetricCard:
    card = assistant.metric(metric_id)
    if card is None:
        raise HTTPException(404, f"Nøgletallet '{metric_id}' findes ikke. Se /api/metrics for listen.")
    return card


@router.get("/municipalities", response_model=list[MunicipalityInfo],
            summary="De 98 kommuner med region og naboer")
def municipalities(assistant: AssistantDep) -> list[MunicipalityInfo]:
    return assistant.municipalities()


@router.post("/sql", response_model=SqlResult, summary="Kør en SELECT mod datalageret (analytikere)")
def sql(body: SqlRequest, assistant: AssistantDep) -> SqlResult:
    """Only guarded, read-only SELECTs run; anything else comes back with status `refused` and a
    Danish reason."""
    if not body.sql.strip():
        return SqlResult(status="refused", message="Skriv en SELECT-sætning først.", sql=body.sql)
    return assistant.run_sql(body.sql)


@router.get("/geo/kommuner.topojson", response_class=FileResponse, responses=_NOT_FOUND,
            summary="Kommunegrænser som TopoJSON (objekt 'stdin', KOMKODE/KOMNAVN)")
def geo(assistant: AssistantDep) -> FileResponse:
    path = assistant.topojson_path
    if not path.is_file():
        raise HTTPException(404, "Kortdata (kommuner.topojson) findes ikke på serveren.")
    return FileResponse(path, media_type="application/json",
                        headers={"Cache-Control": "public, max-age=86400"})


@health_router.get("/healthz", summary="Er serveren oppe?")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
