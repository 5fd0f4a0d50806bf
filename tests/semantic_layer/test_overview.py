"""The overview: which figures headline each theme (catalog/overview.yaml, validated at load), and the one statement
that picks each theme's most recent ones and compares them with the neighbours and the country — checked against
hand-written SQL on the real warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlglot import exp

from semantic_layer.compiler import Compiler
from semantic_layer.guard import guard
from semantic_layer.loader import CATALOG_DIR, OVERVIEW_FILE, parse_catalog
from semantic_layer.model import Frequency
from semantic_layer.overview import RECENT_YEARS, overview_theme
from semantic_layer.spec import MetricRef, QuerySpec

VEJLE, KERTEMINDE, LAESOE = 630, 440, 825


# -- the catalog's declaration -----------------------------------------------------------------------------------
def test_every_overview_theme_has_known_yearly_figures(catalog):
    assert len(catalog.overview) >= 10
    themes = {t.id for t in catalog.themes}
    for entry in catalog.overview:
        assert entry.theme in themes and entry.file == OVERVIEW_FILE and entry.line > 0
        for metric_id in entry.metrics:
            metric = catalog.get(metric_id)
            assert metric is not None and metric.frequency == Frequency.YEAR
            assert overview_theme(metric) == entry.theme
    candidates = catalog.overview_candidates()
    assert len({m.id for m in candidates}) == len(candidates)  # each figure headlines one theme
    # Statistics Denmark's newer figures headline themes; a REGK31 function keeps its own theme and definition
    regk = catalog.get("regk_pleje_omsorg")
    assert regk.overview_theme == "aeldre" and regk.theme == "udgifter_funktion"
    assert regk.denominator_population == "indbyggere" != catalog.get("udg_aeldre_pr_67plus").denominator_population


def _broken(tmp_path: Path, old: str, new: str, file: str = OVERVIEW_FILE) -> list:
    directory = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, directory)
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    catalog, issues = parse_catalog(directory)
    assert catalog is None
    return [i for i in issues if i.blocking]


@pytest.mark.parametrize(("old", "new", "words"), [
    ("metrics: [indbyggertal]", "metrics: [indbyggertal, findes_ikke]", "ukendt nøgletal 'findes_ikke'"),
    ("- theme: befolkning", "- theme: ukendt_tema", "ukendt tema 'ukendt_tema'"),
    ("metrics: [indbyggertal]", "metrics: [indbyggertal, kontanthjaelpsmodtagere_kvartal]", "kvartalstal"),
    ("metrics: [indbyggertal]", "metrics: [indbyggertal, udskrivningsprocent]", "både under"),
    ("- theme: finansiering_gaeld", "- theme: befolkning", "to gange"),
    ("metrics: [indbyggertal]", "metrics: []", "ugyldigt tema i overblikket"),
])
def test_a_broken_overview_names_file_and_line(tmp_path, old, new, words):
    issues = _broken(tmp_path, old, new)
    assert any(words in i.message and i.file == OVERVIEW_FILE and i.line > 0 for i in issues), issues


def test_the_overview_theme_is_not_set_on_a_figure(tmp_path):
    issues = _broken(tmp_path, "  - id: indbyggertal\n", "  - id: indbyggertal\n    overview_theme: befolkning\n",
                     "befolkning.yaml")
    assert any("overview_theme" in i.message and i.file == "befolkning.yaml" for i in issues), issues


# -- the statement -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def full_compiler(catalog, warehouse):
    """As the assistant builds it: it knows which national figures are published."""
    published = frozenset(r[0] for r in warehouse.query(
        "SELECT DISTINCT figure FROM national WHERE value IS NOT NULL").rows)
    return Compiler(catalog, published, row_cap=5000)


def overview(compiler, warehouse, code: int) -> list[dict]:
    candidates = compiler.catalog.overview_candidates()
    spec = QuerySpec(operation="overview", metrics=tuple(MetricRef(id=m.id) for m in candidates),
                     municipalities=(code,))
    return warehouse.query(guard(compiler.compile(spec).sql, 5000)).dicts()


def latest_years(warehouse, code: int, labels: list[str]) -> dict[str, int]:
    """Each figure's latest year with a value for the municipality, by hand."""
    marks = ", ".join("?" for _ in labels)
    return dict(warehouse.query(f"SELECT figure, max(year) FROM observations WHERE municipality_code = ? AND "
                                f"value IS NOT NULL AND figure IN ({marks}) GROUP BY figure", [code, *labels]).rows)


