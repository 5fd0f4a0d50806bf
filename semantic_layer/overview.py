"""Several figures at once (the budget-seminar overview): one statement for the subject, its neighbours'
average and the national figure, each figure at its own latest year and averaged by its own method.

The figures are the candidates the catalog declares for each theme (catalog/overview.yaml), in order of
preference. For the subject each figure's latest year with a value is found; within a theme the figures whose
latest year lies at most RECENT_YEARS before the theme's newest are shown, so an older figure appears only where
no recent one covers its theme. A figure is never spliced with another: each row is one figure's own cells.

Passes: members (subject and land neighbours, with names) -> own (the candidates' cells in those municipalities,
filtered by literal) -> latest / chosen (each figure's latest year with a value for the subject; the recent ones per
theme) -> cells (own at the chosen years) -> neighbours' average / published national figure / national figure
computed over the 98 where none is published. The observations are read once for the subject and its
neighbours (all candidates, all years) and once per figure without a published national figure (by equality, so
DuckDB reads only that figure's row group); no pass reads all cells of all figures. Per-figure facts (id, theme,
method, weights) are CASE expressions rather than a joined VALUES table, which DuckDB binds and plans faster; the
figure's id is computed for the chosen figures only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlglot import exp, select

from semantic_layer.model import Aggregation, Metric
from semantic_layer.spec import QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS, col, lit, not_null, row, table, weighted_mean

GROUP_LABEL = "neighbours"  # the group's code; semantic_layer/phrases.py words it
RECENT_YEARS = 2  # a theme shows the figures whose latest year is at most this much older than its newest


def overview_theme(metric: Metric) -> str:
    """The theme a figure headlines in the overview: overview.yaml's, else its own file's."""
    return metric.overview_theme or metric.theme


class OverviewPlan:
    def __init__(self, spec: QuerySpec, metrics: list[Metric], row_cap: int,
                 published_national: frozenset[str] | None = None) -> None:
        self.row_cap = row_cap
        self.spec = spec
        self.metrics = metrics
        self.subject = spec.municipalities[0]
        # Figures whose national figure is computed over the 98 (none published); None: all are published.
        self.unpublished = [m for m in metrics if published_national is not None
                            and m.label not in published_national]

    # -- per-figure facts as expressions over the figure's id --------------------------------------------------
    @staticmethod
    def _by_id(metric_id: exp.Expression, groups: dict[str, list[Metric]], by_label: bool = False) -> exp.Expression:
        """CASE WHEN metric_id IN (...) THEN key ... END for {key: figures} (with `by_label`, over the figure's
        label); the bare key when there is one."""
        if len(groups) == 1:
            return lit(next(iter(groups)))
        case = exp.Case()
        for key, members in groups.items():
            ids = [lit(m.label if by_label else m.id) for m in members]
            case = case.when(metric_id.copy().isin(*ids, copy=False), lit(key), copy=False)
        return case

    @staticmethod
    def _grouped(metrics: Iterable[Metric], key: Callable[[Metric], str | None]) -> dict[str, list[Metric]]:
        out: dict[str, list[Metric]] = {}
        for m in metrics:
            k = key(m)
            if k is not None:
                out.setdefault(k, []).append(m)
        return out

    def _metric_id(self, figure: exp.Expression) -> exp.Expression:
        case = exp.Case(this=figure)
        for m in self.metrics:
            case = case.when(lit(m.label), lit(m.id), copy=False)
        return case

    def _average(self, metrics: list[Metric], metric_id: exp.Expression, value: exp.Expression,
                 persons: exp.Expression) -> exp.Expr:
        """The group's value by each figure's method: total, weighted by the denominator population, or plain
        mean (a missing value drops out; it never counts as 0)."""
        methods: dict[Aggregation, exp.Expr] = {
            Aggregation.SUM: exp.func("sum", value.copy()), Aggregation.UNWEIGHTED: exp.func("avg", value.copy()),
            Aggregation.WEIGHTED: weighted_mean(value.copy(), persons.copy())}
        present = [a for a in methods if any(m.aggregation == a for m in metrics)]
        if len(present) == 1:
            return methods[present[0]]
        case = exp.Case()
        for a in present[:-1]:
            ids = [lit(m.id) for m in metrics if m.aggregation == a]
            case = case.when(metric_id.copy().isin(*ids, copy=False), methods[a], copy=False)
        return case.else_(methods[present[-1]], copy=False)

    def _group(self, query: exp.Select, metrics: list[Metric], alias: str, value: exp.Expression,
               **columns: exp.Expr) -> exp.Select:
        """Aggregate `alias`'s rows per figure and year (weights joined only for weighted figures: the
        denominator population of the row's municipality and year)."""
        persons = col("persons", "w")
        weighted = self._grouped(metrics, lambda m: m.denominator_population
                                 if m.aggregation == Aggregation.WEIGHTED else None)
        if weighted:
            query = query.join(table("population_groups", "w"), join_type="left", on=exp.and_(
                col("group_id", "w").eq(self._by_id(col("metric_id", "c"), weighted)),
                col("municipality_code", "w").eq(col("municipality_code", alias)),
                col("year", "w").eq(col("year", alias)), copy=False), copy=False)
        columns.update(metric_id=col("metric_id", "c"), year=col("year", "c"),
                       value=self._average(metrics, col("metric_id", "c"), value, persons), status=lit("computed"),
                       n_values=exp.func("count", value.copy()), n_members=exp.Count(this=exp.Star()))
        return (query.select(*[columns.get(c, exp.Null()).as_(c, copy=False) for c in RESULT_COLUMNS], copy=False)
                .group_by(col("metric_id", "c"), col("year", "c"), copy=False))

    # -- passes ------------------------------------------------------------------------------------------------
    def _members(self) -> exp.Expression:
        """The subject and its land neighbours, with their names and roles."""
        code, subject = col("municipality_code"), lit(self.subject)
        neighbours = (select(col("neighbour_code")).from_(exp.to_table("neighbours"), copy=False)
                      .where(col("municipality_code").eq(subject.copy()), copy=False))
        role = exp.Case().when(code.eq(subject.copy()), lit("subject"), copy=False).else_(lit("member"), copy=False)
        return (select(code.copy(), col("municipality_name"), role.as_("role", copy=False))
                .from_(exp.to_table("municipalities"), copy=False)
                .where(exp.or_(code.copy().eq(subject.copy()), code.copy().isin(query=neighbours, copy=False),
                               copy=False), copy=False))

    def _own(self) -> exp.Expression:
        """The candidates' cells in the subject and its neighbours, every year."""
        return (select(*[col("figure", "o"), col("municipality_code", "o"),
                         col("municipality_name", "mb").as_("municipality", copy=False), col("year", "o"),
                         col("value", "o"), col("status", "o"), col("role", "mb")])
                .from_(table("observations", "o"), copy=False)
                .join(table("members", "mb"), on=col("municipality_code", "mb").eq(col("municipality_code", "o")),
                      copy=False)
                .where(col("figure", "o").isin(*[lit(m.label) for m in self.metrics], copy=False), copy=False))

    def _chosen(self) -> list[tuple[str, exp.Expression]]:
        """Each shown figure and its year: one asked year for every figure with cells in it, or else each figure's
        latest year with a value for the subject, kept where it is recent for the figure's theme."""
        metric_id = self._metric_id(col("figure")).as_("metric_id", copy=False)
        if self.spec.years.kind == "single":
            return [("chosen", select(metric_id, col("figure"), col("year")).distinct(copy=False)
                     .from_(exp.to_table("own"), copy=False)
                     .where(col("year").eq(lit(self.spec.years.start)), copy=False))]
        latest = (select(col("figure"), exp.func("max", col("year")).as_("year", copy=False))
                  .from_(exp.to_table("own"), copy=False)
                  .where(exp.and_(col("role").eq(lit("subject")), not_null(col("value")), copy=False), copy=False)
                  .group_by(col("figure"), copy=False))
        themes = self._grouped(self.metrics, overview_theme)
        newest = exp.Window(this=exp.func("max", col("year")),
                            partition_by=[self._by_id(col("figure"), themes, by_label=True)])
        chosen = (select(metric_id, col("figure"), col("year")).from_(exp.to_table("latest"), copy=False)
                  .qualify(col("year") >= exp.Sub(this=newest, expression=lit(RECENT_YEARS)), copy=False))
        return [("latest", latest), ("chosen", chosen)]

    def _cells(self) -> exp.Expression:
        """The cells of the shown figures at their years."""
        return (select(col("metric_id", "c"), *[col(c, "o") for c in ("figure", "municipality_code", "municipality",
                                                                      "year", "value", "status", "role")])
                .from_(table("own", "o"), copy=False)
                .join(table("chosen", "c"), on=exp.and_(col("figure", "c").eq(col("figure", "o")),
                                                        col("year", "c").eq(col("year", "o")), copy=False),
                      copy=False))

    def _parts(self) -> list[exp.Query]:
        rows = select(*[col(c) for c in RESULT_COLUMNS[:7]], *[exp.Null().as_(c, copy=False)
                                                               for c in RESULT_COLUMNS[7:]])
        parts: list[exp.Query] = [rows.from_(exp.to_table("cells"), copy=False)]
        grp = select().from_(table("cells", "c"), copy=False).where(col("role", "c").eq(lit("member")), copy=False)
        parts.append(self._group(grp, self.metrics, "c", col("value", "c"), municipality=lit(GROUP_LABEL),
                                 role=lit("group")))
        published = (select(*row(metric_id=col("metric_id", "c"), municipality_code=lit(0),
                                  municipality=lit("Hele landet"), year=col("year", "n"), value=col("value", "n"),
                                  status=col("status", "n"), role=lit("national")))
                     .from_(table("national", "n"), copy=False)
                     .join(table("chosen", "c"), on=exp.and_(col("figure", "c").eq(col("figure", "n")),
                                                             col("year", "c").eq(col("year", "n")), copy=False),
                           copy=False))
        if self.unpublished:
            labels = [lit(m.label) for m in self.unpublished]
            published = published.where(col("figure", "n").isin(*labels, copy=False).not_(copy=False), copy=False)
            # No published national figure: computed over the 98 by the figure's own method. One scan per figure,
            # each filtered by equality (DuckDB then reads only that figure's row group).
            scans = [select(col("figure"), col("municipality_code"), col("year"), col("value"))
                     .from_(exp.to_table("observations"), copy=False).where(col("figure").eq(x.copy()), copy=False)
                     for x in labels]
            source: exp.Query = scans[0]
            for scan in scans[1:]:
                source = exp.union(source, scan, distinct=False, copy=False)
            everyone = (select().from_(source.subquery("o", copy=False), copy=False)
                        .join(table("chosen", "c"), on=exp.and_(col("figure", "c").eq(col("figure", "o")),
                                                                col("year", "c").eq(col("year", "o")), copy=False),
                              copy=False))
            parts += [published, self._group(everyone, self.unpublished, "o", col("value", "o"),
                                             municipality_code=lit(0), municipality=lit("Hele landet (beregnet)"),
                                             role=lit("national"))]
        else:
            parts.append(published)
        return parts

    def build(self) -> exp.Query:
        ctes: list[tuple[str, exp.Expression]] = [("members", self._members()), ("own", self._own()),
                                                  *self._chosen(), ("cells", self._cells())]
        parts = self._parts()
        result = parts[0]
        for part in parts[1:]:
            result = exp.union(result, part, distinct=False, copy=False)
        role_order = exp.Case().when(col("role").eq(lit("subject")), lit(0), copy=False).when(
            col("role").eq(lit("member")), lit(1), copy=False).else_(lit(2), copy=False)
        final = select(exp.Star()).from_(result.subquery("r", copy=False), copy=False).order_by(
            col("metric_id"), col("year"), role_order, col("role"), col("municipality_code"), copy=False)
        for name, query in ctes:
            final = final.with_(name, as_=query, copy=False)
        return final.limit(self.row_cap, copy=False)
