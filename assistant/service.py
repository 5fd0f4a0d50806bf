"""The one entry point: Assistant.ask(question, conversation_id) -> Answer, used by CLI, API and page."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from decimal import Decimal
from pathlib import Path

from assistant.cards import load_cards, warnings_for
from assistant.contract import (
    Answer,
    Clarification,
    MetricCard,
    MunicipalityInfo,
    SqlResult,
    Understood,
)
from assistant.conversations import ConversationStore, PostgresConversationStore
from assistant.formatting import number
from assistant.writer import write
from intents import Parser, ParseResult, Place
from semantic_layer.compiler import CompileError, Compiler
from semantic_layer.guard import GuardError, guard
from semantic_layer.loader import FIGURES_SQL, PUBLISHED_SQL, CatalogError, load_catalog, validate_against_warehouse
from semantic_layer.model import Metric
from semantic_layer.phrases import Period, incomplete_year, no_data_for
from semantic_layer.precompute import FINGERPRINTS_SQL, valid_tables
from semantic_layer.shapes import Prepared, Shapes, literal_text
from semantic_layer.spec import MetricRef, Operation, QuerySpec, Years
from warehouse.client import Results, Warehouse
from warehouse.errors import QueryError

log = logging.getLogger(__name__)
MAX_QUESTION = 500
# Said when a follow-up names a conversation this server cannot find (expired, pruned or never existed).
EXPIRED_CONVERSATION = "Samtalen er udløbet – jeg starter en ny."
RESULT_CACHE = 4096
EXAMPLES = (
    "Hvad var udskrivningsprocenten i Gentofte i 2023?",
    "Sammenlign serviceudgifterne i Fredensborg med nabokommunerne",
    "Hvilke 10 kommuner har den højeste grundskyldpromille?",
)


class Assistant:
    """Answers questions over one warehouse client and one conversation store (noegletal/wiring.py picks them
    from the settings: DuckDB or PostgreSQL, files or PostgreSQL)."""

    def __init__(self, warehouse: Warehouse, store: ConversationStore | PostgresConversationStore, *,
                 row_cap: int, topojson_path: Path) -> None:
        self.warehouse = warehouse
        self.row_cap = row_cap
        self.catalog = load_catalog()
        figures = dict(self.warehouse.query(FIGURES_SQL, capped=False).rows)  # figure -> frequency (year | quarter)
        issues = validate_against_warehouse(self.catalog, figures)
        if issues:
            raise CatalogError(issues)
        published = self.warehouse.query(PUBLISHED_SQL, capped=False).rows
        self.compiler = Compiler(self.catalog, frozenset(r[0] for r in published), row_cap=row_cap)
        self.shapes = Shapes(self.compiler, self.warehouse.dialect)
        self._check_precomputed()
        self._results: OrderedDict[tuple[object, object], Results] = OrderedDict()
        self._results_lock = threading.Lock()
        # Vintages and cards follow the warehouse: reloaded when a rebuild swaps it (see _refresh_cards)
        self._cards_lock = threading.Lock()
        self._cards_version = self.warehouse.version()
        self.vintages, self.cards = load_cards(self.warehouse, self.catalog)
        rows = self.warehouse.query(
            "SELECT m.municipality_code, m.municipality_name, m.region_code, r.region_name FROM municipalities m "
            "JOIN regions r USING (region_code) ORDER BY m.municipality_code", capped=False).rows
        neighbours: dict[int, list[int]] = {}
        for a, b in self.warehouse.query("SELECT municipality_code, neighbour_code FROM neighbours", capped=False).rows:
            neighbours.setdefault(a, []).append(b)
        self._municipalities = [MunicipalityInfo(code=c, name=n, region_code=rc, region_name=rn,
                                                 neighbours=sorted(neighbours.get(c, []))) for c, n, rc, rn in rows]
        self.names = {m.code: m.name for m in self._municipalities} | {0: "Hele landet"} | {
            m.region_code: m.region_name for m in self._municipalities}
        self.parser = Parser(self.catalog, [Place(m.code, m.name, m.region_code, m.region_name)
                                            for m in self._municipalities])
        # The budget-seminar overview: the figures the catalog lets headline each theme (catalog/overview.yaml);
        # the compiled statement keeps each theme's most recent ones for the municipality (semantic_layer/overview.py)
        self.overview = tuple(MetricRef(id=m.id) for m in self.catalog.overview_candidates())
        self.store = store
        self.topojson_path = topojson_path

    # -- public API ------------------------------------------------------------------------------
    def ask(self, question: str, conversation_id: str | None = None) -> Answer:
        started = time.perf_counter()
        stored = self.store.load(conversation_id)
        state = stored or {"spec": None}
        cid = conversation_id if conversation_id and stored is not None else self.store.new_id()
        context = QuerySpec.model_validate(state["spec"]) if state.get("spec") else None
        try:
            answer, spec = self._answer(question or "", context, cid, state.get("year"))
        except Exception:  # noqa: BLE001 - the user gets a Danish message, never a stack trace
            log.exception("answering %r failed", question[:MAX_QUESTION])
            answer, spec = self._refuse(question, cid, "Der skete en fejl, da jeg skulle svare. Prøv at "
                                                       "formulere spørgsmålet på en anden måde."), None
        if conversation_id and stored is None:  # never swap a conversation silently
            answer.text = f"{EXPIRED_CONVERSATION} {answer.text}".strip()
        answer.timings_ms["total"] = round((time.perf_counter() - started) * 1000, 2)
        if spec is not None:
            state["spec"] = spec.model_dump(mode="json")
            # the year the answer showed, for "det år" / "året før" in the next turn
            state["year"] = max((o.year for o in answer.observations if o.year is not None), default=None)
        self.store.save(cid, state, turn=answer.model_dump_json())
        return answer

    def history(self, conversation_id: str) -> list[Answer]:
        return [Answer.model_validate_json(t) for t in self.store.turns(conversation_id)]

    def run_sql(self, sql: str) -> SqlResult:
        try:
            safe = guard(sql, self.row_cap, self.warehouse.dialect)
        except GuardError as exc:
            return SqlResult(status="refused", message=str(exc), sql=sql)
        try:
            result = self.warehouse.query(safe)
        except QueryError as exc:
            return SqlResult(status="error", message=str(exc), sql=safe)
        rows = [[_plain(v) for v in r] for r in result.rows]
        message = f"{number(len(rows))} rækker på {number(result.elapsed_ms, 1)} ms."
        return SqlResult(status="ok", message=message, sql=safe,
                         columns=result.columns, rows=rows, truncated=result.truncated,
                         elapsed_ms=round(result.elapsed_ms, 2))

    def close(self) -> None:
        self.warehouse.close()
        if isinstance(self.store, PostgresConversationStore):
            self.store.close()

    def metrics(self) -> list[MetricCard]:
        self._refresh_cards()
        return list(self.cards.values())

    def metric(self, metric_id: str) -> MetricCard | None:
        self._refresh_cards()
        return self.cards.get(metric_id)

    def municipalities(self) -> list[MunicipalityInfo]:
        return list(self._municipalities)

    # -- internals -------------------------------------------------------------------------------
    def _refuse(self, question: str, cid: str, text: str, examples: tuple[str, ...] = EXAMPLES) -> Answer:
        return Answer(status="refuse", conversation_id=cid, question=question[:MAX_QUESTION], text=text,
                      examples=list(examples))

    def _answer(self, question: str, context: QuerySpec | None, cid: str,
                year: int | None = None) -> tuple[Answer, QuerySpec | None]:
        self._refresh_cards()
        t0 = time.perf_counter()
        parsed: ParseResult = self.parser.parse(question, context, year)
        parse_ms = (time.perf_counter() - t0) * 1000
        understood = [Understood(words=s.words, meaning=s.meaning, kind=s.kind) for s in parsed.steps]
        if parsed.status == "refuse" or parsed.spec is None and parsed.status != "clarify":
            answer = self._refuse(question, cid, parsed.question or "Det kan jeg ikke svare på.",
                                  parsed.examples or EXAMPLES)
            answer.understood = understood
            return answer, None
        if parsed.status == "clarify":
            return Answer(status="clarify", conversation_id=cid, question=question, text=parsed.question or "",
                          clarification=Clarification(question=parsed.question or "", options=list(parsed.options)),
                          understood=understood), None
        spec = parsed.spec
        assert spec is not None
        if spec.operation == Operation.OVERVIEW:
            spec = spec.model_copy(update={"metrics": self.overview, "years": Years()})
        metrics = self.compiler.metrics_of(spec)
        if spec.operation == Operation.DEFINITION:
            card = self.cards[metrics[0].id]
            text = f"{card.label}: {card.definition} Enhed: {card.unit_label}. Kilde: {card.source}."
            return Answer(status="answer", conversation_id=cid, question=question, text=text, operation="definition",
                          metric=card, metrics=[card], understood=understood), spec
        problem = self._check_years(spec, metrics[0])
        if problem:
            answer = self._refuse(question, cid, problem)
            answer.understood = understood
            return answer, None
        try:
            t1 = time.perf_counter()
            prepared = self.shapes.prepare(spec)  # compile and guard a new shape, or bind the values to one
            # a statement reading precomputed rows: the analyst also sees the statement that made them
            origin = self.compiler.overview_origin(prepared.spec.municipalities[0]) if prepared.precomputed else None
            t2 = time.perf_counter()
            result, cached = self._run(prepared)
        except CompileError as exc:
            answer = self._refuse(question, cid, str(exc))
            answer.understood = understood
            return answer, None
        t3 = time.perf_counter()
        rows = result.dicts()
        if spec.operation == Operation.OVERVIEW:  # the figures the statement chose: each theme's most recent
            shown = {r["metric_id"] for r in rows}
            metrics = [m for m in metrics if m.id in shown] or metrics
        written = write(prepared.spec, rows, metrics, self.names, prepared.group_label)
        years = sorted({o.year for o in written.observations}) or sorted({r["year"] for r in rows})
        warnings = [w for m in metrics[:1] for w in warnings_for(m, self.vintages.get(m.label), years)]
        text = " ".join([written.text, *parsed.notes]).strip()
        cards = [self.cards[m.id] for m in metrics]
        answer = Answer(
            status="answer", conversation_id=cid, question=question, text=text, operation=spec.operation.value,
            observations=written.observations, table=written.table, sql=prepared.display_sql, metric=cards[0],
            sql_origin=origin,
            derived=written.derived,
            metrics=cards, chart=written.chart, chart_kind=written.chart_kind,
            warnings=written.warnings + warnings, understood=understood,
            timings_ms={"parse": round(parse_ms, 3), "compile": round((t2 - t1) * 1000, 3),
                        "execute": round(result.elapsed_ms, 3), "render": round((time.perf_counter() - t3) * 1000, 3),
                        "cached": 1.0 if cached else 0.0, "bound": 1.0 if prepared.params else 0.0})
        return answer, spec

    def _refresh_cards(self) -> None:
        """Reload vintages and cards when the warehouse changed under us (`noegletal build` swapped the DuckDB
        file or switched the PostgreSQL schema): one stat() per question (the schema id at most once a second)."""
        version = self.warehouse.version()
        if version == self._cards_version:
            return
        with self._cards_lock:
            if version == self._cards_version:
                return
            try:
                self.vintages, self.cards = load_cards(self.warehouse, self.catalog)
                self._check_precomputed()
            except Exception:  # noqa: BLE001 - keep answering with the cards we have; try again next question
                log.exception("reloading vintages and cards after a warehouse rebuild failed")
                return
            self._cards_version = version
            log.info("the warehouse was rebuilt: vintages and definition cards reloaded")

    def _check_precomputed(self) -> None:
        """Read the precomputed tables whose rows were made by this catalog's own statements (their fingerprints
        in derived_tables match); any other warehouse (built without the catalog, or before a catalog change)
        is answered live."""
        try:
            recorded = dict(self.warehouse.query(FINGERPRINTS_SQL, capped=False).rows)
        except QueryError:  # a warehouse from before derived_tables existed
            recorded = {}
        valid = valid_tables(self.catalog, self.compiler.published_national, recorded)
        if self.compiler.use_precomputed(valid):
            self.shapes.clear()
            log.info("precomputed tables read: %s", ", ".join(sorted(valid)) or "none")

    def _run(self, prepared: Prepared) -> tuple[Results, bool]:
        """Run a prepared statement (guarded when it was prepared: semantic_layer.shapes); results are cached per
        shape and values (or statement) until the warehouse changes."""
        key = (prepared.key, self.warehouse.version())
        with self._results_lock:
            hit = self._results.get(key)
            if hit is not None:
                self._results.move_to_end(key)
                return hit, True
        result = self.warehouse.query(prepared.sql, prepared.params or None)
        with self._results_lock:
            self._results[key] = result
            while len(self._results) > RESULT_CACHE:
                self._results.popitem(last=False)
        return result, False

    def clear_caches(self) -> None:
        """Empty every cache an answer goes through: compiled specs, prepared shapes, results, the text guard's
        and the literal renderings (the benchmark's cold mode, and tests)."""
        self.compiler.compile.cache_clear()  # type: ignore[attr-defined]
        self.compiler.overview_origin.cache_clear()  # type: ignore[attr-defined]
        self.shapes.clear()
        with self._results_lock:
            self._results.clear()
        guard.cache_clear()
        literal_text.cache_clear()

    def _check_years(self, spec: QuerySpec, metric: Metric) -> str | None:
        """Refuse years (or a quarter) without data, and say which exist; a year of a quarterly figure that has
        begun but lacks quarters is said to be incomplete."""
        vintage = self.vintages.get(metric.label)
        if vintage is None or vintage.first_year is None or vintage.last_year is None \
                or spec.years.kind in ("latest", "last_n"):
            return None
        first, last = vintage.first_year, vintage.last_year
        start, end = spec.years.start or first, spec.years.end or last
        if spec.years.quarter and vintage.first_quarter and vintage.last_quarter:
            asked, lo, hi = (Period(start, spec.years.quarter), Period(first, vintage.first_quarter),
                             Period(last, vintage.last_quarter))
            return None if lo <= asked <= hi else no_data_for(metric.forms, str(asked), lo, hi)
        y = spec.years
        if y.kind == "range" and (y.start_quarter or y.end_quarter) and vintage.first_quarter \
                and vintage.last_quarter:
            lo, hi = Period(first, vintage.first_quarter), Period(last, vintage.last_quarter)
            a = Period(*y.first_period) if y.first_period else lo
            b = Period(*y.last_period) if y.last_period else hi
            if b < lo or a > hi:  # no quarter of the range has data
                return no_data_for(metric.forms, f"perioden {a}–{b}" if y.last_period else f"perioden fra {a}",
                                   lo, hi)
            return None
        if end < first or start > last:
            asked_years = str(start) if spec.years.kind == "single" else f"{start}–{end}"
            text = no_data_for(metric.forms, asked_years, first, last)
            quarters = self.catalog.quarterly_of(metric)
            begun = self.vintages.get(quarters.label) if quarters is not None else None
            if begun is not None and begun.last_quarter and begun.last_year == start == end:
                text += " " + incomplete_year(start, Period(start, begun.last_quarter))
            return text
        return None


def _plain(value: object) -> object:
    """JSON-friendly cell: Decimal -> float (a number, not text), dates -> ISO text."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
