"""The FastAPI application: routers, static files, Danish error handling, security headers."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .routes import api, downloads, pages
from .views import FAULT_TEXT, STATIC_DIR, notice, templates, turn_view, vendor_path

log = logging.getLogger(__name__)

DANISH_STATUS = {
    400: "Forespørgslen kunne ikke forstås.",
    404: "Siden findes ikke.",
    405: "Den handling er ikke tilladt her.",
    413: "Forespørgslen er for stor.",
    422: "Forespørgslen er ugyldig.",
    500: FAULT_TEXT,
}
_VALIDATION_TEXT = {
    "missing": "mangler",
    "string_too_long": "er for lang",
    "string_type": "skal være tekst",
    "json_invalid": "er ikke gyldig JSON",
    "model_attributes_type": "skal være et JSON-objekt",
}
# Vega compiles its expressions with Function(), hence 'unsafe-eval'; vega-embed injects a <style>.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz")


def _error_response(request: Request, status: int, message: str) -> Response:
    """A Danish error: JSON for the API, a chat notice for htmx, a whole page otherwise."""
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    if request.headers.get("HX-Request", "").lower() == "true":
        view = turn_view(notice(message), None, error=True)
        return templates.TemplateResponse(request, "partials/notice.html", {"turn": view}, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"status": status, "message": message},
                                      status_code=status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else ""
    english = {s.phrase for s in HTTPStatus}
    if exc.status_code == 400 and detail.startswith("There was an error parsing the body"):
        detail = "Ugyldig forespørgsel: kroppen kan ikke læses (forventede JSON i UTF-8)."
    if not detail or detail in english:
        detail = DANISH_STATUS.get(exc.status_code, f"Fejl {exc.status_code}.")
    response = _error_response(request, exc.status_code, detail)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form"))
        text = _VALIDATION_TEXT.get(error.get("type", ""), "har en ugyldig værdi")
        parts.append(f"'{field}' {text}" if field else text)
    message = "Ugyldig forespørgsel: " + "; ".join(parts or ["ukendt fejl"]) + "."
    if _wants_json(request):
        errors = jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"})
        return JSONResponse({"detail": message, "errors": errors}, status_code=422)
    return _error_response(request, 422, message)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error_response(request, 500, FAULT_TEXT)


# /readyz answers this question through the whole answer path (parser, compiler, warehouse, writer) before it
# says "ready"; a figure every vintage has, for the latest year, so a rebuilt warehouse does not change the verdict.
PROBE_QUESTION = "Hvad er udskrivningsprocenten i Gentofte?"
PROBE_RETRY_S = 2.0  # after a failed probe, /readyz tries again at most this often


def _warm_up(app: FastAPI) -> None:
    """Build the assistant (and, on a first run, the warehouse) and answer the probe question before the
    first question arrives."""
    try:
        from noegletal.wiring import get_assistant

        app.state.assistant = get_assistant()
    except Exception:
        log.exception("warming up the assistant failed; the first request will try again")
        return
    probe(app)


def probe(app: FastAPI) -> bool:
    """Answer PROBE_QUESTION once with this process's assistant; True (and app.state.ready) when it gave a
    number. It goes through the whole answer path but not the conversation store: a probe leaves no
    conversation behind."""
    lock: threading.Lock = app.state.probe_lock
    with lock:
        if app.state.ready:
            return True
        app.state.probe_at = time.monotonic()
        try:
            from noegletal.wiring import get_assistant

            assistant = app.state.assistant = get_assistant()
            answer, _ = assistant._answer(PROBE_QUESTION, None, "readyz")
        except Exception:
            log.exception("the readiness probe failed")
            app.state.probe_error = "Assistenten kunne ikke indlæses eller svare; se serverens log."
            return False
        if answer.status != "answer" or not answer.observations:
            log.error("the readiness probe got no answer: %s %r", answer.status, answer.text[:200])
            app.state.probe_error = "Prøvespørgsmålet fik intet svar; se serverens log."
            return False
        app.state.probe_error = None
        app.state.ready = True
        return True


async def ready_response(app: FastAPI) -> Response:
    """/readyz: 200 once the assistant is loaded and has answered the probe question; until then 503 with a
    Danish message ("starting" while the warm-up runs, "error" when loading or the probe failed; the probe is
    then tried again, at most every PROBE_RETRY_S seconds)."""
    if not app.state.ready:
        warming = app.state.warm_up_thread
        if warming is not None and warming.is_alive():
            return JSONResponse({"status": "starting", "detail": "Assistenten indlæses; prøv igen om lidt."},
                                status_code=503, headers={"Retry-After": "1"})
        if time.monotonic() - app.state.probe_at >= PROBE_RETRY_S:
            await run_in_threadpool(probe, app)
    if app.state.ready:
        return JSONResponse({"status": "ready"})
    detail = app.state.probe_error or "Assistenten er ikke klar endnu; prøv igen om lidt."
    return JSONResponse({"status": "error", "detail": detail}, status_code=503, headers={"Retry-After": "2"})


def assistant_ready(app: FastAPI) -> bool:
    """True once this process's assistant is loaded (warehouse, catalog, parser, conversation store)."""
    if getattr(app.state, "assistant", None) is not None:
        return True
    from noegletal.wiring import _assistant

    return _assistant.cache_info().currsize > 0


