"""The overview as the assistant compiles it (every theme's candidates; national figures computed where none is
published) and the one-cell statements: the same rows on DuckDB and PostgreSQL."""

from __future__ import annotations

import pytest

from semantic_layer.compiler import RESULT_COLUMNS, Compiler
from semantic_layer.guard import guard, guard_tree
from semantic_layer.overview import OVERVIEW_ROWS
from semantic_layer.precompute import FINGERPRINTS_SQL, overview_spec, valid_tables
from semantic_layer.spec import MetricRef, QuerySpec, Years
from tests.pg.conftest import same_rows


@pytest.fixture(scope="module")
def duck(warehouse_path):  # type: ignore[no-untyped-def]
    from warehouse.client import Warehouse

    wh = Warehouse(warehouse_path, timeout_s=30.0)
    yield wh
    wh.close()


@pytest.fixture(scope="module")
def full_compiler(catalog, duck):  # type: ignore[no-untyped-def]
    published = frozenset(r[0] for r in duck.query("SELECT DISTINCT figure FROM national WHERE value IS NOT NULL").rows)
    return Compiler(catalog, published, row_cap=5000)


def _same(compiler, spec, duck, pg_warehouse) -> list:  # type: ignore[no-untyped-def]
    sql = compiler.compile(spec).sql
    on_duckdb = duck.query(guard(sql, compiler.row_cap))
    on_postgres = pg_warehouse.query(guard(sql, compiler.row_cap, dialect="postgres"))
    assert on_postgres.columns == on_duckdb.columns == list(RESULT_COLUMNS)
    assert same_rows(on_postgres.rows, on_duckdb.rows), (on_postgres.rows, on_duckdb.rows)
    return on_duckdb.rows


@pytest.mark.parametrize("code", [630, 825, 101])
def test_overview_same_rows_on_both_engines(code, catalog, full_compiler, duck, pg_warehouse):  # type: ignore[no-untyped-def]
    spec = QuerySpec(operation="overview", metrics=tuple(MetricRef(id=m.id) for m in catalog.overview_candidates()),
                     municipalities=(code,))
    rows = _same(full_compiler, spec, duck, pg_warehouse)
    assert any(r[6] == "national" and r[5] == "computed" for r in rows)  # the 98 summed where none is published
    assert len({r[0] for r in rows}) >= 15


@pytest.mark.parametrize("national", [False, True])
@pytest.mark.parametrize("years", [Years.single(2023), Years()])
def test_one_cell_same_rows_on_both_engines(national, years, full_compiler, duck, pg_warehouse):  # type: ignore[no-untyped-def]
    for metric in ("udskrivningsprocent", "indbyggertal"):  # published and computed national figure
        spec = QuerySpec(operation="value", metrics=(MetricRef(id=metric),), municipalities=(630,), years=years,
                         include_national=national)
        rows = _same(full_compiler, spec, duck, pg_warehouse)
        assert [r[6] for r in rows] == ["subject", "national"][:1 + national]


@pytest.mark.parametrize("code", [630, 400, 101])
def test_precomputed_overview_rows_on_postgres(code, catalog, full_compiler, pg_warehouse):  # type: ignore[no-untyped-def]
    """overview_rows, computed by DuckDB at build and copied to PostgreSQL, read there: the rows PostgreSQL's own
    run of the full statement gives (floats to the last bits), and derived_tables came along."""
    recorded = dict(pg_warehouse.query(FINGERPRINTS_SQL, capped=False).rows)
    assert valid_tables(catalog, full_compiler.published_national, recorded) == {OVERVIEW_ROWS}
    read = Compiler(catalog, full_compiler.published_national, row_cap=5000)
    read.use_precomputed(frozenset({OVERVIEW_ROWS}))
    spec = overview_spec(catalog, code)
    compiled = read.compile(spec)
    assert compiled.precomputed == OVERVIEW_ROWS
    rows = pg_warehouse.query(guard_tree(compiled.expression, 5000, "postgres")).rows
    live = pg_warehouse.query(guard(full_compiler.compile(spec).sql, 5000, dialect="postgres")).rows
    assert rows and same_rows(rows, live)
