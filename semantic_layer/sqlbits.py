"""Small expression helpers shared by the compiler's passes (values always become sqlglot literals)."""

from __future__ import annotations

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


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table)


def codes(values: tuple[int, ...] | list[int]) -> list[exp.Expression]:
    return [lit(c) for c in values]


def not_null(expression: exp.Expression) -> exp.Expression:
    return expression.is_(exp.Null()).not_(copy=False)


def table(name: str, alias: str) -> exp.Expr:
    return exp.to_table(name).as_(alias, copy=False)


def row(names: tuple[str, ...] = RESULT_COLUMNS, **columns: exp.Expr) -> list[exp.Expr]:
    """A projection in the order of `names` (RESULT_COLUMNS or QUARTER_COLUMNS); missing columns are NULL,
    columns not in `names` are left out."""
    return [columns.get(name, exp.Null()).as_(name, copy=False) for name in names]


def weighted_mean(value: exp.Expression, weight: exp.Expression) -> exp.Expression:
    """Sum of value x weight over the weights of the rows that have a value: the ministry's
    'sum of numerators over sum of denominators'. A missing value drops out; it never counts as 0."""
    return exp.Div(this=exp.func("sum", exp.Mul(this=value, expression=weight)),
                   expression=exp.func("sum", exp.Case().when(not_null(value.copy()), weight.copy())))
