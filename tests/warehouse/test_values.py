"""The built warehouse against real published values (no invented numbers)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

# 182 from noegletal.dk (and AUP02/FOLK1A), 35 from Statistics Denmark: INDKP101, BIL707 (count and
# per 1,000), HFUDD11, REGK31 (25 functions), and the years of AUK01, STRAF11, LBESK69 (count and per 1,000)
FIGURES = 182 + 35

CSV_SOURCE = "noegletal_alle_1993_2019.csv"
SERVICE = "Serviceudgifter pr. indb."
SERVICE_XLSX = "serviceudgifter_pr_indb_1993_2024.xlsx"
YES_NO = "Tilskud til pasning af egne børn? (til 2017)"


def test_population_of_fredensborg_and_copenhagen(warehouse):
    pop = dict(warehouse.query("SELECT municipality_code, population FROM population "
                               "WHERE year = 2019 AND municipality_code IN (101, 210)").rows)
    assert pop == {101: 623_404, 210: 40_819}


def test_national_income_tax_rate_2023(warehouse):
    assert warehouse.scalar("SELECT value FROM national WHERE figure = 'Udskrivningsprocent' "
                            "AND year = 2023") == pytest.approx(25.02)


def test_fredensborg_neighbours(warehouse):
    names = [r[0] for r in warehouse.query(
        "SELECT m.municipality_name FROM neighbours AS n JOIN municipalities AS m "
        "ON m.municipality_code = n.neighbour_code WHERE n.municipality_code = 210 ORDER BY 1").rows]
    assert names == ["Allerød", "Gribskov", "Helsingør", "Hillerød", "Hørsholm"]


def test_neighbours_are_symmetric_and_never_self(warehouse):
    asymmetric = warehouse.scalar("""
        SELECT count(*) FROM neighbours AS a WHERE NOT EXISTS (
            SELECT 1 FROM neighbours AS b
            WHERE b.municipality_code = a.neighbour_code AND b.neighbour_code = a.municipality_code)""")
    assert asymmetric == 0
    assert warehouse.scalar("SELECT count(*) FROM neighbours WHERE municipality_code = neighbour_code") == 0


def test_national_population_is_sum_of_the_98(warehouse):
    total = warehouse.scalar("SELECT population FROM population WHERE municipality_code = 0 AND year = 2024")
    parts = warehouse.query("SELECT count(*), sum(population) FROM population "
                            "WHERE municipality_code > 0 AND year = 2024").rows[0]
    assert parts[0] == 98
    assert total == parts[1]
    assert total > 5_900_000


def test_counts(warehouse):
    assert warehouse.scalar("SELECT count(*) FROM municipalities") == 98
    assert warehouse.scalar("SELECT count(*) FROM regions") == 5
    assert warehouse.scalar("SELECT count(*) FROM current_vintage") == FIGURES
    # every municipality belongs to one of the five regions
    assert warehouse.scalar("SELECT count(*) FROM municipalities WHERE region_code NOT IN "
                            "(SELECT region_code FROM regions)") == 0


def test_every_source_keeps_its_provenance(warehouse):
    rows = warehouse.query("SELECT file, origin, sha256 FROM sources").dicts()
    assert {Path(r["file"]).name for r in rows} >= {CSV_SOURCE, SERVICE_XLSX, "kommuner.csv"}
    for row in rows:
        assert row["origin"] and row["origin"] != "ukendt oprindelse", row
        assert len(row["sha256"]) == 64


# -- vintages ---------------------------------------------------------------------------------------
def test_each_export_is_its_own_vintage(warehouse):
    by_source = dict(warehouse.query(
        "SELECT source_id, value FROM facts WHERE figure = ? AND municipality_code = 101 AND year = 2019",
        [SERVICE]).rows)
    assert by_source == {CSV_SOURCE: 36_198, SERVICE_XLSX: 40_467}


def test_current_vintage_is_newest_and_not_spliced(warehouse):
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 101 "
                            "AND year = 2019", [SERVICE]) == 40_467
    sources = warehouse.query("SELECT DISTINCT source_id FROM observations WHERE figure = ?", [SERVICE]).rows
    assert sources == [(SERVICE_XLSX,)]
    # the old vintage's years (1993-2019) are not mixed in: every year comes from the xlsx
    years = warehouse.query("SELECT min(year), max(year), count(DISTINCT year), count(*) FROM observations "
                            "WHERE figure = ?", [SERVICE]).rows[0]
    assert years == (1993, 2024, 32, 32 * 98)
    assert warehouse.scalar("SELECT DISTINCT source_id FROM national WHERE figure = ?", [SERVICE]) == SERVICE_XLSX


def test_observations_hold_exactly_one_vintage_per_figure(warehouse):
    """One publication per figure: its vintage's file(s) — REGK31 is one file per year of one series — plus, for
    the population only, the checked continuation after the vintage's last year."""
    several = warehouse.query("""
        SELECT o.figure, count(DISTINCT s.series) FROM observations AS o JOIN sources AS s USING (source_id)
        GROUP BY o.figure HAVING count(DISTINCT s.series) > 1""").rows
    assert several == [("Indbyggertal 1. januar", 2)]
    continued = warehouse.query("SELECT figure, source_id, first_year, last_year, kind FROM vintage_parts "
                                "WHERE kind <> 'vintage'").rows
    assert continued == [("Indbyggertal 1. januar", "folk1am_population_by_municipality.csv", 2025, 2026,
                          "continuation")]
    assert warehouse.scalar("""SELECT count(*) FROM (SELECT figure, municipality_code, year FROM observations
                               GROUP BY ALL HAVING count(*) > 1)""") == 0


