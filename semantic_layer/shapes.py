"""Prepared shapes: questions that differ only in figure, municipalities and years share one compiled statement.

A spec's *shape* is the spec with its values taken out: the figure (its id and label; what the plans read of it
besides, its aggregation, frequency and denominator population, stays in), the municipality codes (their count
stays; the national code 0 and region codes stay as they are, since the plans treat them differently), the years,
the region code, the rank's n and region. The values left are the parameters.

A shape is compiled once, through the compiler's ordinary dispatch (any plan), for a stand-in spec whose values
are sentinels: distinctive numbers and strings (equal values share one, so a plan sees the same equalities); the
sentinel literals in the tree then become numbered parameters ($1, $2, ...), and the tree is guarded
(semantic_layer.guard.guard_tree). A plan that computes with a value (`year * 4 + quarter`) leaves a sentinel-sized
literal behind: such a shape is refused and its questions compile literally, as before. Each later question of the
shape costs a parameter bind, not a compile.

A shape is prepared the second time it is seen: the first question of a shape compiles literally (the cheapest
way to answer once), and its SQL is kept to check the shape against: the shape with the first question's values
filled in must be exactly the SQL the compiler wrote for it, or the shape is refused (so a plan that depends on a
value in a way the shape does not see can never give a wrong answer).

The analyst sees the SQL with the values filled in, byte for byte what the compiler writes for the question: the
shape is rendered once per tuple of value widths (sqlglot's pretty printer breaks lines by width) with markers of
the values' widths, which are then replaced by the values.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlglot import exp

from semantic_layer.compiler import Compiled, Compiler
from semantic_layer.guard import guard_tree
from semantic_layer.model import Catalog, Metric
from semantic_layer.spec import NATIONAL_CODE, REGION_CODES, MetricRef, QuerySpec

log = logging.getLogger(__name__)
SENTINEL_BASE = 1_234_500_000  # int sentinels: BASE + k * STEP (all below 2**31, so typed like a year or code)
SENTINEL_STEP = 97
SENTINEL_FLOOR = 1_000_000_000  # a literal this large left in a shape was computed from a sentinel
STRING_SENTINEL = "\u00a7shape{}\u00a7"
MARKER = re.compile("[\ue000-\ue0fe]\ue0ff*")  # a value's place in a display template: its slot, padded to width
PAD = "\ue0ff"
MAX_SHAPES = 1024


def _int_sentinel(k: int) -> int:
    return SENTINEL_BASE + k * SENTINEL_STEP


@lru_cache(maxsize=8192)
def literal_text(value: object) -> str:
    """A value as the compiler's SQL writes it (a sqlglot literal in DuckDB's dialect)."""
    node = exp.Literal.string(value) if isinstance(value, str) else exp.Literal.number(value)
    return node.sql(dialect="duckdb")


class _Slots:
    """Values -> sentinels, equal values sharing one."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self.sentinels: dict[Any, Any] = {}

    def __call__(self, value: Any) -> Any:
        key = (type(value), value)
        if key not in self.sentinels:
            k = len(self.values)
            self.sentinels[key] = STRING_SENTINEL.format(k) if isinstance(value, str) else _int_sentinel(k)
            self.values.append(value)
        return self.sentinels[key]


def abstract(spec: QuerySpec, metrics: list[Metric], published: bool | None) -> tuple[Any, QuerySpec, list[Any],
                                                                                      Metric | None]:
    """(shape key, sentinel spec, the values in slot order, the sentinel metric for a one-figure spec)."""
    slots = _Slots()
    sentinel_metric = None
    update: dict[str, Any] = {}
    if len(metrics) == 1:
        metric = metrics[0]
        sid, slabel = slots(metric.id), slots(metric.label)
        sentinel_metric = metric.model_copy(update={"id": sid, "label": slabel})
        update["metrics"] = (MetricRef(id=sid),)
        structure: tuple[Any, ...] = (metric.aggregation, metric.frequency, metric.denominator_population,
                                      published)
    else:
        structure = tuple(m.id for m in metrics)
    update["municipalities"] = tuple(c if c == NATIONAL_CODE or c in REGION_CODES else slots(c)
                                     for c in spec.municipalities)
    years = spec.years
    update["years"] = years.model_copy(update={
        "start": None if years.start is None else slots(years.start),
        "end": None if years.end is None else slots(years.end)})
    if spec.comparison.region_code is not None:
        update["comparison"] = spec.comparison.model_copy(update={"region_code": slots(spec.comparison.region_code)})
    update["rank_n"] = slots(spec.rank_n)
    if spec.rank_region is not None:
        update["rank_region"] = slots(spec.rank_region)
    sentinel = spec.model_copy(update=update)
    return (sentinel, structure), sentinel, slots.values, sentinel_metric


