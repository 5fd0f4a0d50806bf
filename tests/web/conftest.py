"""Fixtures for the web tests: an app with the real assistant, a TestClient, an HTML query helper,
and (for @pytest.mark.browser) a real uvicorn server plus Debian's Chromium driven by Playwright."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from web.app import create_app, release_assistant  # noqa: E402

from ..live_server import live_server  # noqa: E402
from .html import Doc  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HX = {"HX-Request": "true"}


@pytest.fixture(scope="session", autouse=True)
def _release_assistant() -> Iterator[None]:
    """Stop the warehouse's threads before the interpreter exits (see web.app.release_assistant)."""
    yield
    from noegletal.wiring import get_assistant

    release_assistant(get_assistant())


@pytest.fixture(scope="session")
def app():  # type: ignore[no-untyped-def]
    return create_app(warm_up=False)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client


def ask_page(client: TestClient, question: str, conversation_id: str = "") -> Doc:
    """POST /chat as htmx does and parse the partial."""
    response = client.post("/chat", data={"question": question, "conversation_id": conversation_id}, headers=HX)
    assert response.status_code == 200, response.text[:500]
    return Doc(response.text)


# -- a real server for the browser tests -----------------------------------------------------------
@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    args = ["-m", "uvicorn", "web.app:create_app", "--factory", "--host", "127.0.0.1", "--log-level", "warning"]
    with live_server(args, ARTIFACTS / "server.log") as url:
        # The first question builds the assistant (and maybe the warehouse); do it before timing the UI.
        httpx.post(f"{url}/api/ask", json={"question": "Hvad var udskrivningsprocenten i Gentofte i 2023?"},
                   timeout=600)
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK",
                                  accept_downloads=True)
    context.set_default_timeout(60_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server_url + "/")
    yield pg
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
