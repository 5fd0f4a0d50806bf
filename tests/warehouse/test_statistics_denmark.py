"""Statistics Denmark's tables in the warehouse, against values read independently from the files."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

POPULATION = "Indbyggertal 1. januar"
POPULATION_XLSX = "indbyggertal_1993_2024.xlsx"
FOLK1AM = "folk1am_population_by_municipality.csv"
INCOME = "Gns. disponibel indkomst pr. person"
CARS = "Personbiler i alt 1. januar"
CARS_1000 = "Personbiler pr. 1.000 indb."
HIGHER = "Andel 15-69-årige med videregående uddannelse"
HOME_CARE = ("5.30.26 Personlig og praktisk hjælp og madservice til ældre omfattet af frit valg af leverandør "
             "(netto, kr. pr. indb.)")
GREEN = "0.28.20 Grønne områder og naturpladser (netto, kr. pr. indb.)"
DST_FIGURES = (INCOME, CARS, CARS_1000, HIGHER, HOME_CARE, GREEN)


def _statbank(data_dir: Path, name: str) -> list[dict[str, str]]:
    with open(data_dir / "dst" / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def _value(rows: list[dict[str, str]], area: str, period: str, area_column: str = "OMRÅDE") -> float:
    return next(float(r["INDHOLD"]) for r in rows if r[area_column] == area and r["TID"] == period)


# -- the population continues with FOLK1AM -----------------------------------------------------------
def test_copenhagen_population_1_january_2026(warehouse):
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 101 "
                            "AND year = 2026", [POPULATION]) == 671_714
    assert warehouse.scalar("SELECT population FROM population WHERE municipality_code = 101 AND year = 2026") \
        == 671_714


def test_population_source_per_year(warehouse):
    sources = dict(warehouse.query("SELECT year, any_value(source_id) FROM observations WHERE figure = ? "
                                   "AND year >= 2023 GROUP BY year", [POPULATION]).rows)
    assert sources == {2023: POPULATION_XLSX, 2024: POPULATION_XLSX, 2025: FOLK1AM, 2026: FOLK1AM}
    assert warehouse.scalar("SELECT count(*) FROM population WHERE municipality_code > 0 AND year = 2026") == 98


def test_folk1am_january_equals_noegletal_in_every_shared_year(warehouse, data_dir):
    """The check the build makes, redone from the raw file: same statistic, so it may carry the figure on."""
    rows = _statbank(data_dir, FOLK1AM)
    names = dict(warehouse.query("SELECT municipality_code, municipality_name FROM municipalities").rows)
    exonym = {"København": "Copenhagen", "Høje Taastrup": "Høje-Taastrup"}  # DST spells it with a hyphen
    for year in (2022, 2023, 2024):
        stored = dict(warehouse.query("SELECT municipality_code, value FROM facts WHERE figure = ? "
                                      "AND source_id = ? AND year = ?", [POPULATION, POPULATION_XLSX, year]).rows)
        for code, name in names.items():
            assert _value(rows, exonym.get(name, name), f"{year}M01") == stored[code], (year, name)
    checked = warehouse.scalar("SELECT checked FROM vintage_parts WHERE kind = 'continuation'")
    assert "2022, 2023, 2024" in checked and POPULATION_XLSX in checked


def test_a_continuation_that_differs_fails_the_build(tmp_path: Path, data_dir: Path, warehouse_path: Path):
    from warehouse.build import build
    from warehouse.errors import DataError

    root = tmp_path / "data"
    root.mkdir()
    for sub in ("noegletal", "geo", "reference", "regk31"):
        (root / sub).symlink_to(data_dir / sub, target_is_directory=True)
    (root / "dst").mkdir()
    for path in (data_dir / "dst").iterdir():
        (root / "dst" / path.name).symlink_to(path)
    (root / "dst" / FOLK1AM).unlink()
    text = (data_dir / "dst" / FOLK1AM).read_text(encoding="utf-8-sig")
    (root / "dst" / FOLK1AM).write_text(text.replace("Odense;Total;Age, total;2023M01;", "Odense;Total;Age, total;"
                                                     "2023M01;1", 1), encoding="utf-8-sig")
    target = tmp_path / "nt.duckdb"
    with pytest.raises(DataError, match="ikke samme opgørelse"):
        build(root, target)
    assert not target.exists()


# -- areas: the 98 municipalities and the country, nothing else ---------------------------------------
@pytest.mark.parametrize("figure", DST_FIGURES)
def test_only_the_98_municipalities(warehouse, figure):
    bad = warehouse.query("""SELECT year, count(*) FROM observations WHERE figure = ? GROUP BY year
                             HAVING count(*) <> 98 OR count(*) FILTER (WHERE municipality_code NOT IN
                               (SELECT municipality_code FROM municipalities)) > 0""", [figure]).rows
    assert bad == []
    assert warehouse.scalar("SELECT count(*) FROM observations WHERE figure = ? AND municipality_code IN "
                            "(0, 411, 1081, 1082, 1083, 1084, 1085)", [figure]) == 0


def test_the_country_is_the_published_all_denmark_value(warehouse, data_dir):
    income = _statbank(data_dir, "indkp101_income_by_municipality.csv")
    assert warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2024", [INCOME]) \
        == _value(income, "All Denmark", "2024") == 287_682
    cars = _statbank(data_dir, "bil707_cars_by_municipality.csv")
    all_cars = _value(cars, "All Denmark", "2026")
    assert warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2026", [CARS]) == all_cars
    # the rate: the published count over the whole country's population 1 January (the 98 municipalities)
    population = warehouse.scalar("SELECT population FROM population WHERE municipality_code = 0 AND year = 2026")
    assert warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2026", [CARS_1000]) \
        == pytest.approx(all_cars * 1000 / population)


def test_cars_per_1000_use_the_population_of_the_same_1_january(warehouse, data_dir):
    cars = _statbank(data_dir, "bil707_cars_by_municipality.csv")
    for year in (2010, 2024, 2026):
        population = warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 461 "
                                      "AND year = ?", [POPULATION, year])
        stored = warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 461 "
                                  "AND year = ?", [CARS_1000, year])
        assert stored == pytest.approx(_value(cars, "Odense", str(year)) * 1000 / population)


def test_higher_education_share_is_h40_to_h80_over_the_total(warehouse, data_dir):
    levels = {k: _statbank(data_dir, f"hfudd11_{k}.csv") for k in ("tot", "h40", "h50", "h60", "h70", "h80")}
    expected = 100 * sum(_value(levels[k], "Copenhagen", "2022", "BOPOMR") for k in ("h40", "h50", "h60", "h70",
                                                                                        "h80"))
    expected /= _value(levels["tot"], "Copenhagen", "2022", "BOPOMR")
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 101 "
                            "AND year = 2022", [HIGHER]) == pytest.approx(expected)
    assert warehouse.scalar("SELECT persons FROM population_groups WHERE group_id = '15-69' "
                            "AND municipality_code = 101 AND year = 2022") == _value(levels["tot"], "Copenhagen",
                                                                                     "2022", "BOPOMR")
    years = [r[0] for r in warehouse.query("SELECT DISTINCT year FROM observations WHERE figure = ? ORDER BY 1",
                                           [HIGHER]).rows]
    assert years == [2008, 2011, 2015, 2019, 2022]


# -- REGK31 -------------------------------------------------------------------------------------------
def test_regk31_values_and_national(warehouse, data_dir):
    with open(data_dir / "regk31" / "2024.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    function = GREEN.removesuffix(" (netto, kr. pr. indb.)")
    raw = {r[3]: float(r[4]) for r in rows if r[2] == function}
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 101 "
                            "AND year = 2024", [GREEN]) == raw["København"] == 278
    assert warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2024", [GREEN]) \
        == raw["Hele landet"] == 210
    assert warehouse.scalar("SELECT count(DISTINCT figure) FROM observations WHERE figure LIKE '%(netto, kr. pr. "
                            "indb.)'") == 25


def test_regk31_zero_functions_before_2018_are_missing_not_zero(warehouse):
    by_year = dict(warehouse.query("SELECT year, list(DISTINCT status) FROM observations WHERE figure = ? "
                                   "GROUP BY year", [HOME_CARE]).rows)
    assert by_year[2016] == ["missing"] and by_year[2017] == ["missing"] and by_year[2018] == ["value"]
    assert warehouse.scalar("SELECT count(*) FROM observations WHERE figure = ? AND year < 2018 "
                            "AND value IS NOT NULL", [HOME_CARE]) == 0
    assert warehouse.scalar("SELECT count(*) FROM national WHERE figure = ? AND year < 2018 AND value IS NOT NULL",
                            [HOME_CARE]) == 0
    # a real zero elsewhere stays a zero
    assert warehouse.scalar("SELECT count(*) FROM observations WHERE figure LIKE '0.32.31 %' AND status = 'zero' "
                            "AND value = 0") > 0


def test_population_weighted_regk31_reproduces_hele_landet(warehouse):
    """Weighting by the population 1 January of the same year gives DST's national figure within rounding."""
    rows = warehouse.query("""
        SELECT o.figure, o.year, sum(o.value * w.persons) / sum(w.persons) AS weighted, n.value
        FROM observations AS o
        JOIN population_groups AS w ON w.group_id = 'indbyggere' AND w.municipality_code = o.municipality_code
          AND w.year = o.year
        JOIN national AS n ON n.figure = o.figure AND n.year = o.year
        WHERE o.figure LIKE '%(netto, kr. pr. indb.)' AND o.value IS NOT NULL
        GROUP BY o.figure, o.year, n.value""").rows
    assert len(rows) == 25 * 9 - 3 * 2
    worst = max(abs(w - n) for _, _, w, n in rows)
    assert worst < 10, worst
    assert sum(abs(w - n) < 2 for _, _, w, n in rows) / len(rows) > 0.9


