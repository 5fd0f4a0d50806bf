"""Compiled queries on the real warehouse, checked against hand-written SQL and published values."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from semantic_layer.compiler import RESULT_COLUMNS, CompileError, explain
from semantic_layer.guard import guard
from semantic_layer.spec import Comparison, QuerySpec, Years
from tests.semantic_layer.specs import FREDENSBORG, NAMED_SPECS, ODENSE, SERVICE, TAX, metrics


def run(compiler, warehouse, spec: QuerySpec) -> list[dict]:
    result = warehouse.query(guard(compiler.compile(spec).sql, compiler.row_cap))
    assert tuple(result.columns) == RESULT_COLUMNS
    return result.dicts()


def by_role(rows: list[dict], role: str) -> list[dict]:
    return [r for r in rows if r["role"] == role]


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_every_named_spec_runs_with_result_columns(name, compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS[name][1])
    assert rows, name


def test_value_and_national(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["value"][1])
    assert [(r["municipality_code"], r["year"], r["value"]) for r in by_role(rows, "subject")] == [
        (FREDENSBORG, 2023, warehouse.scalar("SELECT value FROM observations WHERE figure = 'Udskrivningsprocent' "
                                             "AND municipality_code = 210 AND year = 2023"))]
    assert [(r["value"], r["municipality_code"]) for r in by_role(rows, "national")] == [(25.02, 0)]


def test_latest_year_for_lyngby_taarbaek(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["latest"][1])
    subject = by_role(rows, "subject")
    assert [r["year"] for r in subject] == [2023]
    expected = warehouse.scalar("SELECT max(year) FROM observations WHERE figure = 'Udskrivningsprocent' "
                                "AND municipality_code = 173 AND value IS NOT NULL")
    assert expected == 2023


def test_neighbours_weighted_average_by_hand(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["compare_neighbours"][1])
    members = sorted(r["municipality_code"] for r in by_role(rows, "member"))
    neighbours = sorted(r[0] for r in warehouse.query(
        "SELECT neighbour_code FROM neighbours WHERE municipality_code = 210").rows)
    assert members == neighbours and len(members) == 5
    (group,) = by_role(rows, "group")
    by_hand = warehouse.scalar("""
        SELECT sum(o.value * p.population) / sum(p.population)
        FROM observations AS o JOIN population AS p USING (municipality_code, year)
        WHERE o.figure = 'Serviceudgifter pr. indb.' AND o.year = 2023
          AND o.municipality_code IN (SELECT neighbour_code FROM neighbours WHERE municipality_code = 210)""")
    assert group["value"] == pytest.approx(by_hand, abs=0.01)
    plain = sum(r["value"] for r in by_role(rows, "member")) / 5
    assert abs(group["value"] - plain) > 1  # really weighted, not the plain mean
    assert group["n_members"] == 5


def test_region_average_weighted_by_tax_base(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["compare_region"][1])
    (group,) = by_role(rows, "group")
    assert (group["municipality_code"], group["municipality"]) == (1084, "Region Hovedstaden")
    codes = {r["municipality_code"] for r in rows if r["role"] in ("subject", "member")}
    assert len(codes) == 29 and FREDENSBORG in codes
    by_hand = warehouse.scalar("""
        SELECT sum(o.value * w.persons) / sum(w.persons)
        FROM observations AS o JOIN population_groups AS w
          ON w.group_id = 'skattegrundlag' AND w.municipality_code = o.municipality_code AND w.year = o.year
        JOIN municipalities AS m ON m.municipality_code = o.municipality_code
        WHERE o.figure = 'Udskrivningsprocent' AND o.year = 2023 AND m.region_code = 1084""")
    assert group["value"] == pytest.approx(by_hand, abs=1e-6)


def test_similar_municipalities_are_nearest_by_index_and_population(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["compare_similar"][1])
    members = {r["municipality_code"] for r in by_role(rows, "member")}
    assert len(members) == 5 and FREDENSBORG not in members
    scored = warehouse.query("""
        WITH s AS (
            SELECT o.municipality_code AS code, o.value AS idx, ln(p.population) AS lnpop
            FROM observations AS o JOIN population AS p USING (municipality_code, year)
            WHERE o.figure = 'Socioøkonomisk indeks' AND o.value IS NOT NULL AND o.year = (
                SELECT max(year) FROM observations WHERE figure = 'Socioøkonomisk indeks'
                  AND municipality_code = 210 AND value IS NOT NULL
                  AND year IN (SELECT year FROM population))),
        me AS (SELECT idx, lnpop FROM s WHERE code = 210),
        sd AS (SELECT stddev_pop(idx) AS si, stddev_pop(lnpop) AS sp FROM s)
        SELECT code FROM s, me, sd WHERE code <> 210
        ORDER BY sqrt(((s.idx - me.idx) / si) ** 2 + ((s.lnpop - me.lnpop) / sp) ** 2) LIMIT 5""").rows
    assert members == {r[0] for r in scored}
    # the largest cities are not "similar" to a 40,000-inhabitant municipality
    assert not members & {101, 751, 461, 851}


def test_trend_years(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["trend"][1])
    years = sorted(r["year"] for r in by_role(rows, "subject"))
    assert years[0] == 2015 and years == list(range(2015, years[-1] + 1))
    assert years[-1] >= 2023


def test_last_n_years_are_the_last_years_with_data(compiler, warehouse):
    spec = QuerySpec(operation="trend", metrics=metrics(TAX), municipalities=(FREDENSBORG,),
                     years=Years(kind="last_n", last_n=3))
    rows = run(compiler, warehouse, spec)
    latest = warehouse.scalar("SELECT max(year) FROM observations WHERE figure = 'Udskrivningsprocent' "
                              "AND municipality_code = 210 AND value IS NOT NULL")
    assert sorted(r["year"] for r in by_role(rows, "subject")) == [latest - 2, latest - 1, latest]


def test_rank_lowest_income_tax_2022(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["rank"][1])
    top = sorted((r for r in rows if r["rank"] is not None and r["rank"] <= 5), key=lambda r: r["rank"])
    assert [r["value"] for r in top[:5]] == [22.8, 23.09, 23.1, 23.4, 23.6]
    assert [r["rank"] for r in top[:5]] == [1, 2, 3, 4, 5]
    # ties share a rank: every municipality at 23.6 is shown
    tied = warehouse.scalar("SELECT count(*) FROM observations WHERE figure = 'Udskrivningsprocent' "
                            "AND year = 2022 AND value = 23.6")
    assert len(top) == 4 + tied
    assert not by_role(rows, "national")


def test_rank_population_in_region_syddanmark(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["rank_region"][1])
    ranked = sorted((r for r in rows if r["rank"] is not None), key=lambda r: r["rank"])
    assert [(r["municipality"], r["value"]) for r in ranked] == [
        ("Odense", 209078), ("Vejle", 121696), ("Esbjerg", 115423)]
    regions = {r[0] for r in warehouse.query(
        "SELECT DISTINCT region_code FROM municipalities WHERE municipality_code IN "
        f"({', '.join(str(r['municipality_code']) for r in ranked)})").rows}
    assert regions == {1083}


def test_distribution_has_all_98(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["distribution"][1])
    codes = {r["municipality_code"] for r in rows if r["role"] in ("subject", "member")}
    assert len(codes) == 98
    assert by_role(rows, "national")[0]["value"] == 25.02


def test_savings_against_country(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["savings_country"][1])
    (savings,) = by_role(rows, "savings")
    assert savings["municipality_code"] == ODENSE and savings["weight"] == 205_978
    assert savings["value"] == pytest.approx((43_796 - 47_798) * 205_978, abs=1)
    assert savings["value"] == pytest.approx(-824_323_956, abs=1)
    (bench,) = by_role(rows, "benchmark")
    assert bench["value"] == 47_798


@pytest.mark.parametrize("name", ["savings_neighbours", "savings_lowest_quartile"])
def test_savings_is_difference_times_population(name, compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS[name][1])
    (own,) = by_role(rows, "subject")
    (bench,) = by_role(rows, "benchmark")
    (savings,) = by_role(rows, "savings")
    assert savings["value"] == pytest.approx((own["value"] - bench["value"]) * savings["weight"], abs=1)
    if name == "savings_lowest_quartile":
        quartile = warehouse.scalar("SELECT quantile_cont(value, 0.25) FROM observations "
                                    "WHERE figure = 'Serviceudgifter pr. indb.' AND year = 2022")
        assert bench["value"] == pytest.approx(quartile)
    else:
        (group,) = by_role(rows, "group")
        assert bench["value"] == pytest.approx(group["value"])


def test_rank_among_the_neighbours(compiler, warehouse):
    """Ranked among the subject and its land neighbours only, by hand from observations and neighbours."""
    rows = run(compiler, warehouse, NAMED_SPECS["rank_neighbours"][1])
    by_hand = warehouse.query(
        "SELECT o.municipality_code, o.value, rank() OVER (ORDER BY o.value) FROM observations AS o "
        "WHERE o.figure = 'Udskrivningsprocent' AND o.year = 2023 AND (o.municipality_code = 173 OR "
        "o.municipality_code IN (SELECT neighbour_code FROM neighbours WHERE municipality_code = 173)) "
        "ORDER BY 3, 1").rows
    assert len(by_hand) >= 4
    assert [(r["municipality_code"], r["value"], r["rank"]) for r in rows] == [tuple(r) for r in by_hand]
    (subject,) = by_role(rows, "subject")
    assert subject["municipality_code"] == 173 and subject["weight"] == len(by_hand)


def test_savings_against_another_municipality(compiler, warehouse):
    """"Hvis Odense lå på niveauet i Aarhus": Aarhus's own cell is the benchmark; only Odense is the subject."""
    rows = run(compiler, warehouse, NAMED_SPECS["savings_municipality"][1])
    (own,) = by_role(rows, "subject")
    (bench,) = by_role(rows, "benchmark")
    (savings,) = by_role(rows, "savings")
    assert own["municipality_code"] == savings["municipality_code"] == ODENSE
    aarhus = warehouse.scalar("SELECT value FROM observations WHERE figure = 'Serviceudgifter pr. indb.' "
                              "AND municipality_code = 751 AND year = 2022")
    population = warehouse.scalar("SELECT persons FROM population_groups WHERE group_id = 'indbyggere' "
                                  "AND municipality_code = 461 AND year = 2022")
    assert (bench["municipality_code"], bench["value"]) == (751, aarhus)
    assert savings["weight"] == population == 205_978
    assert savings["value"] == pytest.approx((own["value"] - aarhus) * population, abs=1)


