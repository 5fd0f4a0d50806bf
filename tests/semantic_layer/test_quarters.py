"""Quarterly figures compiled and run on the real warehouse: the latest quarter, one quarter, the last n quarters,
group averages weighted by the population of the quarter's year, rankings per quarter, the published country."""

from __future__ import annotations

import pytest

from semantic_layer.guard import guard
from semantic_layer.spec import Comparison, QuerySpec, Years
from semantic_layer.sqlbits import QUARTER_COLUMNS
from tests.semantic_layer.specs import ODENSE, metrics

RECIPIENTS, RECIPIENTS_1000 = "kontanthjaelpsmodtagere_kvartal", "kontanthjaelpsmodtagere_pr_1000_kvartal"
OFFENCES, EMPLOYEES_1000 = "anmeldte_forbrydelser_kvartal", "fuldtidsansatte_pr_1000_kvartal"


def run(compiler, warehouse, spec: QuerySpec) -> list[dict]:
    result = warehouse.query(guard(compiler.compile(spec).sql, compiler.row_cap))
    assert tuple(result.columns) == QUARTER_COLUMNS
    return result.dicts()


def cell(warehouse, label: str, code: int, year: int, quarter: int) -> float:
    return warehouse.scalar("SELECT value FROM quarterly_observations WHERE figure = ? AND municipality_code = ? "
                            "AND year = ? AND quarter = ?", [label, code, year, quarter])


def test_no_period_is_the_latest_quarter_with_the_published_country(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(metrics=metrics(RECIPIENTS), municipalities=(ODENSE,)))
    assert [(r["role"], r["year"], r["quarter"], r["value"]) for r in rows] == [
        ("subject", 2025, 4, 527.0),  # AUK01, Odense 2025Q4
        ("national", 2025, 4, warehouse.scalar("SELECT value FROM quarterly_national WHERE figure = ? AND year = 2025 "
                                               "AND quarter = 4", ["Kontanthjælpsmodtagere (nettoledige), kvartal"]))]


def test_the_latest_quarter_is_the_figures_own(compiler, warehouse):
    """LBESK69 ends with 2025Q3, a quarter before the other tables."""
    rows = run(compiler, warehouse, QuerySpec(metrics=metrics(EMPLOYEES_1000), municipalities=(ODENSE,)))
    assert {(r["year"], r["quarter"]) for r in rows} == {(2025, 3)}


def test_one_quarter_and_every_quarter_of_a_year(compiler, warehouse):
    one = run(compiler, warehouse, QuerySpec(metrics=metrics(OFFENCES), municipalities=(ODENSE,),
                                             years=Years.single(2024, 2)))
    label = "Anmeldte forbrydelser i alt, kvartal"
    assert [(r["year"], r["quarter"], r["value"]) for r in one if r["role"] == "subject"] == [
        (2024, 2, cell(warehouse, label, ODENSE, 2024, 2))]
    year = run(compiler, warehouse, QuerySpec(metrics=metrics(OFFENCES), municipalities=(ODENSE,),
                                              years=Years(kind="single", start=2024, end=2024, unit="quarter")))
    assert [r["quarter"] for r in year if r["role"] == "subject"] == [1, 2, 3, 4]


def test_the_last_8_quarters_run_back_from_the_latest(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(operation="trend", metrics=metrics(OFFENCES), municipalities=(ODENSE,),
                                              years=Years(kind="last_n", last_n=8, unit="quarter")))
    periods = [(r["year"], r["quarter"]) for r in rows if r["role"] == "subject"]
    assert periods == [(2024, q) for q in range(1, 5)] + [(2025, q) for q in range(1, 5)]
    assert len([r for r in rows if r["role"] == "national"]) == 8


def test_a_group_average_weighs_by_the_population_of_the_quarters_year(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(operation="compare", metrics=metrics(RECIPIENTS_1000),
                                              municipalities=(ODENSE,), comparison=Comparison(kind="neighbours")))
    (group,) = [r for r in rows if r["role"] == "group"]
    members = [r for r in rows if r["role"] == "member"]
    assert (group["year"], group["quarter"]) == (2025, 4) and group["n_values"] == len(members) == 4
    codes = [r["municipality_code"] for r in members]
    counts = {c: cell(warehouse, "Kontanthjælpsmodtagere (nettoledige), kvartal", c, 2025, 4) for c in codes}
    people = {c: warehouse.scalar("SELECT population FROM population WHERE municipality_code = ? AND year = 2025",
                                  [c]) for c in codes}
    # the members' recipients per 1,000 of their inhabitants together: the ministry's weighting
    assert group["value"] == pytest.approx(sum(counts.values()) * 1000 / sum(people.values()))


