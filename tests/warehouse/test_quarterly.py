"""Quarterly tables (AUK01, STRAF11, LBESK69): quarters kept as quarters, years formed as stated."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

RECIPIENTS = "Kontanthjælpsmodtagere (nettoledige), kvartal"
RECIPIENTS_1000 = "Kontanthjælpsmodtagere (nettoledige) pr. 1.000 indb., kvartal"
RECIPIENTS_YEAR = "Kontanthjælpsmodtagere (nettoledige), gns. af 4 kvartaler"
OFFENCES = "Anmeldte forbrydelser i alt, kvartal"
OFFENCES_YEAR = "Anmeldte forbrydelser i alt, sum af 4 kvartaler"
OFFENCES_1000_YEAR = "Anmeldte forbrydelser pr. 1.000 indb., sum af 4 kvartaler"
EMPLOYEES = "Fuldtidsansatte (bopæl), kvartal"
EMPLOYEES_YEAR = "Fuldtidsansatte (bopæl), gns. af 4 kvartaler"


def _raw(data_dir: Path, name: str, area: str, area_column: str = "OMRÅDE") -> dict[str, float]:
    with open(data_dir / "dst" / name, encoding="utf-8-sig", newline="") as fh:
        return {r["TID"]: float(r["INDHOLD"]) for r in csv.DictReader(fh, delimiter=";") if r[area_column] == area}


def test_the_latest_quarter_is_kept_as_a_quarter(warehouse, data_dir):
    raw = _raw(data_dir, "auk01_social_assistance.csv", "Odense")
    latest = warehouse.query("SELECT year, quarter, value FROM quarterly_observations WHERE figure = ? "
                             "AND municipality_code = 461 ORDER BY year DESC, quarter DESC LIMIT 1", [RECIPIENTS]).rows
    assert latest == [(2025, 4, raw["2025Q4"])] and raw["2025Q4"] == 527
    assert warehouse.scalar("SELECT value FROM quarterly_national WHERE figure = ? AND year = 2025 AND quarter = 4",
                            [RECIPIENTS]) == _raw(data_dir, "auk01_social_assistance.csv", "All Denmark")["2025Q4"]


def test_quarters_cover_the_98_municipalities(warehouse):
    bad = warehouse.query("""SELECT figure, year, quarter, count(*) FROM quarterly_observations
                             GROUP BY ALL HAVING count(*) <> 98""").rows
    assert bad == []
    last = dict(warehouse.query("SELECT figure, max(year * 10 + quarter) FROM quarterly_observations "
                                "GROUP BY figure").rows)
    assert last[RECIPIENTS] == last[OFFENCES] == 20254 and last[EMPLOYEES] == 20253


def test_a_stock_year_is_the_mean_of_four_quarters(warehouse, data_dir):
    raw = _raw(data_dir, "auk01_social_assistance.csv", "Odense")
    mean = sum(raw[f"2024Q{q}"] for q in range(1, 5)) / 4
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 461 "
                            "AND year = 2024", [RECIPIENTS_YEAR]) == pytest.approx(mean) == 482.75


def test_a_flow_year_is_the_sum_of_four_quarters(warehouse, data_dir):
    raw = _raw(data_dir, "straf11_crime_by_municipality.csv", "Odense")
    total = sum(raw[f"2024Q{q}"] for q in range(1, 5))
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 461 "
                            "AND year = 2024", [OFFENCES_YEAR]) == total
    population = warehouse.scalar("SELECT population FROM population WHERE municipality_code = 461 AND year = 2024")
    assert warehouse.scalar("SELECT value FROM observations WHERE figure = ? AND municipality_code = 461 "
                            "AND year = 2024", [OFFENCES_1000_YEAR]) == pytest.approx(total * 1000 / population)
    national = sum(_raw(data_dir, "straf11_crime_by_municipality.csv", "All Denmark")[f"2024Q{q}"] for q in range(1, 5))
    assert warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2024", [OFFENCES_YEAR]) == national


def test_a_year_with_a_missing_quarter_has_no_value(warehouse):
    """LBESK69 ends with 2025Q3: 2025 has no annual value, while its three quarters are there."""
    assert warehouse.scalar("SELECT max(year) FROM observations WHERE figure = ?", [EMPLOYEES_YEAR]) == 2024
    assert warehouse.scalar("SELECT count(*) FROM national WHERE figure = ? AND year = 2025", [EMPLOYEES_YEAR]) == 0
    assert warehouse.scalar("SELECT count(DISTINCT quarter) FROM quarterly_observations WHERE figure = ? "
                            "AND year = 2025", [EMPLOYEES]) == 3


def test_quarterly_rates_use_the_population_1_january_of_the_year(warehouse):
    rows = warehouse.query("""
        SELECT r.value, c.value, p.population FROM quarterly_observations AS r
        JOIN quarterly_observations AS c ON c.figure = ? AND c.municipality_code = r.municipality_code
          AND c.year = r.year AND c.quarter = r.quarter
        JOIN population AS p ON p.municipality_code = r.municipality_code AND p.year = r.year
        WHERE r.figure = ? AND r.municipality_code = 461 AND r.year = 2025""", [RECIPIENTS, RECIPIENTS_1000]).rows
    assert len(rows) == 4
    for rate, count, population in rows:
        assert rate == pytest.approx(count * 1000 / population)


def test_quarterly_figures_are_not_annual_vintages(warehouse):
    quarterly = {r[0] for r in warehouse.query("SELECT figure FROM figures WHERE frequency = 'quarter'").rows}
    assert len(quarterly) == 6 and RECIPIENTS in quarterly
    assert warehouse.scalar("SELECT count(*) FROM current_vintage WHERE figure IN (SELECT figure FROM figures "
                            "WHERE frequency = 'quarter')") == 0
    assert warehouse.scalar("SELECT count(*) FROM observations WHERE figure LIKE '%, kvartal'") == 0