@pytest.mark.parametrize("codes", [(ODENSE,), (ODENSE, 751, 101)])
def test_a_municipality_benchmark_names_exactly_two(codes):
    with pytest.raises(ValueError, match="exactly two"):
        QuerySpec(operation="savings", metrics=metrics(SERVICE), municipalities=codes, benchmark="municipality")


def test_savings_refused_for_unweighted_metric(compiler):
    spec = QuerySpec(operation="savings", metrics=metrics("socioekonomisk_indeks"), municipalities=(ODENSE,))
    with pytest.raises(CompileError):
        compiler.compile(spec)


YES_NO = "tilskud_pasning_egne_boern"


@pytest.mark.parametrize("spec", [
    QuerySpec(operation="compare", metrics=metrics(YES_NO), municipalities=(ODENSE,),
              comparison=Comparison(kind="neighbours"), years=Years.single(2015)),
    QuerySpec(operation="compare", metrics=metrics(YES_NO), comparison=Comparison(kind="regions"),
              years=Years.single(2015)),
    QuerySpec(operation="rank", metrics=metrics(YES_NO), years=Years.single(2015)),
], ids=["neighbours", "regions", "rank"])
def test_yes_no_figure_has_no_group_average_or_ranking(compiler, spec):
    with pytest.raises(CompileError, match="ja/nej-nøgletal"):
        compiler.compile(spec)


