"""Definition cards: the catalog's governed definition joined with the warehouse's vintage and notes."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.contract import Break, MetricCard
from assistant.formatting import UNIT_LABEL, danish_date
from semantic_layer.model import SOURCES, Catalog, Metric, Unit
from semantic_layer.phrases import averaging_text
from warehouse.client import Warehouse

VINTAGE_SQL = """
SELECT f.figure, f.note_refs, s.file, s.export_date, s.origin, s.series, s.source_id
FROM figures AS f
JOIN current_vintage AS c ON c.figure = f.figure AND c.source_id = f.source_id
JOIN sources AS s ON s.source_id = f.source_id
"""
# Which file each year of a figure is read from: one part for most figures, one per year for REGK31, and a
# checked continuation (the population 2025-2026 from FOLK1AM) after the vintage's own years.
PARTS_SQL = """
SELECT p.figure, p.source_id, p.first_year, p.last_year, p.kind, p.checked, s.file, s.origin, s.export_date
FROM vintage_parts AS p JOIN sources AS s USING (source_id)
ORDER BY p.figure, p.kind DESC, p.first_year NULLS FIRST, p.source_id
"""
# Quarterly figures (quarterly_observations) have one file each and no annual vintage: their card reads them here,
# with the first and last quarter with values (as year x 4 + quarter - 1).
QUARTERLY_SQL = """
SELECT f.figure, s.file, s.origin, min(q.year * 4 + q.quarter - 1), max(q.year * 4 + q.quarter - 1)
FROM figures AS f JOIN sources AS s USING (source_id)
JOIN quarterly_observations AS q ON q.figure = f.figure AND q.source_id = f.source_id AND q.value IS NOT NULL
WHERE f.frequency = 'quarter' GROUP BY f.figure, s.file, s.origin
"""
SERIES_SQL = "SELECT series, file FROM sources ORDER BY file"
NOTES_SQL = "SELECT source_id, note_ref, note_text FROM source_notes"


@dataclass(frozen=True)
class Part:
    """A file the figure's answers read, and for which years (None: the file has no values for the figure)."""

    file: str
    origin: str
    first_year: int | None
    last_year: int | None
    kind: str  # vintage | continuation
    checked: str | None = None


@dataclass(frozen=True)
class Vintage:
    first_year: int | None
    last_year: int | None
    file: str
    export_date: str | None
    origin: str
    notes: tuple[str, ...]
    parts: tuple[Part, ...] = ()
    first_quarter: int | None = None  # a quarterly figure: the quarter (1-4) of first_year and of last_year
    last_quarter: int | None = None

    @property
    def sources_text(self) -> str:
        """The source per year when the years come from more than one publication, else the one origin."""
        origins = list(dict.fromkeys(p.origin for p in self.parts))
        if len(origins) <= 1:
            return self.origin
        out = []
        for origin in origins:
            years = [y for p in self.parts if p.origin == origin for y in (p.first_year, p.last_year) if y]
            out.append(f"{origin} ({_years(min(years), max(years))})" if years else origin)
        return "; ".join(out)


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def load_vintages(warehouse: Warehouse) -> dict[str, Vintage]:
    """One pass at start-up: the vintage in use for every figure, its files per year, and the sources' notes."""
    numbered: dict[tuple[str, int], str] = {}
    plain: dict[str, list[str]] = {}
    for source_id, ref, text in warehouse.query(NOTES_SQL, capped=False).rows:
        if ref is None:
            plain.setdefault(source_id, []).append(text)
        else:
            numbered[(source_id, int(ref))] = text
    series: dict[str, list[str]] = {}
    for name, file in warehouse.query(SERIES_SQL, capped=False).rows:
        series.setdefault(name, []).append(file)
    parts: dict[str, list[tuple[str, Part]]] = {}
    for figure, source_id, first, last, kind, checked, file, origin, _ in warehouse.query(PARTS_SQL, capped=False).rows:
        parts.setdefault(figure, []).append((source_id, Part(file, origin, first, last, kind, checked)))
    out = {}
    for figure, refs, file, exported, origin, name, source_id in warehouse.query(VINTAGE_SQL, capped=False).rows:
        texts = [f"({r}) {numbered[(source_id, int(r))]}" for r in (refs or "").split(",")
                 if r and (source_id, int(r)) in numbered]
        own = parts.get(figure, [])
        for part_id, _ in own:  # notes a source keeps about this figure, e.g. a REGK31 function not reported
            texts += [t.removeprefix(f"{figure}: ") for t in plain.get(part_id, []) if t.startswith(f"{figure}: ")]
        files = series.get(name, [file])
        for _, part in own:
            if part.kind == "continuation" and part.first_year is not None and part.last_year is not None:
                texts.append(f"{_years(part.first_year, part.last_year)}: {part.origin} (fil {part.file}). "
                             f"Kontrolleret som samme opgørelse: {part.checked}.")
                files.append(part.file)
        years = [y for _, p in own for y in (p.first_year, p.last_year) if y is not None]
        first_year, last_year = (min(years), max(years)) if years else (None, None)
        out[figure] = Vintage(first_year, last_year, ", ".join(_compact(files)),
                              exported.isoformat() if exported else None, origin, tuple(texts),
                              tuple(p for _, p in own))
    for figure, file, origin, lo, hi in warehouse.query(QUARTERLY_SQL, capped=False).rows:
        (first, first_q), (last, last_q) = divmod(int(lo), 4), divmod(int(hi), 4)
        out[figure] = Vintage(first, last, file, None, origin, (), (Part(file, origin, first, last, "vintage"),),
                              first_q + 1, last_q + 1)
    return out


