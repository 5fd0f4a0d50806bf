"""The hostile-SQL suite against PostgreSQL: the guard refuses every statement when it writes for PostgreSQL,
the read-only role refuses what matters even without the guard, and allowed statements agree with DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from semantic_layer.guard import GuardError, guard
from tests.pg.conftest import same_rows
from tests.semantic_layer.specs import NAMED_SPECS
from tests.semantic_layer.test_guard import CAP, TABLE, _sql
from warehouse.errors import QueryError

PG_TABLE = yaml.safe_load((Path(__file__).parent / "hostile_pg.yaml").read_text(encoding="utf-8"))
ALL_REFUSED = TABLE["refused"] + PG_TABLE["refused"]


def test_pg_table_is_big_enough() -> None:
    assert len(PG_TABLE["refused"]) >= 60 and len(PG_TABLE["allowed"]) >= 10


@pytest.mark.parametrize("case", ALL_REFUSED, ids=[c["why"] for c in ALL_REFUSED])
def test_hostile_statement_is_refused_for_postgres(case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GuardError) as err:
        guard(_sql(case["sql"]), CAP, dialect="postgres")
    assert str(err.value).startswith("Afvist"), str(err.value)


@pytest.mark.parametrize("case", ALL_REFUSED, ids=[c["why"] for c in ALL_REFUSED])
def test_hostile_statement_changes_nothing_on_the_server(case, pg_warehouse) -> None:  # type: ignore[no-untyped-def]
    """Belt and braces: sent straight to the server as the read-only role, nothing is written or kept."""
    try:
        pg_warehouse.query(_sql(case["sql"]))
    except QueryError:
        pass
    assert pg_warehouse.scalar("SELECT count(*) FROM regions") == 5
    assert pg_warehouse.scalar("SELECT count(*) FROM municipalities") == 98
    assert pg_warehouse.scalar("SELECT current_setting('default_transaction_read_only')") == "on"
    assert pg_warehouse.scalar("SELECT current_setting('statement_timeout')") == "30s"
    assert pg_warehouse.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 0
    assert not Path("/tmp/noegletal-lo-export").exists()


@pytest.mark.parametrize("sql", [
    "SELECT pg_read_file('/etc/passwd') AS f",
    "SELECT pg_ls_dir('.') AS f",
    "SELECT lo_import('/etc/passwd') AS oid",
    "SELECT dblink('host=evil', 'SELECT 1') AS r",
    "COPY regions TO PROGRAM 'id'",
    "SELECT * FROM noegletal_state.conversations",
])
def test_the_role_itself_refuses_files_programs_and_conversations(sql: str, pg_warehouse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError):
        pg_warehouse.query(sql)


@pytest.mark.parametrize("sql", PG_TABLE["allowed"], ids=[s[:50] for s in PG_TABLE["allowed"]])
def test_allowed_statement_gives_duckdbs_answer(sql: str, pg_warehouse, warehouse) -> None:  # type: ignore[no-untyped-def]
    on_duck = warehouse.query(guard(sql, CAP))
    on_pg = pg_warehouse.query(guard(sql, CAP, dialect="postgres"))
    assert on_pg.columns == on_duck.columns
    assert same_rows(on_pg.rows, on_duck.rows), (on_pg.rows[:5], on_duck.rows[:5])


@pytest.mark.parametrize("case", TABLE["allowed"], ids=[c["sql"][:40] for c in TABLE["allowed"]])
def test_shared_allowed_statements_pass_with_a_limit(case, pg_warehouse, warehouse) -> None:  # type: ignore[no-untyped-def]
    guarded = guard(case["sql"], CAP, dialect="postgres")
    assert guarded.rstrip().splitlines()[-1] == f"LIMIT {case['limit']}"
    on_pg, on_duck = pg_warehouse.query(guarded), warehouse.query(guard(case["sql"], CAP))
    assert len(on_pg.rows) == len(on_duck.rows) <= case["limit"]


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_every_compiled_spec_passes_the_guard_for_postgres(name, compiler) -> None:  # type: ignore[no-untyped-def]
    assert "LIMIT" in guard(compiler.compile(NAMED_SPECS[name][1]).sql, CAP, dialect="postgres")


def test_unknown_dialect_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        guard("SELECT 1 AS x", CAP, dialect="sqlite")