# -- provenance ---------------------------------------------------------------------------------------
def test_every_new_file_is_a_source_with_sha256_origin_and_period(warehouse, data_dir):
    rows = {r["file"]: r for r in warehouse.query("SELECT * FROM sources").dicts()}
    expected = {f"dst/{p.name}" for p in (data_dir / "dst").glob("*.csv")} | {f"regk31/{y}.csv"
                                                                              for y in range(2016, 2025)}
    assert expected <= set(rows)
    for file in expected:
        row = rows[file]
        assert row["sha256"] == hashlib.sha256((data_dir / file).read_bytes()).hexdigest(), file
        assert row["origin"].startswith("Danmarks Statistik"), file
        assert row["period"], file
    assert rows[f"dst/{FOLK1AM}"]["period"] == "2021M10–2026M02"
    assert rows["regk31/2024.csv"]["series"] == "REGK31" and rows["regk31/2024.csv"]["period"] == "2024"
    assert {rows[f"dst/hfudd11_{k}.csv"]["series"] for k in ("tot", "h40", "h80")} == {"HFUDD11"}
    assert "REGK31" in rows["regk31/2016.csv"]["origin"] and "18c5cc1" in rows["regk31/2016.csv"]["origin"]


def test_population_by_month_keeps_every_month(warehouse):
    assert warehouse.scalar("SELECT persons FROM population_by_month WHERE area_code = 101 AND year = 2026 "
                            "AND month = 1") == 671_714
    assert warehouse.scalar("SELECT count(DISTINCT (year, month)) FROM population_by_month") == 53
    assert warehouse.scalar("SELECT count(DISTINCT area_code) FROM population_by_month") == 99  # 98 + All Denmark


def test_definition_card_shows_both_population_sources(warehouse, catalog):
    from assistant.cards import build_card, load_vintages

    vintages = load_vintages(warehouse)
    metric = catalog.get("indbyggertal")
    card = build_card(metric, catalog, vintages[metric.label])
    assert (card.first_year, card.last_year) == (1993, 2026)
    assert "noegletal.dk" in card.source and "(1993–2024)" in card.source
    assert "FOLK1AM" in card.source and "(2025–2026)" in card.source
    assert FOLK1AM in (card.source_file or "") and POPULATION_XLSX in (card.source_file or "")
    assert any("2025–2026" in n and "2022, 2023, 2024" in n for n in card.notes)
    home = build_card(catalog.get("regk_hjemmepleje"), catalog, vintages[HOME_CARE])
    assert (home.first_year, home.last_year) == (2018, 2024) and home.vintage is None
    assert "REGK31" in home.source and any(n.startswith("2016:") for n in home.notes)