def test_yes_no_figure_answers_for_named_municipalities_without_a_made_up_national_figure(compiler, warehouse):
    spec = QuerySpec(operation="value", metrics=metrics(YES_NO), municipalities=(ODENSE,), years=Years.single(2015))
    rows = run(compiler, warehouse, spec)
    assert [r["role"] for r in rows] == ["subject"]
    assert rows[0]["value"] in (0, 1)
    everyone = run(compiler, warehouse, QuerySpec(operation="distribution", metrics=metrics(YES_NO),
                                                  years=Years.single(2015)))
    assert len(by_role(everyone, "member")) == 98 and not by_role(everyone, "national")


def test_overview_has_every_metric(compiler, warehouse):
    rows = run(compiler, warehouse, NAMED_SPECS["overview"][1])
    assert {r["metric_id"] for r in by_role(rows, "subject")} == {SERVICE, TAX, "indbyggertal"}


def test_unknown_metric_and_missing_municipality_are_compile_errors(compiler):
    with pytest.raises(CompileError):
        compiler.compile(QuerySpec(operation="value", metrics=metrics("findes_ikke"), municipalities=(101,)))
    with pytest.raises(CompileError):
        compiler.compile(QuerySpec(operation="value", metrics=metrics(TAX)))
    with pytest.raises(CompileError):
        compiler.compile(QuerySpec(operation="value", municipalities=(101,)))


