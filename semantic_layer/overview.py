"""Several figures at once (the budget-seminar overview): one statement for the subject, its neighbours'
average and the national figure, each figure at its own latest year and averaged by its own method.

Passes: cells (the figures, filtered by literal) -> metric_map (how each figure averages) -> members
(subject and land neighbours) -> years (latest per figure, anchored on the subject) -> obs -> grp / nat.
"""

from __future__ import annotations

from sqlglot import exp, select

from semantic_layer.model import Metric
from semantic_layer.spec import QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS, col, lit, not_null, row, table, weighted_mean

GROUP_LABEL = "neighbours"  # the group's code; semantic_layer/phrases.py words it


def _average() -> exp.Expression:
    """Per row of metric_map: total, weighted by the denominator population, or plain mean."""
    value, persons = col("value", "g"), col("persons", "w")
    weighted = weighted_mean(value, persons)
    method = exp.func("any_value", col("aggregation", "mm"))
    return (exp.Case().when(method.eq(lit("sum")), exp.func("sum", value))
            .when(method.copy().eq(lit("weighted")), weighted).else_(exp.func("avg", value)))


class OverviewPlan:
    def __init__(self, spec: QuerySpec, metrics: list[Metric], row_cap: int) -> None:
        self.row_cap = row_cap
        self.spec = spec
        self.metrics = metrics
        self.subject = spec.municipalities[0]

    def _metric_map(self) -> exp.Expression:
        rows = [tuple(lit(v) for v in (m.id, m.label, m.denominator_population, m.aggregation.value))
                for m in self.metrics]
        return select(exp.Star()).from_(exp.values(rows, alias="mm", columns=[
            "metric_id", "figure", "weight_group", "aggregation"]), copy=False)

    def _members(self) -> exp.Expression:
        own = select(lit(self.subject).as_("municipality_code", copy=False), lit("subject").as_("role", copy=False))
        others = (select(col("neighbour_code").as_("municipality_code", copy=False),
                         lit("member").as_("role", copy=False))
                  .from_(exp.to_table("neighbours"), copy=False)
                  .where(col("municipality_code").eq(lit(self.subject)), copy=False))
        return exp.union(own, others, distinct=False, copy=False)

    def _years(self) -> exp.Expression:
        """One asked year for every figure, or else each figure's latest year with data for the subject."""
        query = (select(col("metric_id", "mm"), col("year", "o")).distinct(copy=False)
                 .from_(table("cells", "o"), copy=False)
                 .join(table("metric_map", "mm"), on=col("figure", "o").eq(col("figure", "mm")), copy=False))
        if self.spec.years.kind == "single":
            return query.where(col("year", "o").eq(lit(self.spec.years.start)), copy=False)
        latest = exp.Window(this=exp.func("max", col("year", "o")), partition_by=[col("metric_id", "mm")])
        return (query.where(exp.and_(not_null(col("value", "o")),
                                     col("municipality_code", "o").eq(lit(self.subject)), copy=False), copy=False)
                .qualify(col("year", "o").eq(latest), copy=False))

    def _on_year(self, alias: str) -> exp.Expr:
        return exp.and_(col("metric_id", "y").eq(col("metric_id", "mm")), col("year", "y").eq(col("year", alias)),
                        copy=False)

    def _obs(self) -> exp.Expression:
        return (select(*row(metric_id=col("metric_id", "mm"), municipality_code=col("municipality_code", "o"),
                            municipality=col("municipality_name", "mu"), year=col("year", "o"),
                            value=col("value", "o"), status=col("status", "o"), role=col("role", "mb")))
                .from_(table("cells", "o"), copy=False)
                .join(table("metric_map", "mm"), on=col("figure", "o").eq(col("figure", "mm")), copy=False)
                .join(table("years", "y"), on=self._on_year("o"), copy=False)
                .join(table("members", "mb"), on=col("municipality_code", "mb").eq(col("municipality_code", "o")),
                      copy=False)
                .join(table("municipalities", "mu"), on=col("municipality_code", "mu").eq(
                    col("municipality_code", "o")), copy=False))

    def _group(self, source: exp.Expr, label: str, role: str, members_only: bool) -> exp.Expression:
        query = (select(*row(metric_id=col("metric_id", "g"), municipality_code=lit(0 if role == "national" else None),
                             municipality=lit(label), year=col("year", "g"), value=_average(),
                             status=lit("computed"), role=lit(role), n_values=exp.func("count", col("value", "g")),
                             n_members=exp.Count(this=exp.Star())))
                 .from_(source, copy=False)
                 .join(table("metric_map", "mm"), on=col("metric_id", "mm").eq(col("metric_id", "g")), copy=False)
                 .join(table("weights", "w"), join_type="left", on=exp.and_(
                     col("group_id", "w").eq(col("weight_group", "mm")),
                     col("municipality_code", "w").eq(col("municipality_code", "g")),
                     col("year", "w").eq(col("year", "g")), copy=False), copy=False)
                 .group_by(col("metric_id", "g"), col("year", "g"), copy=False))
        return query.where(col("role", "g").eq(lit("member")), copy=False) if members_only else query

    def _national(self) -> exp.Expression:
        """The published national figure; where none is published, computed over the 98 by the same method."""
        published = (select(*row(metric_id=col("metric_id", "mm"), municipality_code=lit(0),
                                  municipality=lit("Hele landet"), year=col("year", "n"), value=col("value", "n"),
                                  status=col("status", "n"), role=lit("national")))
                     .from_(table("published", "n"), copy=False)
                     .join(table("metric_map", "mm"), on=col("figure", "n").eq(col("figure", "mm")), copy=False)
                     .join(table("years", "y"), on=self._on_year("n"), copy=False))
        unpublished = exp.Exists(this=select(lit(1)).from_(table("published", "n2"), copy=False).where(exp.and_(
            col("figure", "n2").eq(col("figure", "mm")), col("year", "n2").eq(col("year", "o")),
            not_null(col("value", "n2")), copy=False), copy=False)).not_()
        everyone = (select(col("metric_id", "mm"), col("municipality_code", "o"), col("year", "o"), col("value", "o"))
                    .from_(table("cells", "o"), copy=False)
                    .join(table("metric_map", "mm"), on=col("figure", "o").eq(col("figure", "mm")), copy=False)
                    .join(table("years", "y"), on=self._on_year("o"), copy=False)
                    .where(unpublished, copy=False))
        computed = self._group(everyone.subquery("g"), "Hele landet (beregnet)", "national", members_only=False)
        return exp.union(published, computed, distinct=False, copy=False)

    def build(self) -> exp.Query:
        labels = [lit(m.label) for m in self.metrics]
        groups = [lit(g) for g in sorted({m.denominator_population for m in self.metrics if m.denominator_population})]
        ctes: list[tuple[str, exp.Expression]] = [
            # Filter the big tables once, by literal, so DuckDB's zone maps skip everything else.
            ("cells", select(exp.Star()).from_(exp.to_table("observations"), copy=False)
             .where(col("figure").isin(*labels, copy=False), copy=False)),
            ("published", select(exp.Star()).from_(exp.to_table("national"), copy=False)
             .where(col("figure").isin(*labels, copy=False), copy=False)),
            ("weights", select(exp.Star()).from_(exp.to_table("population_groups"), copy=False).where(
                col("group_id").isin(*groups, copy=False) if groups else exp.false(), copy=False)),
            ("metric_map", self._metric_map()), ("members", self._members()), ("years", self._years()),
            ("obs", self._obs()),
            ("grp", self._group(table("obs", "g"), GROUP_LABEL, "group", members_only=True)),
            ("nat", self._national()),
        ]
        result = exp.union(select(*[col(c) for c in RESULT_COLUMNS]).from_(exp.to_table("obs"), copy=False),
                           select(exp.Star()).from_(exp.to_table("grp"), copy=False), distinct=False, copy=False)
        result = exp.union(result, select(exp.Star()).from_(exp.to_table("nat"), copy=False), distinct=False,
                           copy=False)
        role_order = exp.Case().when(col("role").eq(lit("subject")), lit(0)).when(
            col("role").eq(lit("member")), lit(1)).else_(lit(2))
        final = select(exp.Star()).from_(result.subquery("r"), copy=False).order_by(
            col("metric_id"), col("year"), role_order, col("role"), col("municipality_code"), copy=False)
        for name, query in ctes:
            final = final.with_(name, as_=query, copy=False)
        return final.limit(self.row_cap, copy=False)
