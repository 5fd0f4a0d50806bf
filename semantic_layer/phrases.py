"""Danish phrases rendered from a QuerySpec and the catalog's word forms: one place for the templates.

Clarification options, follow-up suggestions and example questions are questions a person would ask, built
from the figure's own forms ("udskrivningsprocenten", "det højeste indbyggertal", "Hvad koster en plads i
dagplejen i Odense?") — never by pasting a catalog name into the user's sentence. Every question rendered
here must parse back to the spec it stands for; the intent tests check that.
"""

from __future__ import annotations

from semantic_layer.model import Catalog, Metric
from semantic_layer.spec import ComparisonKind, Operation, QuerySpec, Years


def years_phrase(years: Years) -> str:
    """" i 2019", " fra 2015 til 2020", " siden 2015", " de seneste 5 år" or "" (the latest year)."""
    if years.kind == "single" and years.start:
        return f" i {years.start}"
    if years.kind == "range" and years.start:
        return f" fra {years.start} til {years.end}" if years.end else f" siden {years.start}"
    if years.kind == "last_n" and years.last_n:
        return f" de seneste {years.last_n} år"
    return ""


def listing(items: list[str]) -> str:
    """"a", "a og b", "a, b og c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " og " + items[-1]


def _with_years(question: str, yrs: str) -> str:
    """A figure's own question with the years put in before the question mark."""
    return question[:-1] + yrs + "?" if yrs and question.endswith("?") else question


def question(spec: QuerySpec, catalog: Catalog, names: dict[int, str]) -> str:
    """A complete Danish question for a spec (options, suggestions and examples)."""
    m: Metric | None = catalog.get(spec.metric.id) if spec.metric else None
    definite = m.forms.definite if m else "udskrivningsprocenten"
    place = names.get(spec.subject, "") if spec.subject is not None else ""
    yrs = years_phrase(spec.years)
    scope = f" i {names[spec.rank_region]}" if spec.rank_region in names else ""
    op = spec.operation
    if op == Operation.OVERVIEW:
        return f"Giv mig et overblik over {place}"
    if op == Operation.DEFINITION:
        return f"Hvad betyder {m.forms.indefinite if m else 'udskrivningsprocent'}?"
    if op == Operation.RANK:
        adjective = "laveste" if spec.rank_order == "asc" else "højeste"
        what = m.forms.superlative(adjective) if m else f"den {adjective} udskrivningsprocent"
        if spec.rank_n == 1:
            return f"Hvilken kommune{scope} har {what}{yrs}?"
        return f"Hvilke {spec.rank_n} kommuner{scope} har {what}{yrs}?"
    if op == Operation.DISTRIBUTION:
        return f"Vis {definite} for alle kommuner{scope}{yrs}"
    if op == Operation.SAVINGS:
        return f"Hvor meget kunne {place} spare på {definite}, hvis de lå på landsgennemsnittet?"
    if op == Operation.TREND:
        return f"Hvordan har {definite} i {place} udviklet sig{yrs or ' de seneste 10 år'}?"
    if op == Operation.COMPARE or len(spec.municipalities) > 1:
        kind = spec.comparison.kind
        if kind == ComparisonKind.NEIGHBOURS:
            return f"Sammenlign {definite} i {place} med nabokommunerne{yrs}"
        if kind == ComparisonKind.SIMILAR:
            return f"Sammenlign {definite} i {place} med lignende kommuner{yrs}"
        if kind == ComparisonKind.REGION:
            region = names.get(spec.comparison.region_code or -1, "regionen")
            return f"Sammenlign {definite} i {place} med {region}{yrs}"
        if len(spec.municipalities) > 1:
            return f"Sammenlign {definite} i {listing([names.get(c, str(c)) for c in spec.municipalities])}{yrs}"
        return f"Sammenlign {definite} i {place} med landsgennemsnittet{yrs}"
    if m is not None and place:
        return _with_years(m.forms.ask(place), yrs)
    return f"Hvad er {definite} i {place}{yrs}?"