def test_compare_with_a_named_region_keeps_the_subject(compiler, warehouse):
    spec = QuerySpec(operation="compare", metrics=metrics(TAX), municipalities=(FREDENSBORG,),
                     comparison=Comparison(kind="region", region_code=1083), years=Years.single(2023))
    rows = run(compiler, warehouse, spec)
    assert [r["municipality_code"] for r in by_role(rows, "subject")] == [FREDENSBORG]
    (group,) = by_role(rows, "group")
    assert group["municipality"] == "Region Syddanmark"
    members = warehouse.scalar("SELECT count(*) FROM municipalities WHERE region_code = 1083")
    assert group["n_members"] == members  # the region's own average: the outside subject is not in it


# -- explain and portability ---------------------------------------------------------------------
def test_explain_returns_plan_and_sql_without_running(compiler, monkeypatch):
    import warehouse.client as client

    def refuse(*_a, **_k):
        raise AssertionError("explain must not run the query")

    monkeypatch.setattr(client.Warehouse, "query", refuse)
    result = explain(compiler, NAMED_SPECS["compare_neighbours"][1])
    assert set(result) >= {"plan", "sql"}
    assert result["sql"] == compiler.compile(NAMED_SPECS["compare_neighbours"][1]).sql
    assert any("Serviceudgifter pr. indb." in step for step in result["plan"])
    assert any("weighted" in step for step in result["plan"])


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_sql_transpiles_to_postgres(name, compiler):
    sql = compiler.compile(NAMED_SPECS[name][1]).sql
    (postgres,) = sqlglot.transpile(sql, read="duckdb", write="postgres")
    reparsed = sqlglot.parse(postgres, read="postgres")
    assert len(reparsed) == 1 and reparsed[0] is not None


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_compiled_sql_passes_the_guard_unchanged_in_meaning(name, compiler, warehouse):
    sql = compiler.compile(NAMED_SPECS[name][1]).sql
    guarded = guard(sql, compiler.row_cap)
    assert sorted(warehouse.query(guarded).rows, key=repr) == sorted(warehouse.query(sql).rows, key=repr)


@pytest.mark.parametrize("national", [False, True])
def test_one_cell_is_a_flat_statement_with_the_same_rows(national, compiler, warehouse):
    """One municipality, one year: no CTE passes and no subquery, the name by the literal code; the rows are the
    hand-written query's, the municipality before the country."""
    spec = QuerySpec(operation="value", metrics=metrics(TAX), municipalities=(FREDENSBORG,),
                     years=Years.single(2023), include_national=national)
    tree = compiler.compile(spec).expression
    assert not list(tree.find_all(exp.CTE)) and not list(tree.find_all(exp.Subquery))
    rows = run(compiler, warehouse, spec)
    by_hand = warehouse.query("""
        SELECT o.municipality_code, m.municipality_name, o.year, o.value, o.status, 'subject' AS role
        FROM observations AS o JOIN municipalities AS m USING (municipality_code)
        WHERE o.figure = 'Udskrivningsprocent' AND o.year = 2023 AND o.municipality_code = 210
        UNION ALL
        SELECT 0, 'Hele landet', year, value, status, 'national' FROM national
        WHERE figure = 'Udskrivningsprocent' AND year = 2023""").rows
    expected = [tuple(r) for r in by_hand if national or r[5] == "subject"]
    assert [(r["municipality_code"], r["municipality"], r["year"], r["value"], r["status"], r["role"])
            for r in rows] == expected
    assert all(r["metric_id"] == TAX and r["n_values"] is None for r in rows)
