"""The analyst's SQL editor under abuse: every hostile statement is refused and the warehouse file is unchanged.

The statements come from tests/semantic_layer/hostile_sql.yaml (entries `{why, sql}` under `refused`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from .conftest import HX
from .helpers import is_danish, sha256

HOSTILE_FILE = Path(__file__).resolve().parents[1] / "semantic_layer" / "hostile_sql.yaml"
LONG_STATEMENT = "SELECT " + ", ".join(f"{i} AS c{i}" for i in range(3000))  # > 20.000 characters
SIDE_EFFECT_PATHS = [Path("/tmp/out.csv"), Path("/tmp/dump"), Path("/tmp/other.duckdb")]


def load_hostile() -> list[tuple[str, str]]:
    if not HOSTILE_FILE.is_file():
        return []
    data: Any = yaml.safe_load(HOSTILE_FILE.read_text(encoding="utf-8"))
    entries = data.get("refused", []) if isinstance(data, dict) else data
    out = []
    for index, entry in enumerate(entries or []):
        if isinstance(entry, str):
            why, sql = f"statement {index}", entry
        else:
            why, sql = str(entry.get("why", f"statement {index}")), str(entry.get("sql", ""))
        out.append((why, LONG_STATEMENT if sql == "LONG" else sql))
    return out


HOSTILE = load_hostile()
PARAMS = [pytest.param(sql, id=why) for why, sql in HOSTILE] or [
    pytest.param("", marks=pytest.mark.skip(reason=f"{HOSTILE_FILE} is missing (written by the guard's owner)"))]


def assert_refused(response_status: int, body: dict[str, Any]) -> None:
    """Refused: status 'refused' with a Danish message, or a 4xx (e.g. over-long) with a Danish detail."""
    if response_status == 200:
        assert body.get("status") == "refused", body
        assert is_danish(body.get("message")), body
        assert not body.get("rows"), body
    else:
        assert 400 <= response_status < 500, body
        assert is_danish(body.get("detail")), body


@pytest.mark.parametrize("sql", PARAMS)
def test_hostile_sql_is_refused(rclient: TestClient, sql: str) -> None:
    response = rclient.post("/api/sql", json={"sql": sql})
    assert_refused(response.status_code, response.json())


@pytest.mark.parametrize("sql", PARAMS)
def test_hostile_sql_is_refused_in_the_editor(rclient: TestClient, sql: str) -> None:
    """The HTMX editor route (POST /sql) runs the same guard; it must not show a result table."""
    response = rclient.post("/sql", data={"sql": sql}, headers=HX)
    assert response.status_code < 500
    if response.status_code == 200:
        assert 'class="sql-outcome sql-refused"' in response.text, response.text[:500]
        assert "<table" not in response.text
    assert is_danish(response.text)


def test_warehouse_file_unchanged_by_hostile_sql(rclient: TestClient, warehouse_path: Path) -> None:
    if not HOSTILE:
        pytest.skip(f"{HOSTILE_FILE} is missing (written by the guard's owner)")
    existed = {path: path.exists() for path in SIDE_EFFECT_PATHS}
    before = sha256(warehouse_path)
    for _, sql in HOSTILE:
        assert_refused(*(lambda r: (r.status_code, r.json()))(rclient.post("/api/sql", json={"sql": sql})))
        rclient.post("/sql", data={"sql": sql}, headers=HX)
    assert sha256(warehouse_path) == before
    for path, was in existed.items():
        assert path.exists() == was, f"{path} was created by a hostile statement"
    response = rclient.post("/api/sql", json={"sql": "SELECT count(*) AS n FROM municipalities"})
    body = response.json()
    assert body["status"] == "ok" and body["rows"][0][0] == 98, body
