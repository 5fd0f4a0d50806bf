"""Several figures at once (the budget-seminar overview): one statement for the subject, its neighbours'
average and the national figure, each figure at its own latest year and averaged by its own method.

The figures are the candidates the catalog declares for each theme (catalog/overview.yaml), in order of
preference. For the subject each figure's latest year with a value is found; within a theme the figures whose
latest year lies at most RECENT_YEARS before the theme's newest are shown, so an older figure appears only where
no recent one covers its theme. A figure is never spliced with another: each row is one figure's own cells.

Passes: own (the candidates' cells in the subject and its land neighbours, filtered by literal) -> chosen (each
figure's latest year with a value for the subject; the recent ones per theme) -> cells (own at the chosen years) ->
neighbours' average / published national figure / national figure computed over the 98 where none is published.
The latest years are read from latest_cells, a table the build derives from observations: every cell of a figure
in a year that is some municipality's latest year with a value for it, flagged `is_latest` where it is that
municipality's own latest (about 32,000 rows against observations' 525,000, so no pass scans observations). The
subject's flagged cells are its latest years; the neighbours' and all 98 municipalities' cells in those years are
there as well. An overview of one asked year reads observations instead. The figure's id and theme come from a
VALUES table of the candidates joined on the label (which also keeps the candidates only): in this statement
DuckDB binds and plans that faster than CASE expressions over the labels and an IN list (about 1.3 ms of 13).
The method and weights stay CASE expressions over the ids of the figures shown.

Precomputed: DuckDB plans this statement for about 5 ms and runs it for about as long, every time. The build
therefore runs it once for each of the 98 municipalities (semantic_layer/precompute.py) into overview_rows, and
with `precomputed` set (the warehouse holds rows made by exactly this statement) an overview of the latest years
reads the subject's rows from there: the same rows, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlglot import exp, select

from semantic_layer.model import Aggregation, Metric
from semantic_layer.spec import QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS, col, join, limit, lit, ref, row, table, weighted_mean, with_ctes

OVERVIEW_ROWS = "overview_rows"  # the precomputed table (warehouse/schema.py)
GROUP_LABEL = "neighbours"  # the group's code; semantic_layer/phrases.py words it
RECENT_YEARS = 2  # a theme shows the figures whose latest year is at most this much older than its newest


def overview_theme(metric: Metric) -> str:
    """The theme a figure headlines in the overview: overview.yaml's, else its own file's."""
    return metric.overview_theme or metric.theme


class OverviewPlan:
    def __init__(self, spec: QuerySpec, metrics: list[Metric], row_cap: int,
                 published_national: frozenset[str] | None = None, precomputed: bool = False) -> None:
        self.row_cap = row_cap
        self.precomputed = precomputed
        self.spec = spec
        self.metrics = metrics
        self.subject = spec.municipalities[0]
        # Figures whose national figure is computed over the 98 (none published); None: all are published.
        self.unpublished = [m for m in metrics if published_national is not None
                            and m.label not in published_national]

    # -- per-figure facts as expressions over the figure's id --------------------------------------------------
    @staticmethod
    def _by_id(metric_id: exp.Expression, groups: dict[str, list[Metric]]) -> exp.Expression:
        """CASE WHEN metric_id IN (...) THEN key ... END for {key: figures}; the bare key when there is one."""
        if len(groups) == 1:
            return lit(next(iter(groups)))
        case = exp.Case()
        for key, members in groups.items():
            case = case.when(metric_id.copy().isin(*[lit(m.id) for m in members], copy=False), lit(key), copy=False)
        return case

    @staticmethod
    def _grouped(metrics: Iterable[Metric], key: Callable[[Metric], str | None]) -> dict[str, list[Metric]]:
        out: dict[str, list[Metric]] = {}
        for m in metrics:
            k = key(m)
            if k is not None:
                out.setdefault(k, []).append(m)
        return out

    def _facts(self) -> exp.Expression:
        """The candidates' facts the statement joins on the figure's label: (figure, metric_id, theme). Joined,
        they also keep the candidates only (no IN list of the labels to plan besides)."""
        return exp.values([(m.label, m.id, overview_theme(m)) for m in self.metrics], alias="f",
                          columns=["figure", "metric_id", "theme"])

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
            query = join(query, table("population_groups", "w"), side="LEFT", on=exp.and_(
                col("group_id", "w").eq(self._by_id(col("metric_id", "c"), weighted)),
                col("municipality_code", "w").eq(col("municipality_code", alias)),
                col("year", "w").eq(col("year", alias)), copy=False))
        columns.update(metric_id=col("metric_id", "c"), year=col("year", "c"),
                       value=self._average(metrics, col("metric_id", "c"), value, persons), status=lit("computed"),
                       n_values=exp.func("count", value.copy()), n_members=exp.Count(this=exp.Star()))
        return (query.select(*[columns.get(c, exp.Null()).as_(c, copy=False) for c in RESULT_COLUMNS], copy=False)
                .group_by(col("metric_id", "c"), col("year", "c"), copy=False))

    # -- passes ------------------------------------------------------------------------------------------------
    @property
    def _latest(self) -> bool:
        """Each figure at its latest year (not one asked year): read from latest_cells."""
        return self.spec.years.kind != "single"

    def _own(self) -> exp.Expression:
        """The candidates' cells in the subject and its land neighbours, with their roles (and the name each cell
        carries): for the latest years from latest_cells (every cell of a figure in a year that is some
        municipality's latest year with a value for it, so the subject's latest year with all its neighbours'
        cells in it), for one asked year from observations."""
        code, subject = col("municipality_code", "o"), lit(self.subject)
        members = exp.union(select(subject.copy().as_("municipality_code", copy=False)),
                            select(col("neighbour_code")).from_(ref("neighbours"), copy=False)
                            .where(col("municipality_code").eq(subject.copy()), copy=False), distinct=False,
                            copy=False)
        role = exp.Case().when(code.eq(subject.copy()), lit("subject"), copy=False).else_(lit("member"), copy=False)
        # Members by one IN (a semi-join DuckDB filters the scan with); the figures by the join with `chosen` (a
        # literal IN list of the candidates would be one more join to plan and run)
        where: exp.Expr = code.copy().isin(query=members, copy=False)
        if not self._latest:
            where = exp.and_(col("figure", "o").isin(*[lit(m.label) for m in self.metrics], copy=False), where,
                             col("year", "o").eq(lit(self.spec.years.start)), copy=False)
        return (select(*[col("figure", "o"), code.copy(), col("municipality", "o"), col("year", "o"),
                         col("value", "o"), col("status", "o"), role.as_("role", copy=False)])
                .from_(table("latest_cells" if self._latest else "observations", "o"), copy=False)
                .where(where, copy=False))

    def _chosen(self) -> list[tuple[str, exp.Expression]]:
        """Each shown figure (with its id, from the facts) and its year: one asked year for every figure with cells
        in it, or else each figure's latest year with a value for the subject (latest_cells.is_latest), kept where
        it is recent for the figure's theme."""
        on = col("figure", "f").eq(col("figure", "l"))
        if not self._latest:
            return [("chosen", select(col("metric_id", "f"), col("figure", "l"), col("year", "l")).distinct(copy=False)
                     .from_(table("own", "l"), copy=False).join(self._facts(), on=on, copy=False))]
        newest = exp.Window(this=exp.func("max", col("year", "l")), partition_by=[col("theme", "f")])
        chosen = (select(col("metric_id", "f"), col("figure", "l"), col("year", "l"))
                  .from_(table("latest_cells", "l"), copy=False).join(self._facts(), on=on, copy=False)
                  .where(exp.and_(col("municipality_code", "l").eq(lit(self.subject)), col("is_latest", "l"),
                                  copy=False), copy=False)
                  .qualify(col("year", "l") >= exp.Sub(this=newest, expression=lit(RECENT_YEARS)), copy=False))
        return [("chosen", chosen)]

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
        parts: list[exp.Query] = [rows.from_(ref("cells"), copy=False)]
        published = (select(*row(metric_id=col("metric_id", "c"), municipality_code=lit(0),
                                  municipality=lit("Hele landet"), year=col("year", "n"), value=col("value", "n"),
                                  status=col("status", "n"), role=lit("national")))
                     .from_(table("national", "n"), copy=False)
                     .join(table("chosen", "c"), on=exp.and_(col("figure", "c").eq(col("figure", "n")),
                                                             col("year", "c").eq(col("year", "n")), copy=False),
                           copy=False))
        # The neighbours' rows, each labelled with the group row it makes
        members = select(col("metric_id"), col("municipality_code"), col("year"), col("value"),
                         exp.Null().as_("code", copy=False), lit(GROUP_LABEL).as_("label", copy=False),
                         lit("group").as_("kind", copy=False)).from_(ref("cells"), copy=False).where(
            col("role").eq(lit("member")), copy=False)
        if not self.unpublished:
            parts.append(self._group(select().from_(members.subquery("c", copy=False), copy=False), self.metrics,
                                     "c", col("value", "c"), municipality=lit(GROUP_LABEL), role=lit("group")))
            parts.append(published)
            return parts
        labels = [lit(m.label) for m in self.unpublished]
        published = published.where(col("figure", "n").isin(*labels, copy=False).not_(copy=False), copy=False)
        # No published national figure: computed over the 98 by the figure's own method, from the same cells
        # (latest_cells holds every municipality's cell in the chosen years; for one asked year, observations).
        # The 98's rows join the neighbours' rows, so one aggregate (and one join with the weights) makes both.
        everyone = (select(col("metric_id", "c"), col("municipality_code", "o"), col("year", "c"), col("value", "o"),
                           lit(0).as_("code", copy=False), lit("Hele landet (beregnet)").as_("label", copy=False),
                           lit("national").as_("kind", copy=False))
                    .from_(table("latest_cells" if self._latest else "observations", "o"), copy=False)
                    .join(table("chosen", "c"), on=exp.and_(col("figure", "c").eq(col("figure", "o")),
                                                            col("year", "c").eq(col("year", "o")), copy=False),
                          copy=False)
                    .where(col("figure", "o").isin(*labels, copy=False), copy=False))
        source = exp.union(members, everyone, distinct=False, copy=False).subquery("c", copy=False)
        grouped = self._group(select().from_(source, copy=False), self.metrics, "c", col("value", "c"),
                              municipality_code=col("code", "c"), municipality=col("label", "c"),
                              role=col("kind", "c"))
        parts += [grouped.group_by(col("code", "c"), col("label", "c"), col("kind", "c"), copy=False), published]
        return parts

    @property
    def reads_precomputed(self) -> bool:
        """Whether the statement reads overview_rows (latest years, with rows made by this plan's statement)."""
        return self.precomputed and self._latest

    @staticmethod
    def _order() -> list[exp.Expr]:
        """Figure, year, then the subject, its neighbours, the neighbours' average and the country."""
        role_order = exp.Case().when(col("role").eq(lit("subject")), lit(0), copy=False).when(
            col("role").eq(lit("member")), lit(1), copy=False).else_(lit(2), copy=False)
        return [col("metric_id"), col("year"), role_order, col("role"), col("municipality_code")]

    def _read(self) -> exp.Query:
        """The subject's precomputed rows: what this plan's full statement gave for it when the warehouse was
        built (semantic_layer/precompute.py), in the same order."""
        query = (select(*[col(c) for c in RESULT_COLUMNS]).from_(ref(OVERVIEW_ROWS), copy=False)
                 .where(col("subject_code").eq(lit(self.subject)), copy=False)
                 .order_by(*self._order(), copy=False))
        return limit(query, self.row_cap)

    def build(self) -> exp.Query:
        if self.reads_precomputed:
            return self._read()
        ctes: list[tuple[str, exp.Expression]] = [("own", self._own()), *self._chosen(), ("cells", self._cells())]
        parts = self._parts()
        result = parts[0]
        for part in parts[1:]:
            result = exp.union(result, part, distinct=False, copy=False)
        final = select(exp.Star()).from_(result.subquery("r", copy=False), copy=False).order_by(
            *self._order(), copy=False)
        # `cells` is read by the rows, the neighbours' average and (through `chosen`) the national figures:
        # computed once (DuckDB would otherwise inline it into each reader)
        return limit(with_ctes(final, ctes, materialized=frozenset({"cells"})), self.row_cap)
