"""All five regions in one grouped statement (ComparisonKind.REGIONS): the values equal hand-written SQL for each
averaging method and for a quarterly figure, equal the five single-region specs (the old way), and a region
without data is NULL, never 0. Rerun on PostgreSQL by tests/pg/test_regions_pg.py."""

from __future__ import annotations

import pydantic
import pytest
import sqlglot
from sqlglot import exp

from semantic_layer.compiler import RESULT_COLUMNS
from semantic_layer.guard import guard
from semantic_layer.spec import REGION_CODES, Comparison, MetricRef, QuerySpec, Years
from semantic_layer.sqlbits import QUARTER_COLUMNS

REGIONS = Comparison(kind="regions")
SERVICE, POP, SCHOOL = "serviceudgifter_pr_indb", "indbyggertal", "udg_folkeskolen_pr_elev"
CASH_Q = "kontanthjaelpsmodtagere_pr_1000_kvartal"
NEED_CAPITAL = "udgiftsbehov_hovedstaden_pr_indb"  # published for the capital's municipalities (and a few more) only


def spec(metric: str, operation: str = "compare", years: Years | None = None, **kw: object) -> QuerySpec:
    return QuerySpec(operation=operation, metrics=(MetricRef(id=metric),), comparison=REGIONS,
                     years=years or Years(), **kw)  # type: ignore[arg-type]


def run(compiler, warehouse, s: QuerySpec) -> list[dict]:
    result = warehouse.query(guard(compiler.compile(s).sql, 5000))
    assert tuple(result.columns) in (RESULT_COLUMNS, QUARTER_COLUMNS)
    return result.dicts()


def groups(rows: list[dict]) -> dict[tuple, dict]:
    return {(r["municipality_code"], r["year"], r.get("quarter")): r for r in rows if r["role"] == "group"}


def by_hand(warehouse, sql: str) -> dict[tuple, float | None]:
    return {(int(code), int(year), None): value for code, year, value in warehouse.query(sql).rows}


def test_one_grouped_statement(compiler):
    compiled = compiler.compile(spec(SERVICE, years=Years.single(2023)))
    (tree,) = sqlglot.parse(compiled.sql, read="duckdb")
    grouped = [g for g in tree.find_all(exp.Group) if "region_code" in g.sql()]
    assert len(grouped) == 1  # the five regions in one GROUP BY, not five statements
    assert "UNION ALL" in compiled.sql and compiled.sql.rstrip().endswith("LIMIT 5000")


def test_weighted_figure_equals_hand_written_sql(compiler, warehouse):
    rows = run(compiler, warehouse, spec(SERVICE, years=Years.single(2023)))
    expected = by_hand(warehouse, """
        SELECT m.region_code, o.year, sum(o.value * w.persons) / sum(CASE WHEN o.value IS NOT NULL THEN w.persons END)
        FROM observations AS o JOIN municipalities AS m ON m.municipality_code = o.municipality_code
        JOIN population_groups AS w ON w.group_id = 'indbyggere' AND w.municipality_code = o.municipality_code
          AND w.year = o.year
        WHERE o.figure = 'Serviceudgifter pr. indb.' AND o.year = 2023 GROUP BY m.region_code, o.year""")
    got = groups(rows)
    assert set(got) == set(expected) and len(got) == 5
    for key, value in expected.items():
        assert got[key]["value"] == pytest.approx(value, rel=1e-12)
        assert got[key]["municipality"].startswith("Region ")
        assert got[key]["n_values"] == got[key]["n_members"] > 10
    plain = warehouse.scalar("SELECT avg(o.value) FROM observations AS o JOIN municipalities AS m "
                             "ON m.municipality_code = o.municipality_code "
                             "WHERE o.figure = 'Serviceudgifter pr. indb.' AND o.year = 2023 AND m.region_code = 1084")
    assert abs(got[(1084, 2023, None)]["value"] - plain) > 1  # really weighted, not the plain mean
    (national,) = [r for r in rows if r["role"] == "national"]
    assert (national["municipality_code"], national["value"]) == (0, warehouse.scalar(
        "SELECT value FROM national WHERE figure = 'Serviceudgifter pr. indb.' AND year = 2023"))


def test_sum_figure_is_the_regions_total(compiler, warehouse):
    rows = run(compiler, warehouse, spec(POP, years=Years.single(2024)))
    expected = by_hand(warehouse, """
        SELECT m.region_code, o.year, sum(o.value) FROM observations AS o
        JOIN municipalities AS m ON m.municipality_code = o.municipality_code
        WHERE o.figure = 'Indbyggertal 1. januar' AND o.year = 2024 GROUP BY m.region_code, o.year""")
    got = groups(rows)
    assert {k: r["value"] for k, r in got.items()} == pytest.approx(expected)
    assert sum(r["value"] for r in got.values()) == pytest.approx(warehouse.scalar(
        "SELECT sum(value) FROM observations WHERE figure = 'Indbyggertal 1. januar' AND year = 2024"))


