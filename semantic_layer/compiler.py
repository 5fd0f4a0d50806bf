"""Compile a QuerySpec into one SQL statement with sqlglot's expression builders (never string pasting).

One figure goes through `SinglePlan` (a flat statement per operation); several figures (the overview)
through `OverviewPlan`. Either way the result has the columns of RESULT_COLUMNS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sqlglot import exp

from semantic_layer.model import Aggregation, Catalog, Metric, Unit
from semantic_layer.overview import GROUP_LABEL, OVERVIEW_ROWS, OverviewPlan
from semantic_layer.precompute import overview_statement
from semantic_layer.regions import RegionsPlan
from semantic_layer.single import SinglePlan
from semantic_layer.spec import ComparisonKind, Operation, QuerySpec
from semantic_layer.sqlbits import RESULT_COLUMNS

__all__ = ["RESULT_COLUMNS", "CompileError", "Compiled", "Compiler", "explain"]

SAVINGS_GROUPS_EXCLUDED = frozenset({"skattegrundlag", "areal"})


class CompileError(Exception):
    """The spec cannot be answered as asked; the message is Danish and explains why."""


@dataclass(frozen=True)
class Compiled:
    spec: QuerySpec
    sql: str
    expression: exp.Expr
    group_label: str | None
    plan: tuple[str, ...] = field(default_factory=tuple)
    precomputed: str | None = None  # the precomputed table the statement reads (semantic_layer/precompute.py)


class Compiler:
    """Holds the catalog; compiled specs are cached (specs are frozen and hashable)."""

    def __init__(self, catalog: Catalog, published_national: frozenset[str] | None = None, *, row_cap: int) -> None:
        self.catalog = catalog
        self.row_cap = row_cap  # the setting's cap, as LIMIT on every statement (the guard enforces it too)
        # Figures whose national figure the ministry publishes; None: assume all do.
        self.published_national = published_national
        # The precomputed tables the warehouse holds for exactly this catalog's statements (use_precomputed)
        self.precomputed: frozenset[str] = frozenset()
        self.compile = lru_cache(maxsize=4096)(self._compile)  # type: ignore[method-assign]
        self.overview_origin = lru_cache(maxsize=128)(self._overview_origin)  # type: ignore[method-assign]

    def use_precomputed(self, tables: frozenset[str]) -> bool:
        """Read these precomputed tables from now on (semantic_layer/precompute.valid_tables says which are
        valid); True when that changed, and compiled statements were forgotten (prepared shapes must be too)."""
        if tables == self.precomputed:
            return False
        self.precomputed = tables
        self.compile.cache_clear()  # type: ignore[attr-defined]
        return True

    def _overview_origin(self, subject: int) -> str:
        """The statement that made a municipality's rows of overview_rows, as the build ran it."""
        return overview_statement(self.catalog, self.published_national, subject).sql(
            dialect="duckdb", pretty=True, copy=False)

    def publishes(self, metric: Metric) -> bool:
        """Whether the ministry publishes the figure's national figure (else the country is computed)."""
        return self.published_national is None or metric.label in self.published_national

    def metrics_of(self, spec: QuerySpec) -> list[Metric]:
        out = []
        for ref in spec.metrics:
            metric = self.catalog.get(ref.id)
            if metric is None:
                raise CompileError(f"Nøgletallet {ref.id!r} findes ikke i kataloget.")
            out.append(metric)
        return out

    def _compile(self, spec: QuerySpec) -> Compiled:
        metrics = self.metrics_of(spec)
        if not metrics:
            raise CompileError("Spørgsmålet nævner intet nøgletal.")
        if spec.operation == Operation.OVERVIEW:
            if not spec.municipalities:
                raise CompileError("Spørgsmålet nævner ingen kommune.")
            overview = OverviewPlan(spec, metrics, self.row_cap, self.published_national,
                                    precomputed=OVERVIEW_ROWS in self.precomputed
                                    and [m.id for m in metrics] == [m.id for m in self.catalog.overview_candidates()])
            final = overview.build()
            steps = self._plan(spec, metrics, GROUP_LABEL)
            if overview.reads_precomputed:
                steps.append(f"Rækkerne læses fra {OVERVIEW_ROWS}, som opbygningen af lageret beregnede med "
                            f"overblikkets fulde forespørgsel for hver kommune")
            return Compiled(spec, final.sql(dialect="duckdb", pretty=True, copy=False), final, GROUP_LABEL,
                            tuple(steps), OVERVIEW_ROWS if overview.reads_precomputed else None)
        if len(metrics) > 1:
            raise CompileError("Flere nøgletal på én gang kan kun vises i et overblik over en kommune.")
        metric = metrics[0]
        if spec.operation == Operation.SAVINGS:
            self._check_savings(metric)
        if metric.unit == Unit.YES_NO:
            spec = self._yes_no(spec, metric)
        if spec.comparison.kind == ComparisonKind.REGIONS:  # all five regions in one grouped statement
            regions = RegionsPlan(spec, metric, self.publishes(metric), self.row_cap).build()
            return Compiled(spec, regions.sql(dialect="duckdb", pretty=True, copy=False), regions, None,
                            tuple(self._plan(spec, [metric], "regioner")))
        region_only = spec.comparison.kind == ComparisonKind.REGION and spec.comparison.region_code
        if not spec.municipalities and not region_only and spec.operation not in (
                Operation.RANK, Operation.DISTRIBUTION):
            raise CompileError("Spørgsmålet nævner ingen kommune.")
        plan = SinglePlan(spec, metric, self.publishes(metric), self.row_cap)
        single = plan.build()
        label = None if plan.group_label == "region" else plan.group_label
        return Compiled(plan.spec, single.sql(dialect="duckdb", pretty=True, copy=False), single, label,
                        tuple(self._plan(spec, [metric], plan.group_label)))

    @staticmethod
    def _yes_no(spec: QuerySpec, metric: Metric) -> QuerySpec:
        """A ja/nej figure has no group average, national figure or ranking: the mean of ja=1/nej=0 read back as
        "ja" or "nej" would be a made-up answer. Named municipalities and the map of all of them remain."""
        if spec.operation in (Operation.RANK, Operation.SAVINGS) or spec.comparison.kind in (
                ComparisonKind.NEIGHBOURS, ComparisonKind.REGION, ComparisonKind.SIMILAR, ComparisonKind.REGIONS):
            raise CompileError(f"»{metric.short_name[:1].upper()}{metric.short_name[1:]}« er et ja/nej-nøgletal, så "
                               f"det har intet gennemsnit for en gruppe af kommuner og kan ikke rangeres. Spørg om "
                               f"bestemte kommuner, eller se alle kommuners svar på et kort.")
        return spec.model_copy(update={"include_national": False}) if spec.include_national else spec

    def _check_savings(self, metric: Metric) -> None:
        if metric.aggregation != Aggregation.WEIGHTED or metric.denominator_population in SAVINGS_GROUPS_EXCLUDED:
            raise CompileError(f"Råderum kan kun beregnes for udgifter pr. indbygger eller pr. aldersgruppe; "
                               f"'{metric.short_name}' er ikke et sådant nøgletal.")

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
