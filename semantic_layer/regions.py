"""All five regions at once (ComparisonKind.REGIONS): one grouped statement instead of one spec per region.

Passes: cells (every municipality's value with its region, for the periods asked) -> periods (those present)
-> grp (regions x periods, each region's figure by the catalog's method: weighted by the denominator
population, a total, or a plain mean — the same aggregate SinglePlan uses for one region's group) -> ranked
(RANK: regions ranked per period) -> nat (the published national figure) -> one UNION ALL in RESULT_COLUMNS
order (QUARTER_COLUMNS for a quarterly figure, grouped per year and quarter).

Rows: role 'group' with municipality_code = the region's code (1081-1085) and municipality = its name, and
role 'national' (code 0). Every region has a row in every period, also one without data: its value is then
NULL with n_values = 0 (n_members counts its municipalities' cells), never 0.
"""

from __future__ import annotations

from sqlglot import exp, select

from semantic_layer.model import Aggregation, Metric
from semantic_layer.single import SinglePlan, average
from semantic_layer.spec import ComparisonKind, Operation, QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS, col, eq, join, limit, lit, ref, table, with_ctes


class RegionsPlan(SinglePlan):
    """The regions' figures side by side (VALUE/COMPARE), over time (TREND) or ranked (RANK); reuses
    SinglePlan's period predicate and national figure, so the years and the country agree with every other
    answer."""

    def __init__(self, spec: QuerySpec, metric: Metric, published_national: bool, row_cap: int) -> None:
        super().__init__(spec, metric, published_national, row_cap)
        assert self.spec.comparison.kind == ComparisonKind.REGIONS and not self.spec.municipalities
        self.group_label = "regions"

    def _region_cells(self) -> exp.Expression:
        """Every municipality's cell in the periods asked, with the municipality's region."""
        query = (select(col("municipality_code", "o"), col("region_code", "mu"), *self._period("o"),
                        col("value", "o"))
                 .from_(table(self.cells_table, "o"), copy=False))
        return join(query, table("municipalities", "mu"),
                    on=eq(col("municipality_code", "mu"), col("municipality_code", "o"))).where(
            exp.and_(col("figure", "o").eq(self.fig), self._years("o"), copy=False), copy=False)

    def _regions(self) -> exp.Expression:
        """One row per region and period (regions without cells too: NULL, n_values 0)."""
        same_period = exp.and_(eq(col("region_code", "g"), col("region_code", "r")),
                               *[eq(c, col(c.name, "g")) for c in self._period("p")], copy=False)
        query = (select(*self._row(metric_id=self.mid, municipality_code=col("region_code", "r"),
                                   municipality=col("region_name", "r"), year=col("year", "p"),
                                   value=average(self.metric, col("value", "g"), col("persons", "w")),
                                   status=lit("computed"), role=lit("group"),
                                   n_values=exp.func("count", col("value", "g")),
                                   n_members=exp.func("count", col("municipality_code", "g")),
                                   quarter=col("quarter", "p")))
                 .from_(table("regions", "r"), copy=False))
        join(query, table("periods", "p"), kind="CROSS")
        join(query, table("cells", "g"), on=same_period, side="LEFT")
        if self.metric.aggregation == Aggregation.WEIGHTED:  # the population of the period's year, as _group
            join(query, table("population_groups", "w"), side="LEFT", on=exp.and_(
                eq(col("group_id", "w"), lit(self.metric.denominator_population)),
                eq(col("municipality_code", "w"), col("municipality_code", "g")),
                eq(col("year", "w"), col("year", "g")), copy=False))
        return query.group_by(col("region_code", "r"), col("region_name", "r"), *self._period("p"), copy=False)

    def _ranked_regions(self) -> exp.Expression:
        """The regions ranked per period (NULLs last); `weight` is how many regions have a value."""
        order = exp.Order(expressions=[exp.Ordered(this=col("value"), desc=self.spec.rank_order == "desc",
                                                   nulls_first=False)])
        return select(*[col(c) for c in self.columns[:9]],
                      exp.Window(this=exp.func("rank"), partition_by=self._period(), order=order)
                      .as_("rank", copy=False),
                      exp.Window(this=exp.func("count", col("value")), partition_by=self._period())
                      .as_("weight", copy=False),
                      *[col(c) for c in self.columns[len(RESULT_COLUMNS):]]).from_(ref("grp"), copy=False)

    def build(self) -> exp.Query:
        spec = self.spec
        self.ctes += [("cells", self._region_cells()),
                      ("periods", select(*self._period()).distinct(copy=False).from_(ref("cells"), copy=False)),
                      ("grp", self._regions())]
        source = "grp"
        if spec.operation == Operation.RANK:
            self.ctes.append(("ranked", self._ranked_regions()))
            source = "ranked"
        result: exp.Query = select(*[col(c) for c in self.columns]).from_(ref(source), copy=False)
        if spec.include_national:
            self.ctes.append(("nat", self._national()))
            result = exp.union(result, select(exp.Star()).from_(ref("nat"), copy=False), distinct=False, copy=False)
        order: list[exp.Expression]
        if spec.operation == Operation.RANK:
            order = [exp.Ordered(this=col("rank"), nulls_first=False)]
        else:  # the regions highest first, then the country
            order = [exp.Case().when(eq(col("role"), lit("group")), lit(0), copy=False).else_(lit(1), copy=False),
                     exp.Ordered(this=col("value"), desc=True, nulls_first=False)]
        # the regions alone are ordered as they are; with the country's row after a UNION, around the union
        final = result if isinstance(result, exp.Select) else select(exp.Star()).from_(result.subquery("r"),
                                                                                       copy=False)
        final = final.order_by(*self._period(), *order, col("municipality_code"), copy=False)
        return limit(with_ctes(final, self.ctes), self.row_cap)