class _OneMetric:
    """The catalog, with the sentinel figure in it (all the compiler asks a catalog for is `get`)."""

    def __init__(self, catalog: Catalog, metric: Metric) -> None:
        self.catalog = catalog
        self.metric = metric

    def get(self, metric_id: str) -> Metric | None:
        return self.metric if metric_id == self.metric.id else self.catalog.get(metric_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.catalog, name)


@dataclass
class Shape:
    tree: exp.Expr  # the guarded statement, values as parameters $1..$n
    sql: str  # the statement as it runs on the engine
    slots: tuple[int, ...]  # parameter $i+1 is the value of slot slots[i]
    sentinel_spec: QuerySpec  # the spec as the plan left it (a plan may rewrite it), with sentinels
    sentinels: dict[Any, int]  # sentinel -> slot
    group_label: str | None
    precomputed: str | None  # the precomputed table the statement reads, if any
    templates: dict[tuple[int, ...], str] = field(default_factory=dict)  # value widths -> display template

    def params(self, values: list[Any]) -> list[Any]:
        return [values[k] for k in self.slots]

    def display(self, values: list[Any]) -> str:
        """The SQL with the values filled in, as the compiler writes it for them."""
        params = self.params(values)
        texts = [literal_text(v) for v in params]
        widths = tuple(len(t) for t in texts)
        template = self.templates.get(widths)
        if template is None:
            marked = self.tree.transform(lambda n: exp.Var(this=chr(0xE000 + int(n.this.this) - 1) + PAD * (
                widths[int(n.this.this) - 1] - 1)) if isinstance(n, exp.Parameter) else n)
            template = marked.sql(dialect="duckdb", pretty=True)
            if len(self.templates) < 64:
                self.templates[widths] = template
        return MARKER.sub(lambda m: texts[ord(m.group(0)[0]) - 0xE000], template)

    def spec(self, values: list[Any]) -> QuerySpec:
        """The plan's spec for these values (the sentinel spec with its sentinels replaced)."""
        def real(v: Any) -> Any:
            k = self.sentinels.get((type(v), v))
            return v if k is None else values[k]

        s = self.sentinel_spec
        years = s.years.model_copy(update={"start": real(s.years.start), "end": real(s.years.end)})
        return s.model_copy(update={
            "metrics": tuple(MetricRef(id=real(m.id)) for m in s.metrics),
            "municipalities": tuple(real(c) for c in s.municipalities), "years": years,
            "comparison": s.comparison.model_copy(update={"region_code": real(s.comparison.region_code)}),
            "rank_n": real(s.rank_n), "rank_region": real(s.rank_region)})


@dataclass(frozen=True)
class Prepared:
    """What to run for a spec: the statement (guarded), its parameters, and what the answer shows."""

    spec: QuerySpec  # the spec as the plan read it
    group_label: str | None
    sql: str  # the guarded statement as it runs
    params: list[Any]
    key: Any  # the result cache's key: the shape and the values, or the statement
    _display: Any = None  # the SQL the analyst sees: a str, or (shape, values) rendered on demand
    precomputed: str | None = None  # the precomputed table the statement reads (semantic_layer/precompute.py)

    @property
    def display_sql(self) -> str:
        if isinstance(self._display, str):
            return self._display
        shape, values = self._display
        return cast(str, shape.display(values))


class _Refused:
    """A shape that cannot be prepared (a plan computes with a value, or the check failed): compile literally."""


REFUSED = _Refused()


