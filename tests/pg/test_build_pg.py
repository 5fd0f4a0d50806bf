"""`noegletal build --database`: the same tables, types and provenance in PostgreSQL, switched atomically,
with a read-only role that can read the warehouse tables and nothing else."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import psycopg
import pytest

from tests.conftest import READER_PASSWORD
from warehouse.errors import DataError
from warehouse.pg_build import PG_TYPES, STATE_SCHEMA, load_postgres
from warehouse.schema import PUBLIC_SCHEMA


def test_same_tables_types_and_row_counts(pg_urls, warehouse) -> None:  # type: ignore[no-untyped-def]
    with psycopg.connect(pg_urls["admin"]) as con:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'noegletal'").fetchall()}
        assert tables == set(PUBLIC_SCHEMA)
        for table in PUBLIC_SCHEMA:
            pg_columns = con.execute(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_schema = 'noegletal' AND table_name = %s ORDER BY ordinal_position", [table]).fetchall()
            duck_columns = warehouse.query(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position", [table]).rows
            assert [(c, PG_TYPES[t].replace("varchar", "character varying"), n) for c, t, n in duck_columns] == \
                pg_columns, table
            count = con.execute(f"SELECT count(*) FROM noegletal.{table}").fetchone()
            assert count is not None and count[0] == warehouse.scalar(f"SELECT count(*) FROM {table}")


@pytest.mark.parametrize("table", ["sources", "source_notes", "current_vintage", "municipalities", "figures"])
def test_provenance_rows_are_identical(pg_urls, warehouse, table: str) -> None:  # type: ignore[no-untyped-def]
    on_duck = sorted(warehouse.query(f"SELECT * FROM {table}").rows, key=repr)
    with psycopg.connect(pg_urls["admin"]) as con:
        on_pg = sorted(con.execute(f"SELECT * FROM noegletal.{table}").fetchall(), key=repr)
    assert on_pg == on_duck
    if table == "sources":
        assert all(len(row[5]) == 64 for row in on_pg)  # sha256 of every file


def test_every_value_cell_is_identical(pg_urls, warehouse) -> None:  # type: ignore[no-untyped-def]
    """All observations, compared by a digest on both engines."""
    digest_sql = ("SELECT count(*), sum(value), sum(year * municipality_code), count(DISTINCT figure), "
                  "count(*) FILTER (WHERE status = 'missing') FROM {}observations")
    on_duck = warehouse.query(digest_sql.format("")).rows[0]
    with psycopg.connect(pg_urls["admin"]) as con:
        on_pg = con.execute(digest_sql.format("noegletal.")).fetchone()
    assert on_pg is not None and on_duck is not None
    assert on_pg[0] == on_duck[0] and on_pg[2:] == on_duck[2:]
    assert on_pg[1] == pytest.approx(on_duck[1], rel=1e-12)


# -- the read-only role -------------------------------------------------------------------------------
def test_reader_role_settings(pg_urls) -> None:
    with psycopg.connect(pg_urls["reader"]) as con:
        assert con.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
        assert con.execute("SHOW statement_timeout").fetchone() == ("30s",)
        assert con.execute("SELECT current_schema()").fetchone() == ("noegletal",)
        flags = con.execute("SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
                            "WHERE rolname = current_user").fetchone()
        assert flags == (False, False, False, False)


def test_reader_may_select_the_warehouse_tables_only(pg_urls) -> None:
    with psycopg.connect(pg_urls["reader"]) as con:
        for table in PUBLIC_SCHEMA:
            assert con.execute("SELECT has_table_privilege(%s, 'SELECT')", [f"noegletal.{table}"]).fetchone() == (True,)
            for privilege in ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
                assert con.execute("SELECT has_table_privilege(%s, %s)",
                                   [f"noegletal.{table}", privilege]).fetchone() == (False,), (table, privilege)
        assert con.execute("SELECT has_schema_privilege('noegletal', 'CREATE')").fetchone() == (False,)
        assert con.execute("SELECT has_schema_privilege(%s, 'USAGE')", [STATE_SCHEMA]).fetchone() == (False,)


@pytest.mark.parametrize("statement", [
    "INSERT INTO regions VALUES (9999, 'x')",
    "UPDATE observations SET value = 0",
    "DELETE FROM municipalities",
    "CREATE TABLE noegletal.x (a int)",
    "CREATE TEMP TABLE x (a int)",
    "DROP TABLE regions",
    "SELECT * FROM noegletal_state.conversations",
    "COPY regions TO '/tmp/noegletal-leak.csv'",
    "COPY regions FROM '/etc/hostname'",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT lo_import('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
])
def test_reader_cannot_write_nor_reach_files(pg_urls, statement: str) -> None:
    """Even without the guard, the role itself refuses (read-only transactions and missing privileges)."""
    with psycopg.connect(pg_urls["reader"]) as con:
        with pytest.raises(psycopg.Error):
            con.execute(statement)
    assert not Path("/tmp/noegletal-leak.csv").exists()


# -- atomic switch ------------------------------------------------------------------------------------
def _schemas(url: str) -> set[str]:
    with psycopg.connect(url) as con:
        return {r[0] for r in con.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'noegletal%'")}


def test_rebuild_switches_atomically_while_readers_read(pg_urls, warehouse_path: Path) -> None:
    """Readers query throughout a rebuild: every answer is complete (98 municipalities, all observations)."""
    expected = None
    errors: list[str] = []
    answers: list[tuple[int, int]] = []
    stop = threading.Event()

    def read() -> None:
        with psycopg.connect(pg_urls["reader"], autocommit=True) as con:
            while not stop.is_set():
                try:
                    row = con.execute("SELECT (SELECT count(*) FROM municipalities), "
                                      "(SELECT count(*) FROM observations)").fetchone()
                    assert row is not None
                    answers.append((int(row[0]), int(row[1])))
                except psycopg.Error as exc:
                    errors.append(str(exc))

    with psycopg.connect(pg_urls["reader"]) as con:
        before = con.execute("SELECT to_regnamespace('noegletal')::oid").fetchone()
        expected = con.execute("SELECT 98, (SELECT count(*) FROM observations)").fetchone()
    readers = [threading.Thread(target=read, daemon=True) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        time.sleep(0.2)
        load_postgres(warehouse_path, pg_urls["admin"], statement_timeout_s=30.0)
        time.sleep(0.2)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=30)
    assert not errors, errors[:3]
    assert answers and set(answers) == {tuple(expected)}  # type: ignore[arg-type]
    with psycopg.connect(pg_urls["reader"]) as con:
        after = con.execute("SELECT to_regnamespace('noegletal')::oid").fetchone()
        assert con.execute("SELECT count(*) FROM regions").fetchone() == (5,)  # grants follow the new tables
    assert after != before
    assert _schemas(pg_urls["admin"]) == {"noegletal", STATE_SCHEMA}  # no staging or retired schema left


def test_failed_load_leaves_the_live_warehouse_alone(pg_urls, tmp_path: Path) -> None:
    broken = tmp_path / "broken.duckdb"
    con = duckdb.connect(str(broken))
    con.execute("CREATE TABLE regions (region_code INTEGER PRIMARY KEY, region_name VARCHAR NOT NULL)")
    con.close()
    with pytest.raises(DataError):
        load_postgres(broken, pg_urls["admin"])
    assert _schemas(pg_urls["admin"]) == {"noegletal", STATE_SCHEMA}
    with psycopg.connect(pg_urls["reader"]) as reader:
        assert reader.execute("SELECT count(*) FROM municipalities").fetchone() == (98,)


def test_passwords_are_kept_unless_given(pg_urls, warehouse_path: Path) -> None:
    report = load_postgres(warehouse_path, pg_urls["admin"], statement_timeout_s=30.0)
    assert report.reader_password is None and report.conversation_password is None
    with psycopg.connect(pg_urls["reader"]) as con:  # READER_PASSWORD still works
        assert con.execute("SELECT current_user").fetchone() == ("noegletal_reader",)
    assert READER_PASSWORD not in report.summary()
