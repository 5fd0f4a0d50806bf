"""One figure, any operation: a flat statement DuckDB plans in about a millisecond.

Passes, one concern each: members (which municipalities) -> year predicate -> cells ->
group average / national figure / rank / savings -> one UNION ALL in RESULT_COLUMNS order.

A quarterly figure reads quarterly_observations / quarterly_national instead, and its rows carry the quarter
as well (QUARTER_COLUMNS): every grouping, ranking and join is then per (year, quarter), the latest period is
the latest quarter, and group averages weigh by the population of the quarter's year.
"""

from __future__ import annotations

from sqlglot import exp, select

from semantic_layer.model import Aggregation, Frequency, Metric
from semantic_layer.spec import NATIONAL_CODE, REGION_CODES, Benchmark, Comparison, ComparisonKind, Operation, QuerySpec
from semantic_layer.sqlbits import (
    QUARTER_COLUMNS,
    RESULT_COLUMNS,
    codes,
    col,
    join,
    limit,
    lit,
    not_null,
    ref,
    row,
    table,
    weighted_mean,
    with_ctes,
)

SIMILAR_BASIS = "Socioøkonomisk indeks"
# A municipality's size (the figure the population table is built from): what "de største kommuner" rank by
SIZE_BASIS = "Indbyggertal 1. januar"


def average(metric: Metric, value: exp.Expression, persons: exp.Expression) -> exp.Expr:
    """The catalog's method for a group: total, weighted by the denominator population, or plain mean."""
    if metric.aggregation == Aggregation.SUM:
        return exp.func("sum", value)
    if metric.aggregation == Aggregation.WEIGHTED:
        return weighted_mean(value, persons)
    return exp.func("avg", value)