def _compact(files: list[str]) -> list[str]:
    """A long series of files (REGK31: one per year) as 'first … last'."""
    files = list(dict.fromkeys(files))
    return [f"{files[0]} … {files[-1]} ({len(files)} filer)"] if len(files) > 3 else files


def build_card(metric: Metric, catalog: Catalog, vintage: Vintage | None) -> MetricCard:
    theme = catalog.theme(metric.theme)
    return MetricCard(
        id=metric.id, label=metric.label, short_name=metric.short_name, theme=metric.theme,
        theme_label=theme.label if theme else metric.theme, definition=metric.definition,
        numerator=metric.numerator, denominator=metric.denominator, unit=metric.unit.value,
        unit_label=UNIT_LABEL[metric.unit], aggregation=metric.aggregation.value,
        aggregation_text=averaging_text(metric), polarity=metric.polarity.value,
        source=(vintage.sources_text if vintage else SOURCES.get(metric.source, metric.source)),
        source_url=metric.source_url, source_file=vintage.file if vintage else None,
        vintage=vintage.export_date if vintage else None,
        first_year=vintage.first_year if vintage else None, last_year=vintage.last_year if vintage else None,
        breaks=[Break(year=b.year, text=b.text) for b in metric.breaks],
        notes=list(vintage.notes) if vintage else [],
    )


def load_cards(warehouse: Warehouse, catalog: Catalog) -> tuple[dict[str, Vintage], dict[str, MetricCard]]:
    """Every figure's vintage and definition card as the warehouse holds them now (at start-up, and again
    after `noegletal build` has swapped in a new warehouse: see Assistant._refresh_cards)."""
    vintages = load_vintages(warehouse)
    return vintages, {m.id: build_card(m, catalog, vintages.get(m.label)) for m in catalog.metrics}


BUDGET_READY_MONTH = 6  # municipal accounts (regnskab) for a year are published by about June the year after


def budget_years(vintage: Vintage, years: list[int]) -> list[int]:
    """Years whose accounts did not exist when the export was made, so money figures rest on budgets."""
    if not vintage.export_date:
        return []
    year, month = int(vintage.export_date[:4]), int(vintage.export_date[5:7])
    first_budget = year if month >= BUDGET_READY_MONTH else year - 1
    return sorted({y for y in years if y >= first_budget})


def warnings_for(metric: Metric, vintage: Vintage | None, years: list[int]) -> list[str]:
    """Warnings from the data: series breaks before the years shown, and money figures the export could only budget."""
    if not years:
        return []
    out = [f"Databrud {b.year}: {b.text}" for b in metric.breaks if min(years) < b.year]
    if vintage and metric.unit == Unit.KR:
        budget = budget_years(vintage, years)
        if budget and vintage.export_date:  # budget_years is empty without an export date
            out.append(f"Tallene for {', '.join(map(str, budget))} er fra eksporten af "
                       f"{danish_date(vintage.export_date)}, "
                       f"før regnskabet for året forelå; de bygger derfor på kommunernes budgetter.")
    return out