def test_plain_mean_figure(compiler, warehouse):
    rows = run(compiler, warehouse, spec(SCHOOL, years=Years.single(2019)))
    expected = by_hand(warehouse, """
        SELECT m.region_code, o.year, avg(o.value) FROM observations AS o
        JOIN municipalities AS m ON m.municipality_code = o.municipality_code
        WHERE o.figure = 'Udg. til folkeskolen pr. elev' AND o.year = 2019 GROUP BY m.region_code, o.year""")
    assert {k: r["value"] for k, r in groups(rows).items()} == pytest.approx(expected)


def test_quarterly_figure_per_quarter_weighted_by_the_quarters_year(compiler, warehouse):
    rows = run(compiler, warehouse, spec(CASH_Q, years=Years(kind="range", start=2025, end=2025, unit="quarter")))
    expected = {(int(c), int(y), int(q)): v for c, y, q, v in warehouse.query("""
        SELECT m.region_code, o.year, o.quarter,
               sum(o.value * w.persons) / sum(CASE WHEN o.value IS NOT NULL THEN w.persons END)
        FROM quarterly_observations AS o JOIN municipalities AS m ON m.municipality_code = o.municipality_code
        JOIN population_groups AS w ON w.group_id = 'indbyggere' AND w.municipality_code = o.municipality_code
          AND w.year = o.year
        WHERE o.figure = 'Kontanthjælpsmodtagere (nettoledige) pr. 1.000 indb., kvartal' AND o.year = 2025
        GROUP BY m.region_code, o.year, o.quarter""").rows}
    got = groups(rows)
    assert expected and set(got) == set(expected)
    for key, value in expected.items():
        assert got[key]["value"] == pytest.approx(value, rel=1e-12)
    national = {(r["year"], r["quarter"]) for r in rows if r["role"] == "national"}
    assert national == {(y, q) for _, y, q in expected}


def test_latest_quarter_by_default(compiler, warehouse):
    rows = run(compiler, warehouse, spec(CASH_Q))
    latest = warehouse.scalar("SELECT max(year * 4 + quarter) FROM quarterly_observations WHERE figure = "
                              "'Kontanthjælpsmodtagere (nettoledige) pr. 1.000 indb., kvartal' AND value IS NOT NULL")
    assert {r["year"] * 4 + r["quarter"] for r in rows} == {latest}
    assert sorted(r["municipality_code"] for r in rows if r["role"] == "group") == list(REGION_CODES)


@pytest.mark.parametrize("metric,operation,years", [
    (SERVICE, "compare", Years.single(2023)), (SERVICE, "trend", Years.between(2015, None)),
    ("udskrivningsprocent", "compare", Years()), (POP, "compare", Years.single(2020)),
    (SCHOOL, "trend", Years(kind="last_n", last_n=3)), (CASH_Q, "compare", Years()),
])
def test_equals_the_five_single_region_specs(metric, operation, years, compiler, warehouse):
    """The old way: one Comparison(kind=REGION, region_code=R) spec per region; the same group rows."""
    got = groups(run(compiler, warehouse, spec(metric, operation, years)))
    old: dict[tuple, dict] = {}
    for code in REGION_CODES:
        single = QuerySpec(operation=operation, metrics=(MetricRef(id=metric),),
                           comparison=Comparison(kind="region", region_code=code), years=years)
        old |= groups(run(compiler, warehouse, single))
    assert set(got) == set(old) and len(got) % 5 == 0
    for key, row in old.items():
        mine = got[key]
        assert (mine["municipality"], mine["n_values"], mine["n_members"]) == (
            row["municipality"], row["n_values"], row["n_members"])
        assert mine["value"] == pytest.approx(row["value"], rel=1e-12)


def test_a_region_without_data_is_null_not_zero(compiler, warehouse):
    rows = run(compiler, warehouse, spec(NEED_CAPITAL, years=Years.single(2006)))
    got = groups(rows)
    assert sorted(code for code, _, _ in got) == list(REGION_CODES)  # every region has a row
    counted = dict(warehouse.query("""
        SELECT m.region_code, count(o.value) FROM observations AS o
        JOIN municipalities AS m ON m.municipality_code = o.municipality_code
        WHERE o.figure = 'Udgiftsbehov (hovedstaden) pr. indb.' AND o.year = 2006 GROUP BY m.region_code""").rows)
    for (code, _, _), row in got.items():
        assert row["n_values"] == counted.get(code, 0)
        assert (row["value"] is None) == (row["n_values"] == 0)
    assert any(row["value"] is None for row in got.values())


def test_rank_orders_the_regions(compiler, warehouse):
    for order in ("desc", "asc"):
        rows = run(compiler, warehouse, spec(POP, "rank", rank_order=order))
        ranked = [r for r in rows if r["role"] == "group"]
        assert [r["rank"] for r in ranked] == [1, 2, 3, 4, 5] and {r["weight"] for r in ranked} == {5}
        values = [r["value"] for r in ranked]
        assert values == sorted(values, reverse=order == "desc")


@pytest.mark.parametrize("bad", [
    dict(operation="distribution"), dict(operation="savings"), dict(municipalities=(461,)),
    dict(comparison=Comparison(kind="regions", region_code=1083)), dict(rank_region=1083),
])
def test_spec_validation(bad):
    args: dict[str, object] = dict(operation="compare", metrics=(MetricRef(id=SERVICE),), comparison=REGIONS)
    with pytest.raises(pydantic.ValidationError):
        QuerySpec(**(args | bad))  # type: ignore[arg-type]
