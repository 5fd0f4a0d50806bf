"""Nøgletal in the MetricFlow peer benchmark: the bench's tool-neutral spec -> a QuerySpec -> compile -> run.

The peer benchmark (`../shared/bench/metricflow/`, see its README) loads an adapter file and calls
`make_runner(db_path)`, then `compile(spec)` and `execute(spec)` in one process beside MetricFlow. The two
adapter files next to this module pick what `execute` times:

- `cold.py`: a question never seen before with every cache empty: the uncached compile (sqlglot builders and
  one render), the tree guard (semantic_layer.guard.guard_tree, no re-parse) and the query on the project's
  own warehouse. This is the number the issue's targets are about.
- `bound.py`: a new question of a shape already prepared (semantic_layer/shapes.py): bind the values and run.

`compile` is always the uncached compile. All four bench cases are one spec, hence one statement, each: the
region cases (b)/(b2) use the grouped regions spec (ComparisonKind.REGIONS), which averages every region by the
figure's own governed method. Case (b) asks for a plain mean of a figure the ministry averages weighted by the
population; the project gives the weighted mean, so (b) is expected to differ from the bench's hand-written SQL.
The national figure is left out (include_national=False): the bench's queries do not ask for it.

Run (from the project checkout, its .venv installed and its warehouse built):
    NOEGLETAL_ROOT=$PWD BENCH_ADAPTERS="$PWD/bench/peer/cold.py $PWD/bench/peer/bound.py" \\
        ../shared/bench/metricflow/run.sh --reps 200
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("NOEGLETAL_ROOT") or Path(__file__).resolve().parents[2])


def bootstrap() -> None:
    """Make the project importable from the bench's own venv: the checkout first on sys.path, the project's
    .venv site-packages last (so the bench venv's duckdb and sqlglot stay in force)."""
    sys.dont_write_bytecode = True
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    site = ROOT / ".venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    if site.is_dir() and str(site) not in sys.path:
        sys.path.append(str(site))


bootstrap()

import duckdb  # noqa: E402

from noegletal.settings import get_settings  # noqa: E402
from semantic_layer.compiler import Compiler  # noqa: E402
from semantic_layer.guard import guard_tree  # noqa: E402
from semantic_layer.loader import FIGURES_SQL, load_catalog, validate_against_warehouse  # noqa: E402
from semantic_layer.shapes import Shapes  # noqa: E402
from semantic_layer.spec import Comparison, ComparisonKind, MetricRef, Operation, QuerySpec, Years  # noqa: E402
from warehouse.client import Warehouse  # noqa: E402


class Runner:
    def __init__(self, db_path: str, mode: str) -> None:
        settings = get_settings()
        self.mode = mode
        self.row_cap = settings.row_cap
        self.warehouse = Warehouse(settings.warehouse_path, settings.query_timeout_s, settings.row_cap)
        self.catalog = load_catalog()
        issues = validate_against_warehouse(self.catalog, dict(self.warehouse.query(FIGURES_SQL, capped=False).rows))
        if issues:
            raise RuntimeError(f"the catalog does not match the warehouse: {issues[:3]}")
        published = self.warehouse.query("SELECT DISTINCT figure FROM national WHERE value IS NOT NULL",
                                         capped=False).rows
        self.compiler = Compiler(self.catalog, frozenset(r[0] for r in published), row_cap=self.row_cap)
        self.shapes = Shapes(self.compiler, "duckdb")
        with duckdb.connect(db_path, read_only=True) as con:  # bench figure id -> catalog id, by published label
            names = con.execute("SELECT figure_id, name FROM figure").fetchall()
        self.metric_id = {}
        for figure_id, label in names:
            metric = self.catalog.by_label(label)
            if metric is None:
                raise RuntimeError(f"no catalog figure labelled {label!r} (bench figure {figure_id})")
            self.metric_id[figure_id] = metric.id

    def spec(self, bench: dict[str, Any]) -> QuerySpec:
        years_asked = sorted(bench["years"])
        years = (Years.single(years_asked[0]) if len(years_asked) == 1
                 else Years.between(years_asked[0], years_asked[-1]))
        metrics = (MetricRef(id=self.metric_id[bench["figure"]]),)
        if bench.get("group_by") == "region":
            return QuerySpec(operation=Operation.COMPARE, metrics=metrics, years=years, include_national=False,
                             comparison=Comparison(kind=ComparisonKind.REGIONS))
        operation = Operation.TREND if bench.get("group_by") == "year" else Operation.VALUE
        return QuerySpec(operation=operation, metrics=metrics, municipalities=(int(bench["kommune"]),), years=years,
                         include_national=False)

    def compile(self, bench: dict[str, Any]) -> str:
        return self.compiler._compile(self.spec(bench)).sql  # uncached: every call really compiles

    def _rows(self, spec: QuerySpec) -> list[dict[str, Any]]:
        if self.mode == "cold":
            compiled = self.compiler._compile(spec)
            sql = guard_tree(compiled.expression, self.row_cap, "duckdb", rendered=compiled.sql)
            return self.warehouse.query(sql).dicts()
        prepared = self.shapes.prepare(spec)
        return self.warehouse.query(prepared.sql, prepared.params or None).dicts()

    def execute(self, bench: dict[str, Any]) -> list[tuple[Any, ...]]:
        spec = self.spec(bench)
        rows = self._rows(spec)
        if spec.comparison.kind == ComparisonKind.REGIONS:
            # the answer lists regions highest first; the bench's hand-written SQL orders them by name
            return sorted((r["municipality"], r["value"]) for r in rows if r["role"] == "group")
        if spec.operation == Operation.TREND:
            return [(r["year"], r["value"]) for r in rows if r["role"] == "subject"]
        return [(r["value"],) for r in rows if r["role"] == "subject"]
