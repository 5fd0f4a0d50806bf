"""Readable Danish messages for bad input and server faults; user text always escaped."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from noegletal.wiring import get_assistant
from web.app import create_app

from .conftest import HX, ask_page
from .html import Doc


def test_empty_question(client: TestClient) -> None:
    response = client.post("/chat", data={"question": "   "}, headers=HX)
    assert response.status_code == 200 and response.headers.get("X-Keep-Question") == "1"
    doc = Doc(response.text)
    article = doc.select_one("article.turn-error")
    assert "Skriv et spørgsmål" in article.select_one("[role=alert]").text()
    assert doc.select_one("section#examples[hx-swap-oob]") is None  # the examples stay


def test_too_long_question(client: TestClient) -> None:
    doc = ask_page(client, "a" * 501)
    message = doc.select_one("article.turn-error .answer-text").text()
    assert "for langt" in message and "500" in message


def test_too_long_question_api(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "a" * 501})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refuse" and "for langt" in body["text"] and body["conversation_id"]


def test_question_is_escaped(client: TestClient) -> None:
    hostile = "<script>alert(1)</script>"
    response = client.post("/chat", data={"question": hostile}, headers=HX)
    assert hostile not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    doc = Doc(response.text)
    assert all(s.get("type") == "application/json" for s in doc.select("script"))


def test_hostile_sql_is_escaped(client: TestClient) -> None:
    response = client.post("/sql", data={"sql": "SELECT '<img src=x onerror=alert(1)>' AS x"}, headers=HX)
    assert "<img src=x" not in response.text


def test_unknown_page_is_danish(client: TestClient) -> None:
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text and "<html" in response.text
    api = client.get("/api/findes-ikke")
    assert api.status_code == 404 and api.json()["detail"] == "Siden findes ikke."


def test_api_validation_error_is_danish(client: TestClient) -> None:
    response = client.post("/api/ask", json={"spørgsmål": "x"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Ugyldig forespørgsel")
    assert "'question' mangler" in response.json()["detail"]
    bad_json = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 422 and "Ugyldig" in bad_json.json()["detail"]


class _Broken:
    """An assistant that fails on everything (a server fault)."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        def fail(*args: object, **kwargs: object) -> None:
            raise RuntimeError("database on fire")
        return fail


@pytest.fixture()
def broken() -> Iterator[TestClient]:
    app = create_app(warm_up=False)
    app.dependency_overrides[get_assistant] = _Broken
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_server_fault_in_chat(broken: TestClient) -> None:
    response = broken.post("/chat", data={"question": "Hvad var udskrivningsprocenten i Gentofte?"}, headers=HX)
    assert response.status_code == 200
    text = Doc(response.text).select_one("article.turn-error [role=alert]").text()
    assert "fejl på serveren" in text
    assert "Traceback" not in response.text and "database on fire" not in response.text


def test_server_fault_in_api_is_json(broken: TestClient) -> None:
    response = broken.post("/api/ask", json={"question": "Hvad var udskrivningsprocenten i Gentofte?"})
    assert response.status_code == 500
    assert "fejl på serveren" in response.json()["detail"]
    assert "database on fire" not in response.text


def test_server_fault_on_page_is_html(broken: TestClient) -> None:
    response = broken.get("/?c=abc")
    assert response.status_code == 500 and "<html" in response.text and "fejl på serveren" in response.text
    partial = broken.get("/?c=abc", headers=HX)
    assert partial.status_code == 500 and "<html" not in partial.text
    assert "fejl på serveren" in partial.text


def test_server_fault_in_sql(broken: TestClient) -> None:
    doc = Doc(broken.post("/sql", data={"sql": "SELECT 1"}, headers=HX).text)
    assert "sql-error" in doc.select_one(".sql-outcome").classes()
