"""Compile a QuerySpec into one guarded SQL statement with sqlglot's expression builders.

Every operation runs through the same pipeline of CTEs, one concern each:
metric_map (figures and how to average them) -> members (which municipalities, in which role) ->
years (which years, per figure) -> obs (the cells) -> group / national / ranked / savings -> result.
The result always has the columns of RESULT_COLUMNS, whatever the operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlglot import exp, select

from semantic_layer.model import Aggregation, Catalog, Metric
from semantic_layer.single import SinglePlan
from semantic_layer.spec import Benchmark, ComparisonKind, Operation, QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS, col, lit
from semantic_layer.sqlbits import codes as _codes

SAVINGS_GROUPS_EXCLUDED = frozenset({"skattegrundlag", "areal"})


class CompileError(Exception):
    """The spec cannot be answered as asked; the message is Danish and explains why."""


@dataclass(frozen=True)
class Compiled:
    spec: QuerySpec
    sql: str
    expression: exp.Expression
    group_label: str | None
    group_code: int | None
    plan: tuple[str, ...] = field(default_factory=tuple)


class Compiler:
    """Holds the catalog; compiled specs are cached (specs are frozen and hashable)."""

    def __init__(self, catalog: Catalog, published_national: frozenset[str] | None = None) -> None:
        self.catalog = catalog
        # Figures whose national figure the ministry publishes; None: assume all do.
        self.published_national = published_national
        self.compile = lru_cache(maxsize=4096)(self._compile)  # type: ignore[method-assign]

    def metrics_of(self, spec: QuerySpec) -> list[Metric]:
        out = []
        for ref in spec.metrics:
            metric = self.catalog.get(ref.id)
            if metric is None:
                raise CompileError(f"Nøgletallet {ref.id!r} findes ikke i kataloget.")
            out.append(metric)
        return out

    # -- CTEs -------------------------------------------------------------------------------------
    def _metric_map(self, metrics: list[Metric]) -> exp.Expression:
        rows = [(m.id, m.label, m.denominator_population, m.aggregation.value) for m in metrics]
        return select("*").from_(exp.values(
            [tuple(lit(v) for v in row) for row in rows], alias="mm",
            columns=["metric_id", "figure", "weight_group", "aggregation"]))

    def _members(self, spec: QuerySpec) -> tuple[exp.Expression, str | None, int | None]:
        """The municipalities to show, each as subject or member; plus the group's label and code."""
        subjects = spec.municipalities
        kind = spec.comparison.kind
        role = exp.Case().when(col("municipality_code").isin(*_codes(subjects)) if subjects else exp.false(),
                               lit("subject")).else_(lit("member"))
        if spec.operation in (Operation.RANK, Operation.DISTRIBUTION):
            query = select(col("municipality_code"), role.as_("role")).from_("municipalities")
            if spec.rank_region is not None:
                query = query.where(col("region_code").eq(lit(spec.rank_region)))
            return query, None, None
        if not subjects:
            raise CompileError("Spørgsmålet nævner ingen kommune.")
        subject = subjects[0]
        own = select(lit(subject).as_("municipality_code"), lit("subject").as_("role"))
        if kind == ComparisonKind.NEIGHBOURS or spec.operation == Operation.OVERVIEW or (
                spec.operation == Operation.SAVINGS and spec.benchmark == Benchmark.NEIGHBOURS):
            others = select(col("neighbour_code").as_("municipality_code"), lit("member").as_("role")).from_(
                "neighbours").where(col("municipality_code").eq(lit(subject)))
            return exp.union(own, others, distinct=False), "Nabokommunernes gennemsnit", None
        if kind == ComparisonKind.REGION or (
                spec.operation == Operation.SAVINGS and spec.benchmark == Benchmark.REGION):
            region = lit(spec.comparison.region_code) if spec.comparison.region_code else select(
                "region_code").from_("municipalities").where(col("municipality_code").eq(lit(subject))).subquery()
            query = select(col("municipality_code"), role.as_("role")).from_("municipalities").where(
                col("region_code").eq(region))
            return query, "region", spec.comparison.region_code
        if kind == ComparisonKind.SIMILAR:
            return self._similar(subject, spec.comparison.similar_n), "Sammenlignelige kommuners gennemsnit", None
        if len(subjects) > 1:
            rows = [(lit(c), lit("subject" if i == 0 else "member")) for i, c in enumerate(subjects)]
            query = select("*").from_(exp.values(rows, alias="x", columns=["municipality_code", "role"]))
            return query, None, None
        return own, None, None

    def _similar(self, subject: int, n: int) -> exp.Expression:
        """Nearest municipalities by socio-economic index and log population (standardised), latest common year."""
        index = self.catalog_label("Socioøkonomisk indeks")
        base = (select(col("municipality_code", "o"), col("year", "o"), col("value", "o").as_("idx"),
                       exp.func("ln", col("population", "p")).as_("lnpop"))
                .from_(exp.to_table("observations").as_("o"))
                .join(exp.to_table("population").as_("p"), on=exp.and_(
                    col("municipality_code", "p").eq(col("municipality_code", "o")),
                    col("year", "p").eq(col("year", "o"))))
                .where(exp.and_(col("figure", "o").eq(lit(index)), col("value", "o").is_(exp.Null()).not_())))
        latest = select(exp.func("max", col("year"))).from_(base.subquery("b0")).where(
            col("municipality_code").eq(lit(subject)))
        scored = (select("municipality_code", "idx", "lnpop").from_(base.subquery("b"))
                  .where(col("year").eq(latest.subquery())))
        me = select("idx", "lnpop").from_("scored").where(col("municipality_code").eq(lit(subject)))
        spread = select(exp.func("stddev_pop", col("idx")).as_("sd_idx"),
                        exp.func("stddev_pop", col("lnpop")).as_("sd_pop")).from_("scored")
        distance = exp.func("sqrt", exp.Add(
            this=exp.func("power", exp.Div(this=exp.paren(exp.Sub(this=col("idx", "s"), expression=col("idx", "me"))),
                                           expression=col("sd_idx", "sd")), lit(2)),
            expression=exp.func("power", exp.Div(this=exp.paren(exp.Sub(this=col("lnpop", "s"),
                                                                        expression=col("lnpop", "me"))),
                                                 expression=col("sd_pop", "sd")), lit(2))))
        nearest = (select(col("municipality_code", "s"), lit("member").as_("role"))
                   .from_(exp.to_table("scored").as_("s"))
                   .join(me.subquery("me"), join_type="cross").join(spread.subquery("sd"), join_type="cross")
                   .where(col("municipality_code", "s").neq(lit(subject)))
                   .order_by(distance).limit(n))
        own = select(lit(subject).as_("municipality_code"), lit("subject").as_("role"))
        return select("*").from_(exp.union(own, nearest.subquery(), distinct=False).subquery("u")).with_(
            "scored", as_=scored)

    def catalog_label(self, label: str) -> str:
        metric = self.catalog.by_label(label)
        if metric is None:
            raise CompileError(f"Kataloget mangler nøgletallet {label!r}.")
        return metric.label

    def _years(self, spec: QuerySpec) -> exp.Expression:
        y = spec.years
        query = (select(col("metric_id", "mm"), col("year", "o")).distinct()
                 .from_(exp.to_table("cells").as_("o"))
                 .join(exp.to_table("metric_map").as_("mm"), on=col("figure", "o").eq(col("figure", "mm"))))
        anchored = col("municipality_code", "o").isin(select("municipality_code").from_("members").subquery())
        if y.kind == "single":
            return query.where(col("year", "o").eq(lit(y.start)))
        if y.kind == "range":
            cond: exp.Expr = col("year", "o") >= lit(y.start)
            if y.end is not None:
                cond = exp.and_(cond, col("year", "o") <= lit(y.end))
            return query.where(exp.and_(cond, col("value", "o").is_(exp.Null()).not_(), anchored))
        query = query.where(exp.and_(col("value", "o").is_(exp.Null()).not_(), anchored))
        latest = exp.Window(this=exp.func("max", col("year", "o")), partition_by=[col("metric_id", "mm")])
        if y.kind == "last_n":
            return query.qualify(col("year", "o") > exp.Sub(this=latest, expression=lit(y.last_n)))
        return query.qualify(col("year", "o").eq(latest))

    def _obs(self) -> exp.Expression:
        return (select(col("metric_id", "mm"), col("municipality_code", "o"), col("municipality_name", "mu").as_(
            "municipality"), col("year", "o"), col("value", "o"), col("status", "o"), col("role", "mb"))
                .from_(exp.to_table("cells").as_("o"))
                .join(exp.to_table("metric_map").as_("mm"), on=col("figure", "o").eq(col("figure", "mm")))
                .join(exp.to_table("years").as_("y"), on=exp.and_(col("metric_id", "y").eq(col("metric_id", "mm")),
                                                                  col("year", "y").eq(col("year", "o"))))
                .join(exp.to_table("members").as_("mb"),
                      on=col("municipality_code", "mb").eq(col("municipality_code", "o")))
                .join(exp.to_table("municipalities").as_("mu"),
                      on=col("municipality_code", "mu").eq(col("municipality_code", "o"))))

    @staticmethod
    def _average(source: str) -> exp.Expression:
        """The catalog's method: sum, weighted by the denominator population, or plain mean."""
        value, persons = col("value", source), col("persons", "w")
        weighted = exp.Div(this=exp.func("sum", exp.Mul(this=value, expression=persons)),
                           expression=exp.func("sum", exp.Case().when(value.is_(exp.Null()).not_(), persons)))
        return (exp.Case()
                .when(exp.func("any_value", col("aggregation", "mm")).eq(lit("sum")), exp.func("sum", value))
                .when(exp.func("any_value", col("aggregation", "mm")).eq(lit("weighted")), weighted)
                .else_(exp.func("avg", value)))

    def _group(self, source: exp.Query | exp.Table, code: exp.Expression, label: exp.Expression,
               where: exp.Expression | None) -> exp.Expression:
        query = (select(col("metric_id", "g"), code.as_("municipality_code"), label.as_("municipality"),
                        col("year", "g"), self._average("g").as_("value"), lit("computed").as_("status"),
                        lit("group").as_("role"), exp.func("count", col("value", "g")).as_("n_values"),
                        exp.Count(this=exp.Star()).as_("n_members"), lit(None).as_("rank"),
                        lit(None).as_("weight"))
                 .from_(source.subquery("g") if not isinstance(source, exp.Table) else source.as_("g"))
                 .join(exp.to_table("metric_map").as_("mm"), on=col("metric_id", "mm").eq(col("metric_id", "g")))
                 .join(exp.to_table("weights").as_("w"), join_type="left", on=exp.and_(
                     col("group_id", "w").eq(col("weight_group", "mm")),
                     col("municipality_code", "w").eq(col("municipality_code", "g")),
                     col("year", "w").eq(col("year", "g"))))
                 .group_by(col("metric_id", "g"), col("year", "g")))
        return query.where(where) if where is not None else query

    def _national(self) -> exp.Expression:
        """The ministry's published national figure; where none is published, computed by the same method."""
        published = (select(col("metric_id", "mm"), lit(0).as_("municipality_code"),
                            lit("Hele landet").as_("municipality"), col("year", "n"), col("value", "n"),
                            col("status", "n"), lit("national").as_("role"), lit(None).as_("n_values"),
                            lit(None).as_("n_members"), lit(None).as_("rank"), lit(None).as_("weight"))
                     .from_(exp.to_table("published").as_("n"))
                     .join(exp.to_table("metric_map").as_("mm"), on=col("figure", "n").eq(col("figure", "mm")))
                     .join(exp.to_table("years").as_("y"), on=exp.and_(
                         col("metric_id", "y").eq(col("metric_id", "mm")), col("year", "y").eq(col("year", "n")))))
        everyone = (select(col("metric_id", "mm"), col("municipality_code", "o"), col("year", "o"), col("value", "o"))
                    .from_(exp.to_table("cells").as_("o"))
                    .join(exp.to_table("metric_map").as_("mm"), on=col("figure", "o").eq(col("figure", "mm")))
                    .join(exp.to_table("years").as_("y"), on=exp.and_(
                        col("metric_id", "y").eq(col("metric_id", "mm")), col("year", "y").eq(col("year", "o"))))
                    .where(exp.Exists(this=select(lit(1)).from_(exp.to_table("published").as_("n2")).where(exp.and_(
                        col("figure", "n2").eq(col("figure", "mm")), col("year", "n2").eq(col("year", "o")),
                        col("value", "n2").is_(exp.Null()).not_()))).not_()))
        computed = self._group(everyone, lit(0), lit("Hele landet (beregnet)"), None)
        computed.set("expressions", [e if e.alias != "role" else lit("national").as_("role")
                                     for e in computed.expressions])
        return exp.union(published, computed, distinct=False)

    # -- assembly ---------------------------------------------------------------------------------
    def _compile(self, spec: QuerySpec) -> Compiled:
        metrics = self.metrics_of(spec)
        if not metrics:
            raise CompileError("Spørgsmålet nævner intet nøgletal.")
        if spec.operation == Operation.SAVINGS:
            self._check_savings(metrics[0])
        if len(metrics) == 1 and spec.operation != Operation.OVERVIEW:
            return self._compile_single(spec, metrics[0])
        members, group_label, group_code = self._members(spec)
        labels = [lit(m.label) for m in metrics]
        groups = [lit(g) for g in sorted({m.denominator_population for m in metrics if m.denominator_population})]
        ctes: list[tuple[str, exp.Expression]] = [
            # Filter the big tables once, by literal, so DuckDB's zone maps skip everything else.
            ("cells", select("*").from_("observations").where(col("figure").isin(*labels))),
            ("published", select("*").from_("national").where(col("figure").isin(*labels))),
            ("weights", select("*").from_("population_groups").where(
                col("group_id").isin(*groups) if groups else exp.false())),
            ("metric_map", self._metric_map(metrics)), ("members", members),
            ("years", self._years(spec)), ("obs", self._obs())]
        cells = select(*[col(c) for c in RESULT_COLUMNS[:7]], lit(None).as_("n_values"), lit(None).as_("n_members"),
                       lit(None).as_("rank"), lit(None).as_("weight")).from_("obs")
        parts: list[exp.Query] = []
        if group_label is not None:
            include_subject = group_label == "region"
            where = None if include_subject else col("role", "g").eq(lit("member"))
            if group_label == "region":
                code: exp.Expression = select("region_code").from_("municipalities").where(
                    col("municipality_code").isin(select("municipality_code").from_("members").subquery())).limit(1).subquery()
                name = select("region_name").from_("regions").where(col("region_code").eq(code)).subquery()
                ctes.append(("grp", self._group(exp.to_table("obs"), code, name, where)))
            else:
                ctes.append(("grp", self._group(exp.to_table("obs"), lit(None), lit(group_label), where)))
            parts.append(select("*").from_("grp"))
        if spec.include_national or spec.operation in (Operation.SAVINGS,):
            ctes.append(("nat", self._national()))
            parts.append(select("*").from_("nat"))
        if spec.operation == Operation.RANK:
            ranked = select(*[col(c) for c in RESULT_COLUMNS[:9]],
                            exp.Window(this=exp.func("rank"), partition_by=[col("metric_id"), col("year")],
                                       order=exp.Order(expressions=[exp.Ordered(
                                           this=col("value"), desc=spec.rank_order == "desc", nulls_first=False)])
                                       ).as_("rank"),
                            exp.Window(this=exp.func("count", col("value")),
                                       partition_by=[col("metric_id"), col("year")]).as_("weight")).from_(
                cells.subquery("c"))
            ctes.append(("ranked", ranked))
            cells = select("*").from_("ranked").where(exp.or_(col("rank") <= lit(spec.rank_n),
                                                              col("role").eq(lit("subject"))))
        if spec.operation == Operation.SAVINGS:
            ctes.append(("bench", self._benchmark(spec)))
            ctes.append(("savings", self._savings()))
            parts += [select("*").from_("bench"), select("*").from_("savings")]
        result: exp.Query = cells
        for part in parts:
            result = exp.union(result, part, distinct=False)
        final = select("*").from_(result.subquery("r")).order_by(
            col("metric_id"), col("year"), exp.Case().when(col("role").eq(lit("subject")), lit(0)).when(
                col("role").eq(lit("member")), lit(1)).else_(lit(2)),
            exp.Ordered(this=col("rank"), nulls_first=False) if spec.operation == Operation.RANK else col("role"),
            col("municipality_code"))
        for cte_name, query in ctes:
            final = final.with_(cte_name, as_=query)
        final = final.limit(5000)
        sql = final.sql(dialect="duckdb", pretty=True)
        return Compiled(spec, sql, final, None if group_label == "region" else group_label, group_code,
                        tuple(self._plan(spec, metrics, group_label)))

    def _compile_single(self, spec: QuerySpec, metric: Metric) -> Compiled:
        region_only = spec.comparison.kind == ComparisonKind.REGION and spec.comparison.region_code
        if not [c for c in spec.municipalities] and not region_only and spec.operation not in (
                Operation.RANK, Operation.DISTRIBUTION):
            raise CompileError("Spørgsmålet nævner ingen kommune.")
        published = self.published_national is None or metric.label in self.published_national
        plan = SinglePlan(spec, metric, published)
        final = plan.build()
        label = None if plan.group_label == "region" else plan.group_label
        return Compiled(plan.spec, final.sql(dialect="duckdb", pretty=True, copy=False), final, label, None,
                        tuple(self._plan(spec, [metric], plan.group_label)))

    def _check_savings(self, metric: Metric) -> None:
        if metric.aggregation != Aggregation.WEIGHTED or metric.denominator_population in SAVINGS_GROUPS_EXCLUDED:
            raise CompileError(f"Råderum kan kun beregnes for udgifter pr. indbygger eller pr. aldersgruppe; "
                               f"'{metric.short_name}' er ikke et sådant nøgletal.")

    def _benchmark(self, spec: QuerySpec) -> exp.Expression:
        if spec.benchmark == Benchmark.COUNTRY:
            source = select("*").from_("nat")
        elif spec.benchmark in (Benchmark.NEIGHBOURS, Benchmark.REGION):
            source = select("*").from_("grp")
        else:
            everyone = (select(col("metric_id", "mm"), col("year", "o"), col("value", "o"))
                        .from_(exp.to_table("cells").as_("o"))
                        .join(exp.to_table("metric_map").as_("mm"), on=col("figure", "o").eq(col("figure", "mm")))
                        .join(exp.to_table("years").as_("y"), on=exp.and_(
                            col("metric_id", "y").eq(col("metric_id", "mm")), col("year", "y").eq(col("year", "o")))))
            quartile = exp.func("quantile_cont", col("value", "e"), lit(0.25))
            source = (select(col("metric_id", "e"), lit(None).as_("municipality_code"),
                             lit("Laveste kvartil (25 %-fraktil)").as_("municipality"), col("year", "e"),
                             quartile.as_("value"), lit("computed").as_("status"), lit("benchmark").as_("role"),
                             exp.func("count", col("value", "e")).as_("n_values"),
                             exp.Count(this=exp.Star()).as_("n_members"), lit(None).as_("rank"),
                             lit(None).as_("weight"))
                      .from_(everyone.subquery("e")).group_by(col("metric_id", "e"), col("year", "e")))
            return source
        return select(*[col(c) for c in RESULT_COLUMNS[:6]], lit("benchmark").as_("role"),
                      *[col(c) for c in RESULT_COLUMNS[7:]]).from_(source.subquery("b"))

    def _savings(self) -> exp.Expression:
        """(own value - benchmark) x own denominator population, as KL's råderum."""
        persons = col("persons", "w")
        return (select(col("metric_id", "s"), col("municipality_code", "s"), col("municipality", "s"),
                       col("year", "s"),
                       exp.Mul(this=exp.paren(exp.Sub(this=col("value", "s"), expression=col("value", "b"))),
                               expression=persons).as_("value"),
                       lit("computed").as_("status"), lit("savings").as_("role"), lit(None).as_("n_values"),
                       lit(None).as_("n_members"), lit(None).as_("rank"), persons.as_("weight"))
                .from_(exp.to_table("obs").as_("s"))
                .join(exp.to_table("bench").as_("b"), on=exp.and_(col("metric_id", "b").eq(col("metric_id", "s")),
                                                                  col("year", "b").eq(col("year", "s"))))
                .join(exp.to_table("metric_map").as_("mm"), on=col("metric_id", "mm").eq(col("metric_id", "s")))
                .join(exp.to_table("weights").as_("w"), on=exp.and_(
                    col("group_id", "w").eq(col("weight_group", "mm")),
                    col("municipality_code", "w").eq(col("municipality_code", "s")),
                    col("year", "w").eq(col("year", "s"))))
                .where(col("role", "s").eq(lit("subject"))))

    def _plan(self, spec: QuerySpec, metrics: list[Metric], group: str | None) -> list[str]:
        steps = [f"Operation: {spec.operation.value}",
                 "Nøgletal: " + ", ".join(f"{m.label} ({m.id})" for m in metrics),
                 f"Kommuner: {', '.join(str(c) for c in spec.municipalities) or 'alle'}",
                 f"Sammenligning: {spec.comparison.kind.value}", f"År: {spec.years.model_dump(exclude_none=True)}"]
        if group:
            steps.append(f"Gruppegennemsnit: {group}, efter nøgletallets metode ({metrics[0].aggregation.value})")
        if spec.include_national:
            steps.append("Hele landet: ministeriets offentliggjorte tal")
        return steps


def explain(compiler: Compiler, spec: QuerySpec) -> dict[str, object]:
    """The plan and the SQL, without running anything (like MetricFlow's explain)."""
    compiled = compiler.compile(spec)
    return {"plan": list(compiled.plan), "sql": compiled.sql}
