"""A map or a ranking shows ONE year, even when the spec brings a range (e.g. a follow-up after "siden 2010").

The specs are built by hand and run through the real assistant's compiler, warehouse and writer (no parser),
so the writer is tested on its own; the expected figures come from direct SQL on the same warehouse.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.formatting import value_text
from assistant.service import Assistant
from assistant.writer import Written, write
from noegletal.wiring import get_assistant
from semantic_layer.spec import MetricRef, Operation, QuerySpec, Years

SERVICE = "serviceudgifter_pr_indb"
TAX = "udskrivningsprocent"
FREDENSBORG = 210
# A year as a word: not part of a longer number or of a Danish "48.506" / "23,10".
YEAR_WORD = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d])(?![.,]\d)")


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def run(assistant: Assistant, spec: QuerySpec) -> Written:
    prepared = assistant.shapes.prepare(spec)  # as Assistant.ask: compiled and guarded, or bound to a shape
    result, _ = assistant._run(prepared)
    return write(prepared.spec, result.dicts(), assistant.compiler.metrics_of(spec), assistant.names,
                 prepared.group_label)


def years_named(text: str) -> set[int]:
    return {int(y) for y in YEAR_WORD.findall(text)}


def sql_rows(assistant: Assistant, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    return assistant.warehouse.query(sql, params).rows


def last_year(assistant: Assistant, metric_id: str, since: int) -> int:
    label = assistant.catalog.get(metric_id).label
    ((year,),) = sql_rows(assistant, "SELECT max(year) FROM observations WHERE figure = ? AND year >= ? "
                                     "AND value IS NOT NULL", [label, since])
    return int(year)


def ordered(assistant: Assistant, metric_id: str, year: int, desc: bool) -> list[tuple[Any, ...]]:
    """(code, name, value, rank) of every municipality with a value in `year`, ranked like the compiler."""
    label = assistant.catalog.get(metric_id).label
    direction = "DESC" if desc else "ASC"
    return [tuple(r) for r in sql_rows(
        assistant,
        f"SELECT o.municipality_code, m.municipality_name, o.value, rank() OVER (ORDER BY o.value {direction}) "
        f"FROM observations o JOIN municipalities m USING (municipality_code) "
        f"WHERE o.figure = ? AND o.year = ? AND o.value IS NOT NULL "
        f"ORDER BY o.value {direction}, o.municipality_code", [label, year])]


def test_spec_helpers_are_what_the_test_means() -> None:
    assert YEAR_WORD.findall("i 2023. Højest: Læsø (84.004 kr.); 2.015 kr.; 20,15 %; 12019") == ["2023"]
    assert Years.between(2010, None).kind == "range"


def test_map_over_a_range_shows_the_last_year_and_counts_municipalities(assistant: Assistant) -> None:
    spec = QuerySpec(operation=Operation.DISTRIBUTION, metrics=(MetricRef(id=SERVICE),),
                     years=Years.between(2010, None))
    written = run(assistant, spec)
    metric = assistant.catalog.get(SERVICE)
    year = last_year(assistant, SERVICE, 2010)
    everyone = ordered(assistant, SERVICE, year, desc=False)
    lowest, highest = everyone[0], everyone[-1]
    assert len(everyone) == 98
    assert f"for 98 kommuner i {year}." in written.text
    assert years_named(written.text) == {year}
    assert f"lavest: {lowest[1]} ({value_text(lowest[2], metric)})" in written.text
    assert f"Højest: {highest[1]} ({value_text(highest[2], metric)})" in written.text
    assert "ét år ad gangen; her det seneste med tal i den valgte periode" in written.text
    # Observations, table and map all hold that one year only, one value per municipality.
    assert {o.year for o in written.observations} == {year}
    members = [o for o in written.observations if o.role in ("member", "subject")]
    assert len(members) == len({o.municipality_code for o in members}) == 98
    assert written.table is not None and {r[1] for r in written.table.rows} == {year}
    assert written.chart is not None and written.chart_kind == "map"
    (lookup,) = [t for t in written.chart["transform"] if "lookup" in t]
    values = lookup["from"]["data"]["values"]
    assert {v["år"] for v in values} == {year} and len({v["kode"] for v in values}) == len(values) == 98
    assert written.chart["title"].endswith(str(year))


def test_map_of_one_asked_year_uses_that_year_without_a_note(assistant: Assistant) -> None:
    spec = QuerySpec(operation=Operation.DISTRIBUTION, metrics=(MetricRef(id=SERVICE),), years=Years.single(2013))
    written = run(assistant, spec)
    metric = assistant.catalog.get(SERVICE)
    everyone = ordered(assistant, SERVICE, 2013, desc=False)
    assert f"for {len(everyone)} kommuner i 2013." in written.text and years_named(written.text) == {2013}
    assert f"lavest: {everyone[0][1]} ({value_text(everyone[0][2], metric)})" in written.text
    assert "ad gangen" not in written.text


def test_ranking_over_a_range_ranks_within_the_last_year(assistant: Assistant) -> None:
    spec = QuerySpec(operation=Operation.RANK, metrics=(MetricRef(id=TAX),), municipalities=(FREDENSBORG,),
                     years=Years.between(2010, None), rank_n=5, rank_order="asc")
    written = run(assistant, spec)
    metric = assistant.catalog.get(TAX)
    year = last_year(assistant, TAX, 2010)
    everyone = ordered(assistant, TAX, year, desc=False)
    top = [r for r in everyone if r[3] <= 5]
    assert years_named(written.text) == {year}
    assert written.text.startswith(f"De 5 kommuner med {metric.forms.superlative('laveste')} i {year}: ")
    listing = written.text.split(": ", 1)[1]
    named = re.findall(r"([A-ZÆØÅ][\w\-. ]+?) \((\d+,\d+ %)\)", listing)
    assert sorted(named) == sorted((name, value_text(value, metric)) for _, name, value, _ in top)
    assert [value for _, value in named] == [value_text(v, metric) for _, _, v, _ in top]  # lowest first
    (fredensborg,) = [r for r in everyone if r[0] == FREDENSBORG]
    assert f"Fredensborg er nr. {fredensborg[3]} af {len(everyone)}." in written.text
    assert "En rangering gælder ét år ad gangen" in written.text
    assert {o.year for o in written.observations} == {year}
    members = [o for o in written.observations if o.role in ("member", "subject")]
    assert len(members) == len({o.municipality_code for o in members})
    assert written.table is not None and {r[2] for r in written.table.rows} == {year}  # Nr., Område, År, Værdi
    assert written.chart is not None and written.chart_kind == "rank"
    bars = [layer for layer in written.chart["layer"] if layer["mark"]["type"] == "bar"]
    assert bars and {v["år"] for v in written.chart["data"]["values"]} == {year}
    assert written.chart["title"].startswith(f"Kommunerne med {metric.forms.superlative('laveste')} i {year}")


def test_highest_over_a_range_is_the_highest_of_the_last_year(assistant: Assistant) -> None:
    spec = QuerySpec(operation=Operation.RANK, metrics=(MetricRef(id=SERVICE),), years=Years.between(2010, None),
                     rank_n=1, rank_order="desc")
    written = run(assistant, spec)
    metric = assistant.catalog.get(SERVICE)
    year = last_year(assistant, SERVICE, 2010)
    first = [r for r in ordered(assistant, SERVICE, year, desc=True) if r[3] == 1]
    assert len(first) == 1
    _, name, value, _ = first[0]
    assert written.text.startswith(f"{name} har {metric.forms.superlative('højeste')} i {year}: "
                                   f"{value_text(value, metric)} ")  # "84.004 kr." ends the sentence: no ".."
    assert ".." not in written.text
    assert years_named(written.text) == {year}


def test_map_follow_up_after_a_trend_from_the_issue(assistant: Assistant) -> None:
    first = assistant.ask("Hvordan ligger Fredensborgs serviceudgifter pr. indbygger i forhold til nabokommunerne?")
    assistant.ask("Hvordan har det udviklet sig siden 2010?", first.conversation_id)
    answer = assistant.ask("Vis det på et kort", first.conversation_id)
    assert answer.status == "answer" and answer.operation == "distribution" and answer.chart_kind == "map"
    (year,) = years_named(answer.text)
    metric = assistant.catalog.get(SERVICE)
    everyone = ordered(assistant, SERVICE, year, desc=False)
    assert f"for {len(everyone)} kommuner i {year}." in answer.text and len(everyone) == 98
    assert f"lavest: {everyone[0][1]} ({value_text(everyone[0][2], metric)})" in answer.text
    assert f"Højest: {everyone[-1][1]} ({value_text(everyone[-1][2], metric)})" in answer.text
    assert {o.year for o in answer.observations} == {year}
