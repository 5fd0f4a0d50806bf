"""The PostgreSQL query client: the Warehouse interface, read-only, a time limit, a row cap, no lasting settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from warehouse.client import Results
from warehouse.errors import QueryError
from warehouse.pg_client import PostgresWarehouse

REPO = Path(__file__).resolve().parents[2]


def test_query_returns_results_like_duckdb(pg_warehouse, warehouse) -> None:  # type: ignore[no-untyped-def]
    sql = "SELECT municipality_code, municipality_name, region_code FROM municipalities ORDER BY 1"
    on_pg, on_duck = pg_warehouse.query(sql), warehouse.query(sql)
    assert isinstance(on_pg, Results)
    assert on_pg.columns == on_duck.columns and on_pg.rows == on_duck.rows
    assert on_pg.truncated is False and on_pg.elapsed_ms > 0
    assert pg_warehouse.dialect == "postgres" and warehouse.dialect == "duckdb"


def test_parameters_with_duckdb_placeholders(pg_warehouse) -> None:  # type: ignore[no-untyped-def]
    result = pg_warehouse.query("SELECT municipality_name FROM municipalities WHERE municipality_code = ? "
                                "AND municipality_name <> '?' AND municipality_name NOT LIKE '%x%'", [101])
    assert result.rows == [("København",)]
    assert result.dicts() == [{"municipality_name": "København"}]


def test_row_cap_truncates(pg_urls) -> None:  # type: ignore[no-untyped-def]
    capped = PostgresWarehouse(pg_urls["reader"], row_cap=10)
    try:
        result = capped.query("SELECT * FROM observations")
        assert len(result.rows) == 10 and result.truncated is True
        exact = capped.query("SELECT * FROM observations LIMIT 10")
        assert len(exact.rows) == 10 and exact.truncated is False
    finally:
        capped.close()


def test_time_limit_stops_a_slow_query(pg_urls) -> None:  # type: ignore[no-untyped-def]
    slow = PostgresWarehouse(pg_urls["reader"], timeout_s=0.2)
    try:
        with pytest.raises(QueryError, match="tog mere end 0.2 s"):
            slow.query("SELECT count(*) FROM observations a, observations b")
        assert slow.scalar("SELECT count(*) FROM regions") == 5  # the pool's connection is still usable
    finally:
        slow.close()


@pytest.mark.parametrize("sql", [
    "INSERT INTO regions VALUES (9999, 'Region X')",
    "UPDATE observations SET value = 0",
    "DELETE FROM municipalities",
    "DROP TABLE regions",
    "CREATE TEMP TABLE t AS SELECT 1",
    "COPY regions TO '/tmp/noegletal-leak.csv'",
    "SET statement_timeout = 0",
    "",
])
def test_writes_and_commands_are_refused(pg_warehouse, sql: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError):
        pg_warehouse.query(sql)
    assert pg_warehouse.scalar("SELECT count(*) FROM regions") == 5
    assert pg_warehouse.scalar("SELECT count(*) FROM municipalities") == 98
    assert not Path("/tmp/noegletal-leak.csv").exists()


def test_a_setting_changed_inside_a_query_does_not_outlive_it(pg_urls) -> None:  # type: ignore[no-untyped-def]
    """set_config(..., false) is session-wide in PostgreSQL, but every query is rolled back, and so is it.
    (The guard refuses set_config anyway; this is the client's own defence.)"""
    client = PostgresWarehouse(pg_urls["reader"], timeout_s=0.5, pool_size=1)
    try:
        assert client.scalar("SELECT set_config('statement_timeout', '0', false)") == "0"
        assert client.scalar("SELECT current_setting('statement_timeout')") == "500ms"
        assert client.scalar("SELECT set_config('default_transaction_read_only', 'off', false)") == "off"
        assert client.scalar("SELECT current_setting('default_transaction_read_only')") == "on"
        assert client.scalar("SELECT current_setting('transaction_read_only')") == "on"
    finally:
        client.close()


def test_the_client_is_read_only_even_as_a_superuser(pg_urls) -> None:  # type: ignore[no-untyped-def]
    admin = PostgresWarehouse(pg_urls["admin"])
    try:
        with pytest.raises(QueryError, match="read-only"):
            admin.query("CREATE TABLE noegletal.x AS SELECT 1 AS a")
        assert admin.scalar("SELECT to_regclass('noegletal.x') IS NULL") is True
    finally:
        admin.close()


def test_a_missing_schema_or_server_is_a_danish_error(pg_urls, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError, match="findes ikke"):
        PostgresWarehouse(pg_urls["reader"], schema="ingen_saadan")
    with pytest.raises(QueryError, match="Kan ikke forbinde"):
        PostgresWarehouse(f"postgresql://x:y@127.0.0.1:{pg_cluster.port + 1}/none", connect_timeout_s=1)


def test_version_changes_only_with_a_rebuild(pg_warehouse) -> None:  # type: ignore[no-untyped-def]
    assert pg_warehouse.version() == pg_warehouse.version() is not None


def test_cli_build_database(pg_urls, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`noegletal build --database URL` builds DuckDB, then loads and switches PostgreSQL."""
    env = {**os.environ, "NOEGLETAL_WAREHOUSE_PATH": str(tmp_path / "cli.duckdb"),
           "NOEGLETAL_QUERY_TIMEOUT_S": "30"}
    done = subprocess.run([sys.executable, "-m", "noegletal.cli", "build", "--database", pg_urls["admin"]],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "PostgreSQL-lager indlæst: skema noegletal" in done.stdout
    assert pg_urls["admin"].split(":")[2].split("@")[0] not in done.stdout  # the admin password is not shown
    with psycopg.connect(pg_urls["reader"]) as con:
        assert con.execute("SELECT count(*) FROM municipalities").fetchone() == (98,)
    bad = subprocess.run([sys.executable, "-m", "noegletal.cli", "build", "--database",
                          pg_urls["admin"].replace("@", "x@")], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("Fejl: PostgreSQL")
