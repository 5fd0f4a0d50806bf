"""DuckDB SQL (the compiler's and the analyst's dialect) rewritten for PostgreSQL with sqlglot.

sqlglot's transpiler does most of the dialect (quantile_cont, typed division, null ordering, any_value on
PostgreSQL 15, ...). This adds what PostgreSQL needs beyond it, on a copy of the tree:
- QUALIFY becomes a filtering subquery. DuckDB evaluates QUALIFY before DISTINCT, ORDER BY and LIMIT, so
  those move to the outer query (sqlglot's own rewrite keeps them inside and, for a qualified column, refers
  to a table alias the outer query does not have);
- a bare NULL in a projection is untyped in DuckDB but `text` in a PostgreSQL CTE or subquery, so a UNION
  with a number fails; a `NULL AS name` gets the type DuckDB gives the statement's output column `name`
  (sqlglot's type annotation over the warehouse schema), else the compiler's result-column type;
- round(x, n) exists in PostgreSQL only for numeric, and its round(x) rounds half to even: both become
  sign(x) * floor(abs(x) * 10^n + 0.5) / 10^n on the double x, as DuckDB rounds;
- a // b becomes PostgreSQL's a / b, which divides like DuckDB's // for integers, doubles and decimals;
- any_value(x) (DuckDB: the first non-NULL value) needs no IGNORE NULLS: on PostgreSQL 15 it is max(x).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import cast

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from warehouse.schema import PUBLIC_SCHEMA

log = logging.getLogger(__name__)

# The PostgreSQL version the SQL is written for (15: no any_value, which sqlglot then writes as max()).
POSTGRES = "postgres, version=15"
# The compiler's result columns and their types (semantic_layer.sqlbits.RESULT_COLUMNS).
RESULT_TYPES = {"metric_id": "TEXT", "municipality_code": "INT", "municipality": "TEXT", "year": "INT",
                "value": "DOUBLE PRECISION", "status": "TEXT", "role": "TEXT", "n_values": "BIGINT",
                "n_members": "BIGINT", "rank": "BIGINT", "weight": "DOUBLE PRECISION"}


@lru_cache(maxsize=1)
def postgres_dialect() -> Dialect:
    return Dialect.get_or_raise(POSTGRES)


def _eliminate_qualify(select: exp.Select) -> exp.Expr:
    """SELECT ... QUALIFY c [ORDER BY ..] [LIMIT ..] -> SELECT [DISTINCT] names FROM (SELECT ...) WHERE c' ..."""
    if any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and p.is_star) for p in select.selects) or any(
            isinstance(n, exp.Query) for n in select.args["qualify"].find_all(exp.Query)):
        return select  # SELECT * or a subquery in QUALIFY: leave it to sqlglot's own rewrite
    qualify = select.args["qualify"].pop()
    names: list[str] = []
    taken = set(select.named_selects)
    for i, projection in enumerate(list(select.selects)):
        name = projection.alias_or_name
        if not name or name in names:
            name = next(f"_c{i}_{n}" for n in range(1000) if f"_c{i}_{n}" not in taken)
            projection.replace(exp.alias_(projection.copy(), name))
        taken.add(name)
        names.append(name)
    hidden: list[exp.Expr] = []

    def hide(node: exp.Expr) -> exp.Column:
        """A name the outer query can use for `node`: its projection's, or a new hidden one."""
        for projection in select.selects:
            inner = projection.this if isinstance(projection, exp.Alias) else projection
            if inner == node and projection.alias_or_name:
                return exp.column(projection.alias_or_name)
        name = f"_q{len(hidden)}"
        hidden.append(exp.alias_(node.copy(), name))
        return exp.column(name)

    condition = qualify.this.transform(lambda n: hide(n) if isinstance(n, exp.Window | exp.Column) else n)
    order = select.args.get("order")
    if order is not None:
        order.pop()
        for ordered in order.expressions:
            term = ordered.this
            if not (isinstance(term, exp.Literal) and term.is_int):  # ORDER BY 2 means the same outside
                ordered.set("this", hide(term))
    limit, offset, distinct = (select.args.get(k) for k in ("limit", "offset", "distinct"))
    for key in ("limit", "offset", "distinct"):
        select.set(key, None)
    for column in hidden:
        select.select(column, copy=False)
    outer = exp.select(*[exp.column(n) for n in names]).from_(select.subquery("_t", copy=False), copy=False)
    outer = outer.where(condition, copy=False)
    for key, value in (("order", order), ("limit", limit), ("offset", offset), ("distinct", distinct)):
        if value is not None:
            outer.set(key, value)
    return outer


