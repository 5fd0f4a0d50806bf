"""The chat page and its htmx partials, rendered with the real assistant."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from web.examples import EXAMPLE_GROUPS

from .conftest import HX, ask_page
from .html import Doc

GENTOFTE = "Hvad var udskrivningsprocenten i Gentofte i 2023?"
NEIGHBOURS = "Sammenlign serviceudgifterne i Fredensborg med nabokommunerne"
MAP = "Vis anmeldte indbrud pr. 1.000 indbyggere for alle kommuner på et kort"


def test_chat_page_structure(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    doc = Doc(response.text)
    assert doc.select_one("html").get("lang") == "da"
    form = doc.select_one("form#ask-form")
    assert form is not None and form.get("hx-post") == "/chat" and form.get("action") == "/chat"
    assert form.get("hx-indicator") == "#working" and form.get("hx-swap") == "beforeend"
    label = doc.select_one("label[for=question]")
    assert label is not None and label.text().strip()
    assert doc.select_one("input#question[name=question]") is not None
    assert doc.select_one("input#conversation-id[name=conversation_id]").get("value") == ""
    assert "arbejder" in doc.select_one("#working").text()
    assert doc.select_one("#turns").get("role") == "log"
    # Example questions, grouped, each a submit button that asks its own text.
    titles = [h.text().strip() for h in doc.select("#examples h3")]
    assert titles == [g.title for g in EXAMPLE_GROUPS]
    assert titles[:3] == ["Opslag", "Sammenligning med naboer og landet", "Udvikling"]
    buttons = doc.select("#examples button.chip[name=question]")
    assert GENTOFTE in [b.get("value") for b in buttons]
    assert all(b.get("value") == b.text().strip() for b in buttons)
    assert doc.select_one("a.button[href=/]").text().strip() == "Ny samtale"
    assert not any("cdn" in (s.get("src") or "") or "//" in (s.get("src") or "") for s in doc.select("script"))


def test_vendor_libraries_are_served(client: TestClient) -> None:
    doc = Doc(client.get("/").text)
    sources = [s.get("src") for s in doc.select("script[src]")]
    assert "/static/vendor/htmx.min.js" in sources and "/static/vendor/vega-embed.min.js" in sources
    for src in sources:
        response = client.get(src)
        assert response.status_code == 200, src
        assert "javascript" in response.headers["content-type"]
    assert client.get("/static/app.css").status_code == 200
    assert client.get("/static/vendor/topojson-client.min.js").status_code == 200
    assert client.get("/static/vendor/nothing.js").status_code == 404


def test_ask_returns_turn_partial(client: TestClient) -> None:
    doc = ask_page(client, GENTOFTE)
    assert doc.select_one("html") is None  # a partial, not a page
    article = doc.select_one("article.turn")
    assert article is not None and "turn-answer" in article.classes()
    assert GENTOFTE in article.select_one(".bubble-user").text()
    text = article.select_one(".answer-text").text()
    assert "Gentofte" in text and "%" in text
    table = article.select_one("table.data")
    assert table is not None
    headers = table.select("thead th button.sort")
    assert headers and all(h.get("data-col") is not None for h in headers)
    cells = table.select("tbody td")
    assert cells and all(c.get("data-sort") is not None for c in cells)
    assert any("," in c.text() for c in cells)  # Danish decimal comma in the display strings
    # conversation id goes out of band into the form's hidden field; examples disappear.
    oob = doc.select_one("input#conversation-id[hx-swap-oob]")
    assert oob is not None and oob.get("value")
    assert doc.select_one("section#examples[hx-swap-oob]") is not None
    assert doc.select_one("a#report-link").get("href") == f"/report/{oob.get('value')}"
    # Folded panels: definition, understanding, SQL with copy button and editor.
    summaries = [s.text().strip() for s in article.select("details summary")]
    assert any(s.startswith("Definition") for s in summaries)
    assert "Vis SQL" in summaries
    assert article.select_one("details.sql pre").text().strip().upper().startswith(("SELECT", "WITH"))
    assert article.select_one("button[data-copy]") is not None
    editor = article.select_one("form.sql-editor")
    assert editor.get("hx-post") == "/sql" and editor.select_one("textarea[name=sql]") is not None
    textarea_id = editor.select_one("textarea").get("id")
    assert article.select_one(f"label[for={textarea_id}]") is not None
    downloads = [a.get("href") for a in article.select(".downloads a")]
    assert any(h.endswith(".csv") for h in downloads) and any(h.endswith(".xlsx") for h in downloads)


def test_a_precomputed_overview_shows_the_statement_that_made_its_rows(client: TestClient) -> None:
    article = ask_page(client, "Giv mig et overblik over Vejle").select_one("article.turn")
    ran = article.select_one("details.sql pre").text()  # the first: the statement that ran
    assert "FROM overview_rows" in ran and "subject_code = 630" in ran
    origin = article.select_one("details.sql details.sql-origin")
    assert origin.select_one("summary").text().strip() == "Sådan blev rækkerne beregnet"
    made = origin.select_one("pre").text()
    assert made.lstrip().startswith("WITH own AS") and "o.municipality_code = 630" in made
    assert origin.select_one("button[data-copy]").get("data-copy") == origin.select_one("pre").get("id")
    # a question answered live has no such panel
    assert ask_page(client, GENTOFTE).select_one("details.sql-origin") is None


def test_chart_spec_is_embedded_as_json(client: TestClient) -> None:
    doc = ask_page(client, NEIGHBOURS)
    view = doc.select_one(".chart-view[data-chart]")
    assert view is not None
    spec_node = doc.select_one(f"script#{view.get('data-chart')}")
    assert spec_node.get("type") == "application/json"
    spec = json.loads(spec_node.text())
    assert "mark" in spec or "layer" in spec
    assert spec.get("width") == "container"


def test_map_answer_gets_a_geoshape_spec(client: TestClient) -> None:
    doc = ask_page(client, MAP)
    view = doc.select_one(".chart-view[data-chart]")
    assert view is not None and view.get("data-kind") == "map"
    spec = json.loads(doc.select_one(f"script#{view.get('data-chart')}").text())
    assert spec["data"]["url"] == "/api/geo/kommuner.topojson"
    marks = [layer["mark"] for layer in spec.get("layer", [spec])]
    assert all((m["type"] if isinstance(m, dict) else m) == "geoshape" for m in marks)
    assert len(doc.select("table.data tbody tr")) >= 90


def test_follow_up_keeps_the_conversation(client: TestClient) -> None:
    first = ask_page(client, GENTOFTE)
    cid = first.select_one("input#conversation-id").get("value")
    second = ask_page(client, "Og i Hørsholm?", cid)
    assert second.select_one("input#conversation-id").get("value") == cid
    assert "Hørsholm" in second.select_one(".answer-text").text()
    assert second.select_one("article").get("id") == "svar-2"


def test_clarification_renders_option_buttons(client: TestClient) -> None:
    doc = ask_page(client, "Hvad er taksten i Aarhus?")
    article = doc.select_one("article.turn")
    assert "turn-clarify" in article.classes()
    form = article.select_one("form.options")
    assert form.get("hx-post") == "/chat"
    cid = form.select_one("input[name=conversation_id]").get("value")
    assert cid and cid == doc.select_one("input#conversation-id").get("value")
    options = form.select("button[name=question]")
    assert options and all(o.get("value") for o in options)


def test_refusal_offers_examples(client: TestClient) -> None:
    doc = ask_page(client, "Hvad bliver vejret i morgen?")
    article = doc.select_one("article.turn")
    assert "turn-refuse" in article.classes()
    assert article.select_one(".answer-text").text().strip()
    assert article.select("form.chips button[name=question]")
    assert article.select_one("table") is None


def test_plain_form_post_redirects_to_the_conversation(client: TestClient) -> None:
    response = client.post("/chat", data={"question": GENTOFTE}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/?c=") and location.endswith("#svar-1")
    page = Doc(client.get(location.split("#")[0]).text)
    assert page.select_one("html") is not None
    assert len(page.select("#turns article.turn")) == 1
    assert page.select_one("#examples").get("hidden") is not None
    assert page.select_one("input#conversation-id").get("value") == location[4:].split("#")[0]


def test_sql_editor_runs_a_select(client: TestClient) -> None:
    response = client.post("/sql", data={"sql": "SELECT 1 AS en, CAST(2.5 AS DOUBLE) AS to_og_en_halv"}, headers=HX)
    assert response.status_code == 200
    doc = Doc(response.text)
    assert "sql-ok" in doc.select_one(".sql-outcome").classes()
    assert [th.text().strip() for th in doc.select("th")] == ["en", "to_og_en_halv"]
    assert [td.text().strip() for td in doc.select("td")] == ["1", "2,5"]


def test_sql_editor_refuses_hostile_sql(client: TestClient) -> None:
    for sql in ("DROP TABLE facts", "SELECT 1; DELETE FROM facts", "COPY facts TO '/tmp/x.csv'", ""):
        doc = Doc(client.post("/sql", data={"sql": sql}, headers=HX).text)
        outcome = doc.select_one(".sql-outcome")
        assert "sql-ok" not in outcome.classes(), sql
        message = outcome.select_one(".sql-message")
        assert message.get("role") == "alert" and message.text().strip()
        assert doc.select_one("table") is None


def test_sql_without_javascript_is_a_whole_page(client: TestClient) -> None:
    doc = Doc(client.post("/sql", data={"sql": "SELECT 42 AS svar"}).text)
    assert doc.select_one("html").get("lang") == "da"
    assert doc.select_one("td").text().strip() == "42"


def test_page_without_npm_libraries_still_works(client: TestClient, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("web.views.vendor_available", lambda: False)
    doc = Doc(client.get("/").text)
    assert "install.sh" in doc.select_one("p.notice").text()
    assert [s.get("src") for s in doc.select("script[src]")] == ["/static/app.js"]
    assert doc.select_one("form#ask-form").get("action") == "/chat"  # plain form post still works