def test_a_ranking_ranks_within_the_quarter(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(operation="rank", metrics=metrics(EMPLOYEES_1000), rank_n=3,
                                              years=Years(kind="last_n", last_n=2, unit="quarter")))
    ranked = [r for r in rows if r["rank"] is not None]
    assert {(r["year"], r["quarter"]) for r in ranked} == {(2025, 2), (2025, 3)}
    for period in ((2025, 2), (2025, 3)):
        these = sorted((r for r in ranked if (r["year"], r["quarter"]) == period), key=lambda r: r["rank"])
        assert [r["rank"] for r in these] == [1, 2, 3] and these[0]["weight"] == 98
        assert these[0]["value"] >= these[1]["value"] >= these[2]["value"]


def test_savings_against_the_lowest_quartile_of_the_same_quarter(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(operation="savings", metrics=metrics(EMPLOYEES_1000),
                                              municipalities=(ODENSE,), benchmark="lowest_quartile"))
    (subject,), (bench,), (saving,) = ([r for r in rows if r["role"] == role]
                                       for role in ("subject", "benchmark", "savings"))
    assert {(r["year"], r["quarter"]) for r in (subject, bench, saving)} == {(2025, 3)}
    assert saving["value"] == pytest.approx((subject["value"] - bench["value"]) * saving["weight"])


def test_a_range_of_quarters_starts_and_ends_inside_its_years(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(operation="trend", metrics=metrics(RECIPIENTS), municipalities=(ODENSE,),
                                              years=Years.between_quarters(2023, 1, 2025, 3)))
    periods = [(r["year"], r["quarter"]) for r in rows if r["role"] == "subject"]
    assert periods == [(y, q) for y in (2023, 2024, 2025) for q in range(1, 5) if (y, q) <= (2025, 3)]
    assert [(r["year"], r["quarter"]) for r in rows if r["role"] == "national"] == periods
    label = "Kontanthjælpsmodtagere (nettoledige), kvartal"
    first = next(r for r in rows if r["role"] == "subject")
    assert first["value"] == cell(warehouse, label, ODENSE, 2023, 1)


def test_an_open_range_of_quarters_runs_to_the_latest_quarter(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(operation="trend", metrics=metrics(EMPLOYEES_1000),
                                              municipalities=(ODENSE,),
                                              years=Years.between_quarters(2024, 2, None, None)))
    periods = [(r["year"], r["quarter"]) for r in rows if r["role"] == "subject"]
    # LBESK69 ends with 2025Q3: the range stops at the figure's own latest quarter
    assert periods == [(2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3)]


def test_a_range_from_a_whole_year_to_a_quarter(compiler, warehouse):
    rows = run(compiler, warehouse, QuerySpec(metrics=metrics(OFFENCES), municipalities=(ODENSE,),
                                              years=Years.between_quarters(2024, None, 2025, 2)))
    assert [(r["year"], r["quarter"]) for r in rows if r["role"] == "subject"] == [
        (2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2)]


@pytest.mark.parametrize("bad", [
    {"kind": "range", "start": 2025, "end": 2025, "start_quarter": 3, "end_quarter": 2, "unit": "quarter"},
    {"kind": "range", "start": 2024, "end": 2023, "start_quarter": 1, "end_quarter": 1, "unit": "quarter"},
    {"kind": "range", "start": 2024, "end": 2025, "start_quarter": 5, "unit": "quarter"},
    {"kind": "range", "start": 2024, "end": 2025, "end_quarter": 0, "unit": "quarter"},
    {"kind": "range", "start": 2024, "end": None, "end_quarter": 2, "unit": "quarter"},
    {"kind": "single", "start": 2024, "end": 2024, "start_quarter": 2, "unit": "quarter"},
    {"kind": "range", "start": 2024, "end": 2025, "start_quarter": 2},  # quarters are a range in quarters
])
def test_a_range_of_quarters_is_validated(bad):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Years(**bad)