@pytest.mark.parametrize("code", [VEJLE, KERTEMINDE, LAESOE])
def test_each_theme_shows_its_most_recent_figures(full_compiler, warehouse, code):
    catalog = full_compiler.catalog
    rows = overview(full_compiler, warehouse, code)
    shown = {r["metric_id"]: r["year"] for r in rows if r["role"] == "subject"}
    latest = latest_years(warehouse, code, [m.label for m in catalog.overview_candidates()])
    for entry in catalog.overview:
        years = {i: latest[catalog.get(i).label] for i in entry.metrics if catalog.get(i).label in latest}
        if not years:
            continue
        newest = max(years.values())
        expected = {i for i, y in years.items() if y >= newest - RECENT_YEARS}
        assert {i for i in shown if i in entry.metrics} == expected, entry.theme
        for metric_id in expected:  # each figure at its own latest year for the municipality
            assert shown[metric_id] == years[metric_id]
    assert len(shown) >= 15


def test_vejle_gets_statistics_denmarks_recent_figures(full_compiler, warehouse):
    rows = overview(full_compiler, warehouse, VEJLE)
    shown = {r["metric_id"]: r["year"] for r in rows if r["role"] == "subject"}
    # where a theme has a figure with data for 2024 or later, the overview shows one (and not the 2019 figure)
    assert shown["regk_pleje_omsorg"] >= 2024 and "udg_aeldre_pr_67plus" not in shown
    assert shown["regk_folkeskoler"] >= 2024 and "udg_folkeskolen_pr_elev" not in shown
    assert shown["indbyggertal"] == 2026 and shown["personbiler_pr_1000"] == 2026
    assert shown["kontanthjaelpsmodtagere_pr_1000_aarsgns"] == 2025
    assert shown["disponibel_indkomst_pr_person"] == 2024
    assert "fuldtidsledige_pr_100_17_64" not in shown  # 2017 beside the 2024 socio-economic index and unemployment
    # no newer figure covers debt: the 2019 figure stays
    assert shown["langfristet_gaeld_pr_indb"] == 2019
    # every row carries its figure's year; the neighbours and the country are of the same year as the subject
    for r in rows:
        assert r["year"] == shown[r["metric_id"]], r


def test_neighbours_and_country_by_hand(full_compiler, warehouse):
    rows = overview(full_compiler, warehouse, VEJLE)
    neighbours = sorted(r[0] for r in warehouse.query(
        "SELECT neighbour_code FROM neighbours WHERE municipality_code = 630").rows)

    def pick(metric_id: str, role: str) -> list[dict]:
        return [r for r in rows if r["metric_id"] == metric_id and r["role"] == role]

    label = "5.30.27 Pleje og omsorg m.v. af primært ældre undtaget frit valg af leverandør (netto, kr. pr. indb.)"
    members = pick("regk_pleje_omsorg", "member")
    assert sorted(r["municipality_code"] for r in members) == neighbours
    (group,) = pick("regk_pleje_omsorg", "group")
    marks = ", ".join("?" for _ in neighbours)
    by_hand = warehouse.scalar(f"""
        SELECT sum(o.value * w.persons) / sum(w.persons) FROM observations AS o JOIN population_groups AS w
          ON w.group_id = 'indbyggere' AND w.municipality_code = o.municipality_code AND w.year = o.year
        WHERE o.figure = ? AND o.year = 2024 AND o.municipality_code IN ({marks})""", [label, *neighbours])
    assert group["value"] == pytest.approx(by_hand, rel=1e-9) and group["n_members"] == len(neighbours)
    (national,) = pick("regk_pleje_omsorg", "national")
    assert national["value"] == warehouse.scalar("SELECT value FROM national WHERE figure = ? AND year = 2024", [label])
    # no national population is published: summed over the 98, and said to be computed
    (country,) = pick("indbyggertal", "national")
    assert (country["status"], country["n_values"]) == ("computed", 98)
    assert country["value"] == warehouse.scalar(
        "SELECT sum(value) FROM observations WHERE figure = 'Indbyggertal 1. januar' AND year = 2026")
    (unemployed,) = pick("registrerede_ledige_pct", "national")
    assert unemployed["value"] == pytest.approx(warehouse.scalar(
        "SELECT avg(value) FROM observations WHERE figure = 'Registrerede ledige i pct. af arbejdsstyrken' "
        "AND year = 2024"))


def test_one_statement_with_few_passes(full_compiler, catalog):
    spec = QuerySpec(operation="overview", metrics=tuple(MetricRef(id=m.id) for m in catalog.overview_candidates()),
                     municipalities=(VEJLE,))
    tree = full_compiler.compile(spec).expression
    assert isinstance(tree, exp.Select)
    assert [c.alias for c in tree.find_all(exp.CTE)] == ["own", "chosen", "cells"]
    # one joined table of the candidates' facts (label, id, theme): no CASE over the labels, no IN list of them
    (facts,) = tree.find_all(exp.Values)
    assert [c.name for c in facts.args["alias"].columns] == ["figure", "metric_id", "theme"]
    assert len(facts.expressions) == len(catalog.overview_candidates())
    # the latest years come from the derived latest_cells (a subset of observations): observations is not scanned
    assert not [t for t in tree.find_all(exp.Table) if t.name == "observations"]
    assert sum(1 for t in tree.find_all(exp.Table) if t.name == "latest_cells") <= 3
