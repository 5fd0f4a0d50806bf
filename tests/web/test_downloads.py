"""CSV and Excel downloads of an answer's table, and the printable report of a conversation."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from .conftest import ask_page
from .html import Doc

QUESTION = "Sammenlign serviceudgifterne i Fredensborg med nabokommunerne"


@pytest.fixture(scope="module")
def conversation(client: TestClient) -> tuple[str, list[str]]:
    """A conversation of an answer with a table, a refusal, and a second answer."""
    first = ask_page(client, QUESTION)
    cid = first.select_one("input#conversation-id").get("value")
    ask_page(client, "Hvad bliver vejret i morgen?", cid)
    ask_page(client, "Hvad var udskrivningsprocenten i Gentofte i 2023?", cid)
    links = [a.get("href") for a in first.select(".downloads a")]
    return cid, links


def test_csv(client: TestClient, conversation: tuple[str, list[str]]) -> None:
    cid, links = conversation
    assert f"/download/{cid}/1.csv" in links
    response = client.get(f"/download/{cid}/1.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="noegletal-1-' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) >= 3 and len(rows[0]) >= 2
    assert any("Fredensborg" in cell for row in rows for cell in row)
    numbers = [cell for row in rows[1:] for cell in row if cell.replace(",", "").replace("-", "").isdigit()]
    assert numbers and all("." not in n for n in numbers)  # raw values, decimal comma, no grouping


def test_xlsx(client: TestClient, conversation: tuple[str, list[str]]) -> None:
    cid, _ = conversation
    response = client.get(f"/download/{cid}/1.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tabel", "Om tallene"]
    sheet = workbook["Tabel"]
    header = [c.value for c in sheet[1]]
    assert header and all(isinstance(h, str) for h in header)
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert any(isinstance(v, int | float) for v in values)
    about = {row[0].value: row[1].value for row in workbook["Om tallene"].iter_rows() if row[0].value}
    assert about["Spørgsmål"] == QUESTION and about.get("Kilde") and about.get("SQL")


def test_download_errors(client: TestClient, conversation: tuple[str, list[str]]) -> None:
    cid, _ = conversation
    refused = client.get(f"/download/{cid}/2.csv")  # the refusal has no table
    assert refused.status_code == 404 and "ingen tabel" in refused.text
    assert client.get(f"/download/{cid}/99.xlsx").status_code == 404
    missing = client.get("/download/findes-ikke/1.csv")
    assert missing.status_code == 404 and "Samtalen findes ikke" in missing.text


def test_report(client: TestClient, conversation: tuple[str, list[str]]) -> None:
    cid, _ = conversation
    response = client.get(f"/report/{cid}")
    assert response.status_code == 200
    doc = Doc(response.text)
    assert doc.select_one("html").get("lang") == "da"
    assert doc.select_one('link[href="/static/report.css"]') is not None
    headings = [h.text() for h in doc.select(".report-turn h2")]
    assert len(headings) == 3 and QUESTION in headings[0]
    first = doc.select(".report-turn")[0]
    assert first.select_one(".answer-text").text().strip()
    assert first.select_one("table.report-table tbody tr") is not None
    assert "Kilde:" in first.select_one(".report-definition").text()
    assert client.get("/report/findes-ikke").status_code == 404


def test_a_quarterly_answer_downloads_with_its_quarter(client: TestClient) -> None:
    page = ask_page(client, "Hvor mange kontanthjælpsmodtagere har Odense?")
    cid = page.select_one("input#conversation-id").get("value")
    rows = list(csv.reader(io.StringIO(client.get(f"/download/{cid}/1.csv").content.decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0] == ["Område", "År", "Kvartal", "Værdi"] and rows[1] == ["Odense", "2025", "4", "527"]
    sheet = load_workbook(io.BytesIO(client.get(f"/download/{cid}/1.xlsx").content))["Tabel"]
    assert [c.value for c in sheet[2]] == ["Odense", 2025, 4, 527] and sheet["C2"].number_format == "0"