# -- cell status ------------------------------------------------------------------------------------
def test_status_counts_and_values(warehouse):
    counts = dict(warehouse.query("SELECT status, count(*) FROM observations GROUP BY status").rows)
    assert set(counts) == {"value", "zero", "missing", "undefined", "yes", "no"}
    assert all(n > 0 for n in counts.values())
    bad = warehouse.query("""SELECT status, count(*) FROM facts WHERE
            (status IN ('missing', 'undefined') AND value IS NOT NULL)
         OR (status = 'zero' AND value IS DISTINCT FROM 0)
         OR (status = 'yes' AND value IS DISTINCT FROM 1)
         OR (status = 'no' AND value IS DISTINCT FROM 0)
         OR (status = 'value' AND value IS NULL) GROUP BY status""").rows
    assert bad == []


def test_yes_no_only_for_the_one_figure(warehouse):
    figures = warehouse.query("SELECT DISTINCT figure FROM facts WHERE status IN ('yes', 'no')").rows
    assert figures == [(YES_NO,)]


def _raw_cells(data_dir: Path) -> tuple[list[int], list[tuple[int, list[str]]]]:
    with open(data_dir / "noegletal" / CSV_SOURCE, encoding="utf-8-sig") as fh:
        rows = list(enumerate(csv.reader(fh, delimiter=";"), start=1))
    header = next(cells for _, cells in rows if len(cells) > 1 and cells[1] == "Kom.nr")
    return [int(y) for y in header[2:] if y], rows


@pytest.mark.parametrize(("code", "status", "value"), [
    ("M", "missing", None), ("U", "undefined", None), ("-", "zero", 0.0), ("JA", "yes", 1.0),
    ("NEJ", "no", 0.0)])
def test_raw_cell_codes_land_with_the_right_status(warehouse, data_dir, code, status, value):
    """The first raw cell with each code in the CSV, found independently, is stored with its status."""
    years, rows = _raw_cells(data_dir)
    blocks = warehouse.query("SELECT source_line, figure FROM figures WHERE source_id = ? ORDER BY 1",
                             [CSV_SOURCE]).rows
    line, cells, idx = next((n, c, c.index(code, 2)) for n, c in rows
                            if len(c) > 2 and c[1].isdigit() and code in c[2:])
    figure = max((b for b in blocks if b[0] < line), key=lambda b: b[0])[1]
    stored = warehouse.query("SELECT value, status FROM facts WHERE source_id = ? AND figure = ? "
                             "AND municipality_code = ? AND year = ?",
                             [CSV_SOURCE, figure, int(cells[1]), years[idx - 2]]).rows
    assert stored == [(value, status)]


def test_no_missing_cell_is_zero(warehouse):
    assert warehouse.scalar("SELECT count(*) FROM facts WHERE status = 'missing' AND value = 0") == 0
    assert warehouse.scalar("SELECT count(*) FROM national_figures WHERE status = 'missing' "
                            "AND value IS NOT NULL") == 0


# -- weighting groups -------------------------------------------------------------------------------
def test_population_weighted_service_expenditure_reproduces_published_2023(warehouse):
    published = warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2023", [SERVICE])
    assert published == 48_506
    weighted, plain = warehouse.query("""
        SELECT sum(o.value * w.persons) / sum(w.persons), avg(o.value)
        FROM observations AS o JOIN population_groups AS w
          ON w.group_id = 'indbyggere' AND w.municipality_code = o.municipality_code AND w.year = o.year
        WHERE o.figure = ? AND o.year = 2023""", [SERVICE]).rows[0]
    assert abs(weighted - published) < 1
    assert abs(plain - published) > 1000


def test_population_groups_cover_all_98_each_year(warehouse):
    bad = warehouse.query("""SELECT group_id, year, count(*) FROM population_groups WHERE year >= 2007
                             GROUP BY ALL HAVING count(*) <> 98""").rows
    assert bad == []
    assert warehouse.scalar("SELECT count(*) FROM population_groups WHERE persons < 0") == 0


def test_age_share_groups_use_nearest_published_year(warehouse):
    """Shares end in 2019: later years reuse 2019's share and say so in basis_year."""
    basis = warehouse.query("SELECT DISTINCT basis_year FROM population_groups "
                            "WHERE group_id = '0-13' AND year = 2023").rows
    assert basis == [(2019,)]
    assert warehouse.scalar("SELECT count(*) FROM population_groups WHERE group_id = 'indbyggere' "
                            "AND basis_year <> year") == 0
