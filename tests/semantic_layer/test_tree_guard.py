"""The tree guard for the compiler's own statements: every compiled spec passes it (and the text guard), and a
tampered tree is refused: unknown table or column, a function or node outside the allow-list, DML, no LIMIT or a
LIMIT above the cap."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from sqlglot import exp

from semantic_layer.compiler import CompileError
from semantic_layer.guard import GuardError, check_tree, guard, guard_tree
from semantic_layer.spec import Comparison, ComparisonKind, MetricRef, Operation, QuerySpec, Years
from tests.semantic_layer.specs import NAMED_SPECS, SERVICE, TAX
from tests.semantic_layer.test_property import specs

CAP = 5000


def _tree(compiler, name: str = "value") -> exp.Expr:  # type: ignore[no-untyped-def]
    return compiler.compile(NAMED_SPECS[name][1]).expression.copy()


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_every_named_spec_passes_both_guards(name, compiler, warehouse) -> None:  # type: ignore[no-untyped-def]
    compiled = compiler.compile(NAMED_SPECS[name][1])
    before = compiled.expression.sql(dialect="duckdb", pretty=True)
    assert guard_tree(compiled.expression, CAP, rendered=compiled.sql) == compiled.sql
    assert compiled.expression.sql(dialect="duckdb", pretty=True) == before  # the guard changes nothing
    assert "LIMIT" in guard(compiled.sql, CAP)
    assert warehouse.query(compiled.sql).rows == warehouse.query(guard(compiled.sql, CAP)).rows


@pytest.mark.parametrize("operation", [Operation.VALUE, Operation.COMPARE, Operation.TREND, Operation.RANK])
def test_the_regions_plan_passes_both_guards(operation, compiler) -> None:  # type: ignore[no-untyped-def]
    kind = getattr(ComparisonKind, "REGIONS", None)
    if kind is None:
        pytest.skip("no regions comparison in this tree")
    for metric in (SERVICE, TAX):
        compiled = compiler.compile(QuerySpec(operation=operation, metrics=(MetricRef(id=metric),),
                                              comparison=Comparison(kind=kind), years=Years.between(2015, 2020)))
        check_tree(compiled.expression, CAP)
        guard(compiled.sql, CAP)


def _compiled(compiler, spec: QuerySpec):  # type: ignore[no-untyped-def]
    """The compiled spec, or None where the compiler refuses it (a Danish CompileError, not a guard matter)."""
    try:
        return compiler.compile(spec)
    except CompileError:
        return None


def test_random_specs_pass_the_tree_guard_and_the_text_guard(catalog, compiler, warehouse) -> None:  # type: ignore[no-untyped-def]
    """The property behind `guard_tree`: whatever valid spec the compiler gets, its tree passes the tree guard,
    its text passes the full text guard, and the guarded statement runs."""
    codes = [r[0] for r in warehouse.query("SELECT municipality_code FROM municipalities").rows]

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs(catalog, codes))
    def check(spec: QuerySpec) -> None:
        compiled = _compiled(compiler, spec)
        if compiled is not None:
            assert guard_tree(compiled.expression, CAP, rendered=compiled.sql) == compiled.sql
            guard(compiled.sql, CAP)

    check()


def test_postgres_statement_is_the_text_guards(catalog, compiler) -> None:  # type: ignore[no-untyped-def]
    """For PostgreSQL the tree guard rewrites and renders the tree without parsing it back; what it sends is
    exactly what the full text guard (render, parse, qualify, rewrite, render, parse again) sends."""
    for _, spec in NAMED_SPECS.values():
        compiled = compiler.compile(spec)
        assert guard_tree(compiled.expression, CAP, "postgres") == guard(compiled.sql, CAP, "postgres")
    codes = list(range(101, 200))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs(catalog, codes))
    def check(spec: QuerySpec) -> None:
        compiled = _compiled(compiler, spec)
        if compiled is not None:
            assert guard_tree(compiled.expression, CAP, "postgres") == guard(compiled.sql, CAP, "postgres")

    check()


# -- tampered trees ---------------------------------------------------------------------------------------------
def _refused(tree: exp.Expr, words: str, cap: int = CAP) -> None:
    with pytest.raises(GuardError) as err:
        guard_tree(tree, cap)
    assert str(err.value).startswith("Afvist"), str(err.value)
    assert words in str(err.value), str(err.value)


def test_unknown_table_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    next(t for t in tree.find_all(exp.Table) if t.name == "observations").set("this", exp.to_identifier("secrets"))
    _refused(tree, "'secrets' findes ikke")


def test_schema_qualified_table_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    next(tree.find_all(exp.Table)).set("db", exp.to_identifier("information_schema"))
    _refused(tree, "uden skema")


def test_table_function_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    table = next(t for t in tree.find_all(exp.Table) if t.name == "observations")
    table.set("this", exp.Anonymous(this="read_csv", expressions=[exp.Literal.string("/etc/passwd")]))
    _refused(tree, "Afvist")


@pytest.mark.parametrize("name", ["password", "value_x"])
def test_unknown_column_is_refused(name: str, compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    next(c for c in tree.find_all(exp.Column) if c.name == "value").set("this", exp.to_identifier(name))
    _refused(tree, "ukendt kolonne")


def test_column_of_another_table_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    """municipality_name is a warehouse column, but not of observations (alias o)."""
    tree = _tree(compiler)
    column = next(c for c in tree.find_all(exp.Column) if c.table == "o" and c.name == "value")
    column.set("this", exp.to_identifier("municipality_name"))
    _refused(tree, "ukendt kolonne")


def test_unknown_qualifier_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    next(c for c in tree.find_all(exp.Column) if c.table == "o").set("table", exp.to_identifier("zz"))
    _refused(tree, "ukendt tabel 'zz'")


@pytest.mark.parametrize("function", [
    exp.Anonymous(this="read_text", expressions=[exp.Literal.string("/etc/passwd")]),
    exp.Anonymous(this="getenv", expressions=[exp.Literal.string("HOME")]),
    exp.Anonymous(this="pg_read_file", expressions=[exp.Literal.string("x")]),
    exp.CurrentUser(),
    exp.Upper(this=exp.Literal.string("x")),  # harmless, but not what the compiler writes: not allowed either
])
def test_function_outside_the_allow_list_is_refused(function: exp.Expr, compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    next(c for c in tree.find_all(exp.Column) if c.name == "value").replace(function)
    _refused(tree, "Afvist")


def test_a_second_statement_or_dml_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    _refused(exp.insert("SELECT 1", "regions"), "kun én SELECT")
    _refused(exp.Command(this="ATTACH", expression=exp.Literal.string("x.db")), "kun én SELECT")
    tree = _tree(compiler, "compare_neighbours")  # a statement with CTEs (the one-figure value has none)
    cte = next(tree.find_all(exp.CTE))
    cte.set("this", exp.delete("regions"))
    _refused(tree, "DELETE")


def test_missing_or_huge_limit_is_refused(compiler) -> None:  # type: ignore[no-untyped-def]
    tree = _tree(compiler)
    tree.set("limit", None)
    _refused(tree, "LIMIT")
    tree = _tree(compiler)
    tree.args["limit"].set("expression", exp.Literal.number(CAP + 1))
    _refused(tree, "LIMIT")
    tree = _tree(compiler)
    tree.args["limit"].set("expression", exp.Parameter(this=exp.Literal.number(1)))
    _refused(tree, "LIMIT")
    _refused(_tree(compiler), "LIMIT", cap=10)  # the compiler's cap is above this one


def test_postgres_rendering_keeps_the_checks(compiler) -> None:  # type: ignore[no-untyped-def]
    sql = guard_tree(_tree(compiler, "overview"), CAP, "postgres")
    assert "QUALIFY" not in sql.upper() and sql.rstrip().splitlines()[-1] == "LIMIT 5000"
    with pytest.raises(ValueError):
        guard_tree(_tree(compiler), CAP, "sqlite")