class Shapes:
    """The prepared shapes of one compiler on one engine; thread-safe (building twice at once is harmless)."""

    def __init__(self, compiler: Compiler, dialect: str) -> None:
        self.compiler = compiler
        self.row_cap = compiler.row_cap
        self.dialect = dialect
        self._shapes: OrderedDict[Any, Shape | _Refused] = OrderedDict()
        self._seen: OrderedDict[Any, tuple[list[Any], str]] = OrderedDict()  # first question: values, SQL
        self._lock = threading.Lock()
        self.built = 0
        self.refused = 0

    def clear(self) -> None:
        with self._lock:
            self._shapes.clear()
            self._seen.clear()

    def prepare(self, spec: QuerySpec) -> Prepared:
        """The statement for `spec`: bound to its shape if the shape is prepared, else compiled literally.
        Raises CompileError as the compiler does, GuardError if the guard refuses."""
        metrics = self.compiler.metrics_of(spec)
        published = self.compiler.publishes(metrics[0]) if len(metrics) == 1 else None
        key, sentinel, values, sentinel_metric = abstract(spec, metrics, published)
        with self._lock:
            shape = self._shapes.get(key)
            first = self._seen.get(key) if shape is None else None
        if shape is None and first is not None:
            shape = self._build(key, sentinel, sentinel_metric, published, first, len(values))
        if shape is None or isinstance(shape, _Refused):
            prepared = self.literal(spec)
            if shape is None:
                with self._lock:
                    self._seen[key] = (values, prepared.display_sql)
                    while len(self._seen) > MAX_SHAPES:
                        self._seen.popitem(last=False)
            return prepared
        params = shape.params(values)
        return Prepared(shape.spec(values), shape.group_label, shape.sql, params, (key, tuple(params)),
                        (shape, values), shape.precomputed)

    def literal(self, spec: QuerySpec) -> Prepared:
        """Compile the spec with its values as literals (the compiler's cache), guard the tree, run the text."""
        compiled: Compiled = self.compiler.compile(spec)
        sql = guard_tree(compiled.expression, self.row_cap, self.dialect, rendered=compiled.sql)
        return Prepared(compiled.spec, compiled.group_label, sql, [], sql, compiled.sql, compiled.precomputed)

    def _build(self, key: Any, sentinel: QuerySpec, metric: Metric | None, published: bool | None,
               first: tuple[list[Any], str], n_slots: int) -> Shape | _Refused:
        shape: Shape | _Refused = REFUSED
        try:
            made = self._make(sentinel, metric, published, n_slots)
            # the shape must say exactly what the compiler said for the first question
            if isinstance(made, Shape) and made.display(first[0]) == first[1]:
                shape = made
        except Exception:  # noqa: BLE001 - a shape is an optimisation: the literal statement still answers
            log.exception("preparing the shape of %r failed; its questions compile literally", sentinel)
        finally:
            with self._lock:
                self._shapes[key] = shape
                self._seen.pop(key, None)
                while len(self._shapes) > MAX_SHAPES:
                    self._shapes.popitem(last=False)
                if isinstance(shape, _Refused):
                    self.refused += 1
                else:
                    self.built += 1
        return shape

    def _make(self, sentinel: QuerySpec, metric: Metric | None, published: bool | None,
              n_slots: int) -> Shape | _Refused:
        compiler = self.compiler
        if metric is not None:
            national = None if published is None else frozenset({metric.label} if published else ())
            compiler = Compiler(cast(Catalog, _OneMetric(self.compiler.catalog, metric)), national,
                                row_cap=self.row_cap)
        compiled = compiler._compile(sentinel)
        tree = compiled.expression.copy()
        sentinels: dict[Any, int] = {}
        for k in range(n_slots):
            sentinels[(int, _int_sentinel(k))] = k
            sentinels[(str, STRING_SENTINEL.format(k))] = k
        found: list[tuple[exp.Literal, int]] = []
        for node in tree.find_all(exp.Literal):
            value: Any = node.this if node.is_string else (int(node.this) if node.is_int else None)
            slot = sentinels.get((type(value), value))
            if slot is not None:
                found.append((node, slot))
            elif node.is_string and "\u00a7shape" in node.this:
                return REFUSED  # a sentinel inside a computed string
            elif not node.is_string and abs(float(node.this)) >= SENTINEL_FLOOR:
                return REFUSED  # a number computed from a sentinel (`year * 4 + quarter`)
        slots = tuple(sorted({slot for _, slot in found}))
        position = {slot: i + 1 for i, slot in enumerate(slots)}
        for node, slot in found:
            node.replace(exp.Parameter(this=exp.Literal.number(position[slot])))
        sql = guard_tree(tree, self.row_cap, self.dialect)
        return Shape(tree, sql, slots, compiled.spec, sentinels, compiled.group_label, compiled.precomputed)