class SinglePlan:
    """Builds the statement for one metric; `group_label` is the computed group's code ("neighbours", "similar",
    "region"), if any: the SQL carries codes, semantic_layer/phrases.py turns them into Danish."""

    def __init__(self, spec: QuerySpec, metric: Metric, published_national: bool, row_cap: int) -> None:
        self.row_cap = row_cap
        self.national_only = False
        if NATIONAL_CODE in spec.municipalities:
            # "på landsplan": the published national figure is the subject; no municipality rows.
            spec = spec.model_copy(update={"include_national": True, "municipalities": tuple(
                c for c in spec.municipalities if c != NATIONAL_CODE)})
            self.national_only = not spec.municipalities
        regions = [c for c in spec.municipalities if c in REGION_CODES]
        if regions and spec.operation not in (Operation.RANK, Operation.DISTRIBUTION):
            # A region named as the subject is its municipalities and their average (code 1081-1085).
            spec = spec.model_copy(update={
                "municipalities": tuple(c for c in spec.municipalities if c not in REGION_CODES),
                "comparison": Comparison(kind=ComparisonKind.REGION, region_code=regions[0]),
                "operation": Operation.COMPARE if spec.operation == Operation.VALUE else spec.operation})
        self.spec = spec
        # Råderum against another municipality: the subject is the first; the second is the benchmark's member
        self.against = spec.municipalities[1] if spec.operation == Operation.SAVINGS \
            and spec.benchmark == Benchmark.MUNICIPALITY else None
        self.subjects = spec.municipalities[:1] if self.against is not None else spec.municipalities
        self.metric = metric
        self.published = published_national
        self.fig = lit(metric.label)
        self.mid = lit(metric.id)
        self.ctes: list[tuple[str, exp.Expression]] = []
        self.group_label: str | None = None
        self.only_subjects = False  # the cells are the named municipalities only (no members to compare with)
        self.region: exp.Expression = exp.Null()
        self.quarterly = metric.frequency == Frequency.QUARTER
        self.columns = QUARTER_COLUMNS if self.quarterly else RESULT_COLUMNS
        self.cells_table = "quarterly_observations" if self.quarterly else "observations"
        self.national_table = "quarterly_national" if self.quarterly else "national"

    def _row(self, **columns: exp.Expr) -> list[exp.Expr]:
        return row(self.columns, **columns)

    def _period(self, alias: str | None = None) -> list[exp.Expr]:
        """The columns of a row's period: the year, and for a quarterly figure its quarter."""
        return [col("year", alias), col("quarter", alias)] if self.quarterly else [col("year", alias)]

    def _index(self, alias: str | None = None) -> exp.Expression:
        """The period as one number: the year, or year x 4 + quarter (consecutive quarters differ by one)."""
        if not self.quarterly:
            return col("year", alias)
        return exp.Add(this=exp.Mul(this=col("year", alias), expression=lit(4)), expression=col("quarter", alias))

    # -- members and years -----------------------------------------------------------------------
    def _members(self) -> exp.Expr | None:
        """Predicate on cells `o`/`mu` choosing the municipalities; None means all 98."""
        spec, subjects = self.spec, self.subjects
        code = col("municipality_code", "o")
        if self.national_only:
            return exp.false()
        if spec.operation == Operation.RANK and spec.comparison.kind == ComparisonKind.NEIGHBOURS and subjects:
            return self._neighbourhood(code, lit(subjects[0]))  # ranked among the subject and its neighbours
        if spec.operation in (Operation.RANK, Operation.DISTRIBUTION):
            return col("region_code", "mu").eq(lit(spec.rank_region)) if spec.rank_region else None
        kind = spec.comparison.kind
        if not subjects and kind == ComparisonKind.REGION and spec.comparison.region_code:
            self.group_label = "region"
            self.region = lit(spec.comparison.region_code)
            return col("region_code", "mu").eq(self.region.copy())
        subject = lit(subjects[0])
        if kind == ComparisonKind.NEIGHBOURS or (spec.operation == Operation.SAVINGS
                                                 and spec.benchmark == Benchmark.NEIGHBOURS):
            self.group_label = "neighbours"  # a code: phrases.group_label words it
            return self._neighbourhood(code, subject)
        if kind == ComparisonKind.REGION or (spec.operation == Operation.SAVINGS
                                             and spec.benchmark == Benchmark.REGION):
            self.group_label = "region"
            self.region = lit(spec.comparison.region_code) if spec.comparison.region_code else select(
                "region_code").from_(ref("municipalities"), copy=False).where(
                col("municipality_code").eq(subject), copy=False).subquery()
            # The subject stays in the answer even when compared with another region.
            return exp.or_(code.eq(subject), col("region_code", "mu").eq(self.region.copy()), copy=False)
        if self.against is not None:  # the subject and the municipality it is measured against
            return code.isin(subject, lit(self.against), copy=False)
        if kind == ComparisonKind.SIMILAR:
            self.group_label = "similar"  # a code, as "neighbours"
            self.ctes.append(("similar", self._similar(subjects[0], spec.comparison.similar_n)))
            return code.isin(query=select(col("municipality_code")).from_(ref("similar"), copy=False),
                             copy=False)
        self.only_subjects = True
        return code.eq(subject) if len(subjects) == 1 else code.isin(*codes(subjects), copy=False)

    @staticmethod
    def _neighbourhood(code: exp.Expression, subject: exp.Expression) -> exp.Expression:
        """The subject and its land neighbours, as a predicate on `code`."""
        own = select(subject.copy().as_("municipality_code", copy=False))
        others = (select(col("neighbour_code")).from_(ref("neighbours"), copy=False)
                  .where(col("municipality_code").eq(subject), copy=False))
        return code.isin(query=exp.union(own, others, distinct=False, copy=False), copy=False)

    def _similar(self, subject: int, n: int) -> exp.Expression:
        """The subject and its n nearest by socio-economic index and log population (standardised)."""
        basis = (select(col("municipality_code", "o"), col("value", "o").as_("idx", copy=False),
                        exp.func("ln", col("population", "p")).as_("lnpop", copy=False))
                 .from_(table("observations", "o"), copy=False)
                 .join(table("population", "p"), on=exp.and_(
                     col("municipality_code", "p").eq(col("municipality_code", "o")),
                     col("year", "p").eq(col("year", "o")), copy=False), copy=False)
                 .where(exp.and_(col("figure", "o").eq(lit(SIMILAR_BASIS)), not_null(col("value", "o")),
                                 col("year", "o").eq(select(exp.func("max", col("year")))
                                                     .from_(ref("observations"), copy=False).where(
                                     exp.and_(col("figure").eq(lit(SIMILAR_BASIS)), not_null(col("value")),
                                              col("municipality_code").eq(lit(subject)), copy=False),
                                     copy=False).subquery()), copy=False), copy=False))
        z = {name: exp.Div(this=exp.paren(exp.Sub(this=col(name),
                                                  expression=exp.Window(this=exp.func("avg", col(name))))),
                           expression=exp.Window(this=exp.func("stddev_pop", col(name)))) for name in ("idx", "lnpop")}
        scored = (select(col("municipality_code"), z["idx"].as_("zi", copy=False), z["lnpop"].as_("zp", copy=False))
                  .from_(basis.subquery("b"), copy=False))
        me = (select(col("zi"), col("zp")).from_(scored.subquery("s0"), copy=False)
              .where(col("municipality_code").eq(lit(subject)), copy=False))
        distance = exp.Add(this=exp.func("power", exp.Sub(this=col("zi", "s"), expression=col("zi", "me")), lit(2)),
                           expression=exp.func("power", exp.Sub(this=col("zp", "s"), expression=col("zp", "me")),
                                               lit(2)))
        return (select(col("municipality_code", "s")).from_(scored.subquery("s"), copy=False)
                .join(me.subquery("me"), join_type="cross", copy=False).order_by(distance, copy=False)
                .limit(lit(n + 1), copy=False))

    def _latest(self, anchored: bool, quarters: bool = False) -> exp.Expression:
        """The latest year with data, or with `quarters` the latest quarter (as `_index`)."""
        where = exp.and_(col("figure").eq(self.fig), not_null(col("value")), copy=False)
        if anchored and self.spec.municipalities:
            where = exp.and_(where, col("municipality_code").isin(*codes(self.spec.municipalities), copy=False),
                             copy=False)
        latest = self._index() if quarters else col("year")
        return (select(exp.func("max", latest)).from_(ref(self.cells_table), copy=False)
                .where(where, copy=False).subquery())

    def _years(self, alias: str | None = None) -> exp.Expr:
        """The period predicate on the rows of `alias`: years, or for a quarterly figure also quarters."""
        y = self.spec.years
        year = col("year", alias)
        anchored = self.spec.operation not in (Operation.RANK, Operation.DISTRIBUTION)
        if y.kind == "single":
            if self.quarterly and y.quarter is not None:
                return exp.and_(year.eq(lit(y.start)), col("quarter", alias).eq(lit(y.quarter)), copy=False)
            return year.eq(lit(y.start))  # a quarterly figure: every quarter of the year
        if y.kind == "range" and self.quarterly and (y.start_quarter or y.end_quarter):
            # "fra 1. kvartal 2023 til 3. kvartal 2025", "siden 2. kvartal 2024": on the period index
            first = lit(y.start * 4 + (y.start_quarter or 1)) if y.start is not None else lit(0)
            last = (self._latest(anchored, True) if y.end is None
                    else lit(y.end * 4 + (y.end_quarter or 4)))
            return self._index(alias).between(first, last, copy=False)
        if y.kind == "range":
            end = self._latest(anchored) if y.end is None else lit(y.end)  # "siden 2015": up to the last data
            return year.between(lit(y.start), end, copy=False)
        if y.kind == "last_n":
            quarters = self.quarterly and y.unit == "quarter"
            index = self._index(alias) if quarters else year
            latest = self._latest(anchored, quarters)  # the last n periods WITH data: not the empty ones after
            return exp.and_(index > exp.Sub(this=latest, expression=lit(y.last_n)), index.copy() <= latest.copy(),
                            copy=False)
        return self._index(alias).eq(self._latest(anchored, self.quarterly))

    # -- parts -----------------------------------------------------------------------------------
    def _cells(self) -> exp.Select:
        """The cells of the chosen municipalities and periods, with each municipality's name. A yearly figure's
        cells carry the name (observations.municipality, copied at build), so no join is needed unless the
        members are chosen by region; a quarterly figure's name comes from municipalities."""
        subjects = self.subjects
        members = self._members()
        role = (exp.Case().when(col("municipality_code", "o").isin(*codes(subjects), copy=False), lit("subject"))
                .else_(lit("member")) if subjects else lit("member"))
        name_of: exp.Expression = col("municipality_code", "o")
        if self.only_subjects:
            role = lit("subject")
            if len(subjects) == 1:  # the name by the literal code: DuckDB reads the one row, no hash join
                name_of = lit(subjects[0])
        where = exp.and_(col("figure", "o").eq(self.fig), self._years("o"), copy=False)
        if members is not None:
            where = exp.and_(where, members, copy=False)
        by_region = members is not None and any(c.table == "mu" for c in members.find_all(exp.Column))
        joined = self.quarterly or by_region
        cells = select(*self._row(metric_id=self.mid, municipality_code=col("municipality_code", "o"),
                                  municipality=col("municipality_name", "mu") if joined else col("municipality", "o"),
                                  year=col("year", "o"), value=col("value", "o"), status=col("status", "o"),
                                  role=role, quarter=col("quarter", "o"))).from_(table(self.cells_table, "o"),
                                                                                 copy=False)
        if joined:
            cells = cells.join(table("municipalities", "mu"), on=col("municipality_code", "mu").eq(name_of),
                               copy=False)
        return cells.where(where, copy=False)

    def _group(self, source: str, where: exp.Expression | None, code: exp.Expression,
               label: exp.Expression, role: str = "group") -> exp.Expression:
        """Aggregate `source` rows per period by the catalog's method (weights joined only when weighted: the
        population of the period's year)."""
        query = select(*self._row(metric_id=self.mid, municipality_code=code, municipality=label,
                                  year=col("year", "g"), value=average(self.metric, col("value", "g"),
                                                                       col("persons", "w")),
                                  status=lit("computed"), role=lit(role), n_values=exp.func("count", col("value", "g")),
                                  n_members=exp.Count(this=exp.Star()), quarter=col("quarter", "g")))
        query = query.from_(table(source, "g"), copy=False)
        if self.metric.aggregation == Aggregation.WEIGHTED:
            query = join(query, table("population_groups", "w"), side="LEFT", on=exp.and_(
                col("group_id", "w").eq(lit(self.metric.denominator_population)),
                col("municipality_code", "w").eq(col("municipality_code", "g")), col("year", "w").eq(col("year", "g")),
                copy=False))
        if where is not None:
            query = query.where(where, copy=False)
        return query.group_by(*self._period("g"), copy=False)

    def _national(self) -> exp.Expression:
        if self.published:
            return (select(*self._row(metric_id=self.mid, municipality_code=lit(0), municipality=lit("Hele landet"),
                                      year=col("year"), value=col("value"), status=col("status"),
                                      role=lit("national"), quarter=col("quarter")))
                    .from_(ref(self.national_table), copy=False)
                    .where(exp.and_(col("figure").eq(self.fig), self._years(), copy=False), copy=False))
        everyone = (select(col("municipality_code"), *self._period(), col("value"))
                    .from_(ref(self.cells_table), copy=False)
                    .where(exp.and_(col("figure").eq(self.fig), self._years(), copy=False), copy=False))
        self.ctes.append(("everyone", everyone))
        return self._group("everyone", None, lit(0), lit("Hele landet (beregnet)"), role="national")

    def _one_period(self) -> bool:
        """The cells are of one year (or, for a quarterly figure, one quarter)."""
        y = self.spec.years
        return y.kind == "latest" or (y.kind == "single" and (not self.quarterly or y.quarter is not None))

    def _flat(self, cells: exp.Select) -> exp.Query:
        """No group, rank or savings: the cells themselves (and the national figure), without CTE passes. One
        municipality is sorted directly by period (and the country after it); one period of it is at most one row
        (and the country's): no sort to speak of."""
        result: exp.Query = cells
        if self.spec.include_national:
            result = exp.union(result, self._national(), distinct=False, copy=False)
        if self.only_subjects and len(self.spec.municipalities) == 1:
            # One municipality: by period, the municipality (its code > 0) before the country (code 0): the same
            # order as the general sort below, without its subquery and CASE (no sort at all for one row).
            keys: list[exp.Expr] = [] if self._one_period() else self._period()
            if self.spec.include_national:
                keys.append(exp.Ordered(this=col("municipality_code"), desc=True))
            if keys:
                result = result.order_by(*keys, copy=False)
        else:
            role_order = exp.Case().when(col("role").eq(lit("subject")), lit(0)).when(
                col("role").eq(lit("member")), lit(1)).else_(lit(2))
            result = select(exp.Star()).from_(result.subquery("r"), copy=False).order_by(
                *self._period(), role_order, col("role"), col("municipality_code"), copy=False)
        return limit(with_ctes(result, self.ctes), self.row_cap)

    def build(self) -> exp.Query:
        spec = self.spec
        cells = self._cells()  # may add the 'similar' CTE it reads from
        if self.group_label is None and spec.operation not in (Operation.RANK, Operation.SAVINGS):
            return self._flat(cells)
        self.ctes.append(("cells", cells))
        parts: list[exp.Query] = [select(*[col(c) for c in self.columns]).from_(ref("cells"), copy=False)]
        if self.group_label is not None:
            region = self.group_label == "region"
            code: exp.Expression = lit(None)
            label: exp.Expression = lit(self.group_label)
            where: exp.Expression
            if region:
                code = self.region.copy()
                label = (select(col("region_name")).from_(ref("regions"), copy=False)
                         .where(col("region_code").eq(code.copy()), copy=False).subquery())
                where = col("municipality_code", "g").isin(query=select(col("municipality_code")).from_(
                    "municipalities", copy=False).where(col("region_code").eq(self.region.copy()), copy=False),
                    copy=False)
            else:  # the label stays the group's code; the writer words it by the figure's method
                where = col("role", "g").eq(lit("member"))
            self.ctes.append(("grp", self._group("cells", where, code, label)))
            parts.append(select(exp.Star()).from_(ref("grp"), copy=False))
        if spec.include_national or spec.operation == Operation.SAVINGS:
            self.ctes.append(("nat", self._national()))
            parts.append(select(exp.Star()).from_(ref("nat"), copy=False))
        if spec.operation == Operation.RANK:
            parts[0] = self._ranked()
        if spec.operation == Operation.SAVINGS:
            self.ctes.append(("bench", self._benchmark()))
            self.ctes.append(("savings", self._savings()))
            parts += [select(exp.Star()).from_(ref("bench"), copy=False),
                      select(exp.Star()).from_(ref("savings"), copy=False)]
        result = parts[0]
        for part in parts[1:]:
            result = exp.union(result, part, distinct=False, copy=False)
        rank_order = exp.Ordered(this=col("rank"), nulls_first=False)
        role_order = exp.Case().when(col("role").eq(lit("subject")), lit(0)).when(
            col("role").eq(lit("member")), lit(1)).else_(lit(2))
        final = select(exp.Star()).from_(result.subquery("r"), copy=False).order_by(
            *self._period(), rank_order if spec.operation == Operation.RANK else role_order, col("role"),
            col("municipality_code"), copy=False)
        return limit(with_ctes(final, self.ctes), self.row_cap)

    def _ranked(self) -> exp.Select:
        order = exp.Order(expressions=[exp.Ordered(this=col("value"), desc=self.spec.rank_order == "desc",
                                                   nulls_first=False)])
        ranked = select(*[col(c) for c in RESULT_COLUMNS[:9]],
                        exp.Window(this=exp.func("rank"), partition_by=self._period(), order=order)
                        .as_("rank", copy=False),
                        exp.Window(this=exp.func("count", col("value")), partition_by=self._period())
                        .as_("weight", copy=False),
                        *[col(c) for c in self.columns[len(RESULT_COLUMNS):]]
                        ).from_(ref("cells"), copy=False)
        self.ctes.append(("ranked", ranked))
        return select(exp.Star()).from_(ref("ranked"), copy=False).where(
            exp.or_(col("rank") <= lit(self.spec.rank_n), col("role").eq(lit("subject")), copy=False), copy=False)

    def _benchmark(self) -> exp.Expression:
        benchmark = self.spec.benchmark
        if benchmark == Benchmark.LOWEST_QUARTILE:
            everyone = (select(*self._period(), col("value")).from_(ref(self.cells_table), copy=False)
                        .where(exp.and_(col("figure").eq(self.fig), self._years(), copy=False), copy=False))
            return (select(*self._row(metric_id=self.mid, municipality=lit("lowest_quartile"),
                                      year=col("year", "e"),
                                      value=exp.func("quantile_cont", col("value", "e"), lit(0.25)),
                                      status=lit("computed"), role=lit("benchmark"),
                                      n_values=exp.func("count", col("value", "e")),
                                      n_members=exp.Count(this=exp.Star()), quarter=col("quarter", "e")))
                    .from_(everyone.subquery("e"), copy=False).group_by(*self._period("e"), copy=False))
        source = "nat" if benchmark == Benchmark.COUNTRY else "cells" if benchmark == Benchmark.MUNICIPALITY \
            else "grp"
        query = select(*[col(c) if c != "role" else lit("benchmark").as_("role", copy=False)
                         for c in self.columns]).from_(source, copy=False)
        if benchmark == Benchmark.MUNICIPALITY:  # the other municipality's own cell
            query = query.where(col("role").eq(lit("member")), copy=False)
        return query

    def _savings(self) -> exp.Expression:
        """(own value - benchmark) x own denominator population, as KL's råderum."""
        persons = col("persons", "w")
        same_period = exp.and_(*[c.eq(col(c.name, "s")) for c in self._period("b")], copy=False)
        return (select(*self._row(metric_id=self.mid, municipality_code=col("municipality_code", "s"),
                                  municipality=col("municipality", "s"), year=col("year", "s"),
                                  value=exp.Mul(this=exp.paren(exp.Sub(this=col("value", "s"),
                                                                       expression=col("value", "b"))),
                                                expression=persons),
                                  status=lit("computed"), role=lit("savings"), weight=persons,
                                  quarter=col("quarter", "s")))
                .from_(table("cells", "s"), copy=False)
                .join(table("bench", "b"), on=same_period, copy=False)
                .join(table("population_groups", "w"), on=exp.and_(
                    col("group_id", "w").eq(lit(self.metric.denominator_population)),
                    col("municipality_code", "w").eq(col("municipality_code", "s")),
                    col("year", "w").eq(col("year", "s")), copy=False), copy=False)
                .where(col("role", "s").eq(lit("subject")), copy=False))
