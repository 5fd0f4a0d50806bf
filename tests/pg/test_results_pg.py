"""The semantic layer's result tests, rerun on PostgreSQL; and every compiled spec on both engines: same rows.

The DuckDB result tests (tests/semantic_layer/test_results.py) are imported unchanged; the `warehouse` fixture
here runs their SQL (the compiler's and the hand-written checks) on the PostgreSQL server through the
transpiler. The direct comparison below takes the server's own path: guard(..., dialect="postgres").
"""

from __future__ import annotations

import pytest

from semantic_layer.compiler import RESULT_COLUMNS
from semantic_layer.guard import guard
from tests.pg.conftest import same_rows
from tests.semantic_layer.specs import NAMED_SPECS
from tests.semantic_layer.test_results import *  # noqa: F403 - the DuckDB result tests, rerun on PostgreSQL


@pytest.fixture(scope="module")
def warehouse(pg_as_duck):  # type: ignore[no-untyped-def]
    return pg_as_duck


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_same_rows_on_both_engines(name, compiler, pg_warehouse, warehouse_path):  # type: ignore[no-untyped-def]
    from warehouse.client import Warehouse

    sql = compiler.compile(NAMED_SPECS[name][1]).sql
    duck = Warehouse(warehouse_path, timeout_s=30.0)
    try:
        on_duckdb = duck.query(guard(sql, compiler.row_cap))
    finally:
        duck.close()
    on_postgres = pg_warehouse.query(guard(sql, compiler.row_cap, dialect="postgres"))
    assert on_postgres.columns == on_duckdb.columns == list(RESULT_COLUMNS)
    # same values (floats to 12 significant digits), same Python types, same order (the ORDER BY is total)
    assert same_rows(on_postgres.rows, on_duckdb.rows), (on_postgres.rows, on_duckdb.rows)
    assert on_postgres.rows, name


def test_postgres_sql_is_what_the_guard_returns(compiler):  # type: ignore[no-untyped-def]
    sql = guard(compiler.compile(NAMED_SPECS["overview"][1]).sql, compiler.row_cap, dialect="postgres")
    assert "QUALIFY" not in sql.upper() and "ANY_VALUE" not in sql.upper()
    assert sql.rstrip().splitlines()[-1] == "LIMIT 5000"
