"""Definition cards: the catalog's governed definition joined with the warehouse's vintage and notes."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.contract import Break, MetricCard
from assistant.formatting import UNIT_LABEL, danish_date
from assistant.writer import averaging_text
from semantic_layer.model import SOURCES, Catalog, Metric, Unit
from warehouse.client import Warehouse

VINTAGE_SQL = """
SELECT f.figure, f.first_year, f.last_year, f.note_refs, s.file, s.export_date, s.origin
FROM figures AS f
JOIN current_vintage AS c ON c.figure = f.figure AND c.source_id = f.source_id
JOIN sources AS s ON s.source_id = f.source_id
"""
NOTES_SQL = "SELECT source_id, note_ref, note_text FROM source_notes WHERE note_ref IS NOT NULL"


@dataclass(frozen=True)
class Vintage:
    first_year: int | None
    last_year: int | None
    file: str
    export_date: str | None
    origin: str
    notes: tuple[str, ...]


def load_vintages(warehouse: Warehouse) -> dict[str, Vintage]:
    """One pass at start-up: the vintage in use for every figure, with the export's own notes."""
    notes: dict[tuple[str, int], str] = {(s, n): t for s, n, t in warehouse.query(NOTES_SQL).rows}
    out = {}
    for figure, first, last, refs, file, exported, origin in warehouse.query(VINTAGE_SQL).rows:
        source_id = file.rsplit("/", 1)[-1]
        texts = tuple(f"({r}) {notes[(source_id, int(r))]}" for r in (refs or "").split(",")
                      if r and (source_id, int(r)) in notes)
        out[figure] = Vintage(first, last, file, exported.isoformat() if exported else None, origin, texts)
    return out


def build_card(metric: Metric, catalog: Catalog, vintage: Vintage | None) -> MetricCard:
    theme = catalog.theme(metric.theme)
    return MetricCard(
        id=metric.id, label=metric.label, short_name=metric.short_name, theme=metric.theme,
        theme_label=theme.label if theme else metric.theme, definition=metric.definition,
        numerator=metric.numerator, denominator=metric.denominator, unit=metric.unit.value,
        unit_label=UNIT_LABEL[metric.unit], aggregation=metric.aggregation.value,
        aggregation_text=averaging_text(metric), polarity=metric.polarity.value,
        source=(vintage.origin if vintage else SOURCES.get(metric.source, metric.source)),
        source_url=metric.source_url, source_file=vintage.file if vintage else None,
        vintage=vintage.export_date if vintage else None,
        first_year=vintage.first_year if vintage else None, last_year=vintage.last_year if vintage else None,
        breaks=[Break(year=b.year, text=b.text) for b in metric.breaks],
        notes=list(vintage.notes) if vintage else [],
    )


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
