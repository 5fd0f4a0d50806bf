"""The JSON API beside the page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.contract import Answer, MetricCard, MunicipalityInfo, SqlResult


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_ask_and_follow_up(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "Hvad var udskrivningsprocenten i Gentofte i 2023?"})
    assert response.status_code == 200
    answer = Answer.model_validate(response.json())
    assert answer.status == "answer" and answer.conversation_id and answer.sql
    assert any(o.municipality_code == 157 and o.year == 2023 for o in answer.observations)
    follow = Answer.model_validate(client.post("/api/ask", json={
        "question": "Og i Hørsholm?", "conversation_id": answer.conversation_id}).json())
    assert follow.conversation_id == answer.conversation_id
    assert any(o.municipality_code == 223 for o in follow.observations)
    turns = client.get(f"/api/conversations/{answer.conversation_id}").json()
    assert [t["question"] for t in turns][-2:] == [answer.question, "Og i Hørsholm?"]


def test_empty_question_is_a_refusal(client: TestClient) -> None:
    body = client.post("/api/ask", json={"question": ""}).json()
    assert body["status"] == "refuse" and "Skriv et spørgsmål" in body["text"] and body["examples"]


def test_metrics(client: TestClient) -> None:
    cards = [MetricCard.model_validate(c) for c in client.get("/api/metrics").json()]
    assert len(cards) >= 10
    one = client.get(f"/api/metrics/{cards[0].id}")
    assert one.status_code == 200 and MetricCard.model_validate(one.json()).id == cards[0].id


def test_unknown_metric_is_404_in_danish(client: TestClient) -> None:
    response = client.get("/api/metrics/findes-ikke")
    assert response.status_code == 404
    assert "findes ikke" in response.json()["detail"]


def test_municipalities(client: TestClient) -> None:
    rows = [MunicipalityInfo.model_validate(m) for m in client.get("/api/municipalities").json()]
    assert len(rows) == 98
    gentofte = next(m for m in rows if m.code == 157)
    assert gentofte.name == "Gentofte" and gentofte.neighbours


def test_sql_ok_and_refused(client: TestClient) -> None:
    ok = SqlResult.model_validate(client.post("/api/sql", json={"sql": "SELECT 1 AS x"}).json())
    assert ok.status == "ok" and ok.rows == [[1]]
    for hostile in ("DROP TABLE facts", "INSERT INTO facts VALUES (1)", "ATTACH 'x.db' AS x",
                    "SELECT * FROM read_csv('/etc/passwd')"):
        refused = SqlResult.model_validate(client.post("/api/sql", json={"sql": hostile}).json())
        assert refused.status in ("refused", "error"), hostile
        assert refused.message and not refused.rows


def test_geo(client: TestClient) -> None:
    response = client.get("/api/geo/kommuner.topojson")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    topo = response.json()
    assert topo["type"] == "Topology" and "stdin" in topo["objects"]


def test_openapi_and_docs(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/ask", "/api/metrics", "/api/metrics/{metric_id}", "/api/municipalities", "/api/sql",
                 "/healthz", "/download/{conversation_id}/{turn}.csv"):
        assert path in schema["paths"], path
    assert schema["paths"]["/api/ask"]["post"]["summary"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "/static/vendor/swagger-ui-bundle.js" in docs.text  # offline, from npm


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in headers["content-security-policy"]
