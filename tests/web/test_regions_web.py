"""A question about all five regions through the JSON API, the htmx page and (marked `browser`) a real Chromium."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.contract import Answer
from semantic_layer.spec import REGION_CODES

from .conftest import ask_page

REGIONS = "Sammenlign regionerne på serviceudgifterne i 2023"
CHART_BARS = ".chart-view svg .mark-rect path"


def test_api_answers_the_five_regions(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": REGIONS})
    assert response.status_code == 200
    answer = Answer.model_validate(response.json())
    assert answer.status == "answer" and answer.operation == "compare"
    groups = [o for o in answer.observations if o.role == "group"]
    assert sorted(o.municipality_code for o in groups) == list(REGION_CODES)  # type: ignore[type-var]
    assert all(o.year == 2023 and o.value for o in groups)
    assert [o.value for o in answer.observations if o.role == "national"] == [48506.0]
    assert answer.text.startswith("Serviceudgifterne pr. indbygger var højest i Region Hovedstaden (50.266 kr.)")
    assert answer.chart_kind == "bar" and answer.chart is not None
    follow = Answer.model_validate(client.post("/api/ask", json={
        "question": "Hvad med 2019?", "conversation_id": answer.conversation_id}).json())
    assert {o.year for o in follow.observations} == {2019}
    assert len([o for o in follow.observations if o.role == "group"]) == 5


def test_page_shows_the_regions_table_and_bar_chart(client: TestClient) -> None:
    doc = ask_page(client, REGIONS)
    rows = [r.text() for r in doc.select("table.data tbody tr")]
    assert len(rows) == 6 and "Region Hovedstaden" in rows[0] and "Hele landet" in rows[-1]
    view = doc.select_one(".chart-view[data-chart]")
    assert view is not None and view.get("data-kind") == "bar"
    spec = json.loads(doc.select_one(f"script#{view.get('data-chart')}").text())
    title = spec["title"]["text"] if isinstance(spec["title"], dict) else spec["title"]  # the page wraps long lines
    assert " ".join(title if isinstance(title, list) else [title]).startswith(
        "Serviceudgifterne pr. indbygger i regionerne i 2023")
    assert len(spec["data"]["values"]) == 5


@pytest.mark.browser
def test_browser_draws_the_regions_bars(page) -> None:  # type: ignore[no-untyped-def]
    from .test_browser import ask, shot

    turn = ask(page, REGIONS)
    turn.locator(CHART_BARS).first.wait_for()
    assert turn.locator(CHART_BARS).count() == 5
    assert "Region Hovedstaden" in turn.locator("table.data").inner_text()
    shot(page, "10-regions")