async def readiness(app: FastAPI) -> Response | None:
    """/healthz says ok only when the assistant has loaded: 503 while the warm-up is still loading it; with
    no warm-up running (warm_up=False, or it failed), the check loads it itself and answers when done."""
    if assistant_ready(app):
        return None
    warming = getattr(app.state, "warm_up_thread", None)
    if warming is not None and warming.is_alive():
        return JSONResponse({"status": "starting", "detail": "Assistenten indlæses; prøv igen om lidt."},
                            status_code=503, headers={"Retry-After": "1"})
    try:
        from noegletal.wiring import get_assistant

        app.state.assistant = await run_in_threadpool(get_assistant)
    except Exception:
        log.exception("loading the assistant for /healthz failed")
        return JSONResponse({"status": "error", "detail": "Assistenten kunne ikke indlæses; se serverens log."},
                            status_code=503)
    return None


def release_assistant(assistant: object | None) -> None:
    """Close the assistant's DuckDB resources at shutdown (its `close()`, else its warehouse's).

    Leaving the warehouse's watchdog thread running into interpreter shutdown sometimes aborts the
    process ("terminate called ... FATAL: exception not rethrown")."""
    if assistant is None:
        return
    close = getattr(assistant, "close", None) or getattr(getattr(assistant, "warehouse", None), "close", None)
    if callable(close):
        try:
            close()
        except Exception:
            log.exception("closing the assistant failed")


def _initial_state(app: FastAPI) -> None:
    app.state.assistant = None
    app.state.warm_up_thread = None
    app.state.ready = False  # set by probe(): /readyz
    app.state.probe_lock = threading.Lock()
    app.state.probe_at = -PROBE_RETRY_S  # no probe yet: the first /readyz may try at once
    app.state.probe_error = None


def create_app(warm_up: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _initial_state(app)
        if warm_up:
            app.state.warm_up_thread = threading.Thread(target=_warm_up, args=(app,), name="warm-up", daemon=True)
            app.state.warm_up_thread.start()
        yield
        release_assistant(app.state.assistant)

    app = FastAPI(
        title="Nøgletal",
        summary="Spørg på dansk om kommunale nøgletal – svar med tal, tabel, diagram, kort og SQL.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    _initial_state(app)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        not_ready = await readiness(app) if request.url.path == "/healthz" else None
        response: Response = not_ready or await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers["X-Worker"] = str(os.getpid())  # which server process answered (several workers)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not request.url.path.startswith("/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI served from web/frontend/node_modules (offline), the CDN default otherwise."""
        local = all((p := vendor_path(n)) is not None and p.is_file()
                    for n in ("swagger-ui-bundle.js", "swagger-ui.css"))
        kwargs: dict[str, Any] = {"swagger_js_url": "/static/vendor/swagger-ui-bundle.js",
                  "swagger_css_url": "/static/vendor/swagger-ui.css",
                  "swagger_favicon_url": "data:,"} if local else {}
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json",
                                   title="Nøgletal – API", **kwargs)

    @app.get("/readyz", tags=["drift"], summary="Er serveren klar til spørgsmål?",
             responses={503: {"description": "Ikke klar endnu (dansk besked i `detail`)"}})
    async def readyz() -> Response:
        """200 `{"status": "ready"}` når assistenten er indlæst og har besvaret et prøvespørgsmål; ellers 503
        med en dansk besked. `/healthz` er livstegnet."""
        return await ready_response(app)

    app.include_router(api.health_router)
    app.include_router(api.router)
    app.include_router(pages.router)  # before the /static mount: it serves /static/vendor/...
    app.include_router(downloads.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
