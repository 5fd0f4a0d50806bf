"""Small expression helpers shared by the compiler's passes (values always become sqlglot literals)."""

from __future__ import annotations

from functools import lru_cache

from sqlglot import exp

RESULT_COLUMNS = ("metric_id", "municipality_code", "municipality", "year", "value", "status", "role",
                  "n_values", "n_members", "rank", "weight")
QUARTER_COLUMNS = (*RESULT_COLUMNS, "quarter")  # a quarterly figure's rows: the quarter (1-4) of the year


def lit(value: object) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


@lru_cache(maxsize=512)
def _quoted(name: str) -> bool:
    """Whether sqlglot would quote this name (what `exp.to_identifier` decides, once per name)."""
    return bool(exp.to_identifier(name).args.get("quoted"))


def _identifier(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=_quoted(name))


def col(name: str, table: str | None = None) -> exp.Column:
    """A column, optionally of a table alias; the nodes made directly (a compile makes some forty of them)."""
    if table is None:
        return exp.Column(this=_identifier(name))
    return exp.Column(this=_identifier(name), table=_identifier(table))


def codes(values: tuple[int, ...] | list[int]) -> list[exp.Expression]:
    return [lit(c) for c in values]


def eq(left: exp.Expr, right: exp.Expr) -> exp.EQ:
    """left = right, for nodes made for this place (`Expression.eq` copies both sides first)."""
    return exp.EQ(this=left, expression=right)


def not_null(expression: exp.Expression) -> exp.Expression:
    return expression.is_(exp.Null()).not_(copy=False)


# The builders below make nodes directly: sqlglot's string conveniences (`exp.to_table("t")`, `join_type="left"`,
# `with_("name", ...)`, `limit(5000)`) parse a little SQL text each time, which was most of a compile.

def ref(name: str) -> exp.Table:
    """A table (or CTE) by its name."""
    return exp.Table(this=exp.to_identifier(name))


def table(name: str, alias: str) -> exp.Table:
    """A table (or CTE) by its name, with an alias."""
    return exp.Table(this=exp.to_identifier(name), alias=exp.TableAlias(this=exp.to_identifier(alias)))


def join(query: exp.Select, target: exp.Expr, on: exp.Expr | None = None,
         side: str | None = None, kind: str | None = None) -> exp.Select:
    """`query` JOIN `target` ON `on`; side "LEFT", or kind "CROSS" (no condition)."""
    query.append("joins", exp.Join(this=target, on=on, side=side, kind=kind))
    return query


def with_ctes(query: exp.Query, ctes: list[tuple[str, exp.Expression]],
              materialized: frozenset[str] = frozenset()) -> exp.Query:
    """WITH name AS (...), ... in front of `query`; the CTEs named in `materialized` AS MATERIALIZED."""
    if ctes:
        query.set("with_", exp.With(expressions=[
            exp.CTE(this=body, alias=exp.TableAlias(this=exp.to_identifier(name)),
                    materialized=True if name in materialized else None) for name, body in ctes]))
    return query


def limit(query: exp.Query, n: int) -> exp.Query:
    query.set("limit", exp.Limit(expression=lit(n)))
    return query


def row(names: tuple[str, ...] = RESULT_COLUMNS, **columns: exp.Expr) -> list[exp.Expr]:
    """A projection in the order of `names` (RESULT_COLUMNS or QUARTER_COLUMNS); missing columns are NULL,
    columns not in `names` are left out."""
    return [columns.get(name, exp.Null()).as_(name, copy=False) for name in names]


def weighted_mean(value: exp.Expression, weight: exp.Expression) -> exp.Expression:
    """Sum of value x weight over the weights of the rows that have a value: the ministry's
    'sum of numerators over sum of denominators'. A missing value drops out; it never counts as 0."""
    return exp.Div(this=exp.func("sum", exp.Mul(this=value, expression=weight)),
                   expression=exp.func("sum", exp.Case().when(not_null(value.copy()), weight.copy())))
