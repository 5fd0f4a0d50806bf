"""Prepared shapes on PostgreSQL: the bound statement (numbered parameters, rewritten for PostgreSQL by the tree
guard) gives the rows of the literal statement and of DuckDB, for every named spec and a sample of random ones."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from semantic_layer.compiler import CompileError, Compiler
from semantic_layer.guard import guard, guard_tree
from semantic_layer.shapes import Shapes
from semantic_layer.spec import QuerySpec
from tests.pg.conftest import same_rows
from tests.semantic_layer.specs import NAMED_SPECS
from tests.semantic_layer.test_property import specs


@pytest.fixture(scope="module")
def pg_compiler(catalog, warehouse) -> Compiler:  # type: ignore[no-untyped-def]
    published = frozenset(r[0] for r in warehouse.query(
        "SELECT DISTINCT figure FROM national WHERE value IS NOT NULL UNION "
        "SELECT DISTINCT figure FROM quarterly_national WHERE value IS NOT NULL").rows)
    return Compiler(catalog, published, row_cap=5000)


def _check(shapes: Shapes, compiler: Compiler, spec: QuerySpec, pg_warehouse, warehouse) -> bool:  # type: ignore[no-untyped-def]
    try:
        compiled = compiler.compile(spec)
    except CompileError:
        return False
    prepared = shapes.prepare(spec)
    assert prepared.display_sql == compiled.sql
    on_duckdb = warehouse.query(compiled.sql)
    literal = pg_warehouse.query(guard_tree(compiled.expression, compiler.row_cap, "postgres"))
    assert literal.rows == pg_warehouse.query(guard(compiled.sql, compiler.row_cap, "postgres")).rows
    bound = pg_warehouse.query(prepared.sql, prepared.params or None)
    assert bound.columns == literal.columns == on_duckdb.columns
    assert same_rows(bound.rows, literal.rows), (bound.rows[:3], literal.rows[:3])
    assert same_rows(bound.rows, on_duckdb.rows), (bound.rows[:3], on_duckdb.rows[:3])
    return bool(prepared.params)


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_named_spec_bound_on_postgres(name, pg_compiler, pg_warehouse, warehouse) -> None:  # type: ignore[no-untyped-def]
    shapes = Shapes(pg_compiler, "postgres")
    spec = NAMED_SPECS[name][1]
    assert not _check(shapes, pg_compiler, spec, pg_warehouse, warehouse)
    assert _check(shapes, pg_compiler, spec, pg_warehouse, warehouse)
    assert "$1" in shapes.prepare(spec).sql


def test_random_specs_bound_on_postgres(catalog, pg_compiler, pg_warehouse, warehouse) -> None:  # type: ignore[no-untyped-def]
    codes = [r[0] for r in warehouse.query("SELECT municipality_code FROM municipalities").rows]
    shapes = Shapes(pg_compiler, "postgres")

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs(catalog, codes))
    def check(spec: QuerySpec) -> None:
        _check(shapes, pg_compiler, spec, pg_warehouse, warehouse)
        _check(shapes, pg_compiler, spec, pg_warehouse, warehouse)

    check()
    assert shapes.built >= 10


def test_numbered_parameters_become_psycopgs_in_their_order() -> None:
    from warehouse.errors import QueryError
    from warehouse.pg_client import _placeholders

    sql = "SELECT $2 AS a, '$1 % ?' AS s, \"$3\" FROM t WHERE x = $1 AND y % 2 = $2 AND z IN ($10)"
    params = list(range(1, 11))
    assert _placeholders(sql, params) == (
        "SELECT %s AS a, '$1 %% ?' AS s, \"$3\" FROM t WHERE x = %s AND y %% 2 = %s AND z IN (%s)", [2, 1, 2, 10])
    assert _placeholders("SELECT ?, ?", ["a", "b"]) == ("SELECT %s, %s", ["a", "b"])
    with pytest.raises(QueryError):
        _placeholders("SELECT $3", [1, 2])