def _round_half_away(rounded: exp.Round) -> exp.Expr:
    """DuckDB's round(x, d) on a double: the binary value scaled, rounded half away from zero (C's round)."""
    double = exp.DataType.build("DOUBLE")
    x = exp.cast(rounded.this.copy(), double)
    decimals = rounded.args.get("decimals")
    scale = exp.Pow(this=exp.Literal.number(10), expression=decimals.copy()) if decimals is not None else None
    scaled = exp.Mul(this=x, expression=scale) if scale is not None else x
    body: exp.Expr = exp.Mul(this=exp.func("sign", x.copy()), expression=exp.Floor(this=exp.Add(
        this=exp.Abs(this=scaled), expression=exp.Literal.number(0.5))))
    if scale is not None:
        body = exp.Div(this=body, expression=scale.copy(), typed=True)
    return exp.Paren(this=body)


def _output_types(tree: exp.Expr) -> dict[str, exp.DataType]:
    """The type DuckDB would give each named output column (where sqlglot can tell)."""
    if not isinstance(tree, exp.Query):
        return {}
    try:
        schema = cast(dict[str, object], PUBLIC_SCHEMA)
        annotated = annotate_types(qualify(tree.copy(), schema=schema, dialect="duckdb"), schema=schema,
                                   dialect="duckdb")
    except Exception:  # noqa: BLE001 - fall back to the result-column types
        log.debug("type annotation failed", exc_info=True)
        return {}
    assert isinstance(annotated, exp.Query)
    out = {}
    for projection in annotated.selects:
        kind = projection.type
        if kind is not None and not kind.is_type(exp.DataType.Type.UNKNOWN, exp.DataType.Type.NULL):
            out[projection.alias_or_name] = kind
    return out


def rewrite_for_postgres(tree: exp.Expr) -> exp.Expr:
    """A copy of the DuckDB tree, rewritten where PostgreSQL differs (see the module docstring)."""
    tree = tree.copy()
    for select in reversed(list(tree.find_all(exp.Select))):  # inner queries first
        if select.args.get("qualify") is None:
            continue
        parent, key, index = select.parent, select.arg_key, select.index
        new = _eliminate_qualify(select)
        if new is select:
            continue
        if parent is None or key is None:
            tree = new
        else:
            parent.set(key, new, index)
    output = _output_types(tree)
    for alias in list(tree.find_all(exp.Alias)):
        if not (isinstance(alias.this, exp.Null) and isinstance(alias.parent, exp.Select)):
            continue
        known = output.get(alias.alias)
        if known is not None:
            alias.set("this", exp.cast(exp.Null(), known.copy()))
        elif alias.alias in RESULT_TYPES:
            alias.set("this", exp.cast(exp.Null(), exp.DataType.build(RESULT_TYPES[alias.alias], dialect="postgres")))
    for intdiv in reversed(list(tree.find_all(exp.IntDiv))):
        # DuckDB's a // b: integer division for integers, plain division for doubles and decimals; that is
        # exactly PostgreSQL's a / b (sqlglot's DIV(a, b) would floor doubles and return numeric).
        intdiv.replace(exp.Div(this=intdiv.this.copy(), expression=intdiv.expression.copy(), typed=True))
    for ignoring in list(tree.find_all(exp.IgnoreNulls)):
        if isinstance(ignoring.this, exp.AnyValue):  # DuckDB's any_value skips NULLs; so does max() it becomes
            ignoring.replace(ignoring.this)
    for rounded in reversed(list(tree.find_all(exp.Round))):
        rounded.replace(_round_half_away(rounded))
    return tree


def to_postgres(tree: exp.Expr, pretty: bool = True) -> str:
    """The statement in PostgreSQL's dialect (the tree is copied, not changed)."""
    return rewrite_for_postgres(tree).sql(dialect=postgres_dialect(), pretty=pretty, comments=False)
