"""The read-only query client: no writes, no files, a row cap and a time limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.client import Warehouse
from warehouse.errors import QueryError


@pytest.mark.parametrize("sql", [
    "CREATE TABLE x (a INT)",
    "INSERT INTO regions VALUES (9999, 'Region X')",
    "UPDATE observations SET value = 0",
    "DELETE FROM municipalities",
    "DROP TABLE regions",
    "ATTACH ':memory:' AS other",
])
def test_writes_are_refused(warehouse, sql):
    with pytest.raises(QueryError):
        warehouse.query(sql)
    assert warehouse.scalar("SELECT count(*) FROM regions") == 5
    assert warehouse.scalar("SELECT count(*) FROM municipalities") == 98


@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "COPY regions TO '/tmp/noegletal-leak.csv'",
    "SET enable_external_access = true",
    "INSTALL httpfs",
])
def test_file_access_and_settings_are_refused(warehouse, sql):
    with pytest.raises(QueryError):
        warehouse.query(sql)
    assert not Path("/tmp/noegletal-leak.csv").exists()


def test_parameters(warehouse):
    result = warehouse.query("SELECT municipality_name FROM municipalities WHERE municipality_code = ?", [101])
    assert result.rows == [("København",)]
    assert result.columns == ["municipality_name"]
    assert result.dicts() == [{"municipality_name": "København"}]
    assert result.truncated is False


def test_row_cap_truncates(warehouse_path):
    capped = Warehouse(warehouse_path, row_cap=10)
    result = capped.query("SELECT * FROM observations")
    assert len(result.rows) == 10
    assert result.truncated is True
    exact = capped.query("SELECT * FROM observations LIMIT 10")
    assert len(exact.rows) == 10 and exact.truncated is False
    capped.close()


def test_time_limit_stops_a_slow_query(warehouse_path):
    slow = Warehouse(warehouse_path, timeout_s=0.2)
    with pytest.raises(QueryError) as err:
        slow.query("SELECT sum(a.value * b.value) FROM observations AS a CROSS JOIN observations AS b")
    assert "0.2 s" in str(err.value)
    assert result_after_interrupt(slow) == 5  # the connection is still usable
    slow.close()


def result_after_interrupt(wh: Warehouse) -> int:
    return wh.scalar("SELECT count(*) FROM regions")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(QueryError, match="findes ikke"):
        Warehouse(tmp_path / "nope.duckdb")


def test_failed_query_message_is_one_line(warehouse):
    with pytest.raises(QueryError) as err:
        warehouse.query("SELECT no_such_column FROM regions")
    assert "\n" not in str(err.value)
    assert str(err.value).startswith("Forespørgslen fejlede")


def test_each_thread_gets_a_working_locked_connection(warehouse):
    import threading

    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["count"] = warehouse.scalar("SELECT count(*) FROM municipalities")
            warehouse.query("SET enable_external_access = true")
        except QueryError as exc:
            outcome["refused"] = str(exc)

    warehouse.scalar("SELECT 1")  # the main thread's connection exists first
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome.get("count") == 98
    assert "locked" in str(outcome.get("refused"))


def test_empty_statement_is_a_query_error(warehouse):
    with pytest.raises(QueryError):
        warehouse.query("   ")


def test_a_failed_statement_in_a_transaction_does_not_poison_the_connection(warehouse_path):
    wh = Warehouse(warehouse_path)
    wh.query("BEGIN TRANSACTION")
    with pytest.raises(QueryError):
        wh.query("SELECT * FROM read_csv('/etc/passwd')")
    assert wh.scalar("SELECT count(*) FROM regions") == 5
    wh.close()
