"""The governed catalog: loads, covers the warehouse, and reports broken YAML with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from semantic_layer.loader import (
    FIGURES_SQL,
    CatalogError,
    Issue,
    load_catalog,
    parse_catalog,
    validate_against_warehouse,
)
from semantic_layer.model import POPULATION_GROUPS, Aggregation

# 182 from noegletal.dk (and AUP02/FOLK1A), 35 from Statistics Denmark: INDKP101, BIL707 (count and
# per 1,000), HFUDD11, REGK31 (25 functions), and the years of AUK01, STRAF11, LBESK69 (count and per 1,000);
# and the 6 quarterly figures those years are formed from
FIGURES = 182 + 35
QUARTERLY = 6

FIXTURES = Path(__file__).parent / "fixtures"


def _line(path: Path, text: str) -> int:
    """1-based line of the first line containing `text` (found in the fixture, not hard-coded)."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if text in line)


def test_catalog_loads(catalog):
    assert len(catalog.metrics) == FIGURES + QUARTERLY
    assert len({m.id for m in catalog.metrics}) == len(catalog.metrics)
    assert {m.theme for m in catalog.metrics} <= {t.id for t in catalog.themes}
    for metric in catalog.metrics:
        assert metric.file.endswith(".yaml") and metric.line > 0
        assert catalog.get(metric.id) is metric and catalog.by_label(metric.label) is metric


def test_catalog_has_no_warnings_either():
    catalog, issues = parse_catalog()
    assert catalog is not None
    assert issues == []


def test_every_warehouse_figure_has_an_entry(catalog, warehouse):
    figures = dict(warehouse.query(FIGURES_SQL).rows)
    assert len(figures) == FIGURES + QUARTERLY and list(figures.values()).count("quarter") == QUARTERLY
    assert validate_against_warehouse(catalog, figures) == []


def test_a_figure_of_the_wrong_frequency_is_reported(catalog, warehouse):
    figures = dict(warehouse.query(FIGURES_SQL).rows)
    label = "Anmeldte forbrydelser i alt, kvartal"
    (issue,) = validate_against_warehouse(catalog, figures | {label: "year"})
    assert label in issue.message and "quarter i kataloget" in issue.message


def test_validate_against_warehouse_reports_both_directions(catalog, warehouse):
    figures = [r[0] for r in warehouse.query(FIGURES_SQL).rows]
    dropped = "Udskrivningsprocent"
    issues = validate_against_warehouse(catalog, [f for f in figures if f != dropped] + ["Nyt nøgletal"])
    metric = catalog.by_label(dropped)
    assert Issue(metric.file, metric.line, f"nøgletallet {dropped!r} findes ikke i lageret") in issues
    assert any("Nyt nøgletal" in i.message for i in issues)
    assert len(issues) == 2


def test_weighting_is_consistent(catalog):
    for m in catalog.metrics:
        assert (m.aggregation == Aggregation.WEIGHTED) == (m.denominator_population is not None), m.id
        if m.denominator_population:
            assert m.denominator_population in POPULATION_GROUPS


def test_weight_groups_exist_in_the_warehouse(catalog, warehouse):
    groups = {r[0] for r in warehouse.query("SELECT DISTINCT group_id FROM population_groups").rows}
    needed = {m.denominator_population for m in catalog.metrics if m.denominator_population}
    assert needed <= groups, needed - groups


def test_ambiguous_terms_point_at_known_metrics(catalog):
    assert catalog.ambiguous
    for term in catalog.ambiguous:
        assert len(term.metrics) >= 2
        assert all(catalog.get(m) is not None for m in term.metrics), term.term
        assert term.default is None or term.default in term.metrics


def test_valid_fixture_loads():
    catalog, issues = parse_catalog(FIXTURES / "valid")
    assert issues == [] and catalog is not None
    assert [m.id for m in catalog.metrics] == ["alpha_pr_indb", "beta_pr_indb"]
    assert catalog.get("beta_pr_indb").line == _line(FIXTURES / "valid" / "test.yaml", "id: beta_pr_indb")


@pytest.mark.parametrize(("fixture", "file", "marker", "words"), [
    ("missing_definition", "test.yaml", "id: no_definition", ["no_definition", "definition"]),
    ("bad_unit", "test.yaml", "id: bad_unit", ["bad_unit", "unit"]),
    ("duplicate_id", "b.yaml", "id: alpha_pr_indb", ["alpha_pr_indb", "a.yaml:5"]),
    ("synonym_clash", "test.yaml", "id: alpha_pr_indb", ["fælles udgift", "alpha_pr_indb", "beta_pr_indb"]),
    ("ambiguous_unknown_metric", "ambiguous.yaml", "term: udgifterne", ["gamma_findes_ikke"]),
    ("weighted_without_population", "test.yaml", "id: no_weights", ["nævnerpopulation"]),
])
def test_broken_fixture_gives_one_issue_with_file_and_line(fixture, file, marker, words):
    directory = FIXTURES / fixture
    catalog, issues = parse_catalog(directory)
    assert catalog is None
    assert len(issues) == 1, [str(i) for i in issues]
    issue = issues[0]
    assert issue.blocking
    assert (issue.file, issue.line) == (file, _line(directory / file, marker))
    for word in words:
        assert word in issue.message, (word, issue.message)
    assert str(issue).startswith(f"{file}:{issue.line}: fejl: ")


def test_load_catalog_raises_with_all_issues():
    with pytest.raises(CatalogError) as err:
        load_catalog(FIXTURES / "bad_unit")
    assert "test.yaml:" in str(err.value)
    assert len(err.value.issues) == 1


def test_invalid_yaml_names_the_line(tmp_path):
    (tmp_path / "broken.yaml").write_text("theme:\n  id: x\n  label: [unclosed\nmetrics: []\n", encoding="utf-8")
    catalog, issues = parse_catalog(tmp_path)
    assert catalog is None
    assert issues[0].file == "broken.yaml" and issues[0].line > 0
    assert "ugyldig YAML" in issues[0].message


def test_empty_directory_is_an_issue(tmp_path):
    catalog, issues = parse_catalog(tmp_path)
    assert catalog is None and len(issues) == 1


QUARTERS_FILE = Path(__file__).parents[2] / "semantic_layer" / "catalog" / "dst_kvartal.yaml"


def test_quarterly_figures_link_their_annual_form(catalog):
    quarterly = [m for m in catalog.metrics if m.frequency == "quarter"]
    assert len(quarterly) == QUARTERLY
    for m in quarterly:
        quarters, annual = catalog.forms_of(m)
        assert quarters is m and catalog.forms_of(annual) == (m, annual) and catalog.quarterly_of(annual) is m
        assert annual.from_quarters == ("sum" if m.source == "dst_straf11" else "mean")  # a flow, else a stock
        assert (annual.unit, annual.aggregation, annual.denominator_population) == (
            m.unit, m.aggregation, m.denominator_population)
    assert catalog.forms_of(catalog.get("udskrivningsprocent")) is None


@pytest.mark.parametrize(("old", "new", "marker", "words"), [
    ("    annual_form: anmeldte_forbrydelser_aar\n", "", "id: anmeldte_forbrydelser_kvartal",
     ["anmeldte_forbrydelser_kvartal", "annual_form"]),
    ("    annual_form: anmeldte_forbrydelser_pr_1000_aar\n", "    annual_form: anmeldte_forbrydelser_aar\n",
     "id: anmeldte_forbrydelser_pr_1000_kvartal", ["anmeldte_forbrydelser_aar", "unit"]),
])
def test_a_broken_link_to_the_annual_form_names_the_quarterly_figure(tmp_path, old, new, marker, words):
    text = QUARTERS_FILE.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "dst_kvartal.yaml").write_text(text.replace(old, new), encoding="utf-8")
    catalog, issues = parse_catalog(tmp_path)
    assert catalog is None
    line = _line(tmp_path / "dst_kvartal.yaml", marker)
    assert any(i.line == line and all(w in i.message for w in words) for i in issues), [str(i) for i in issues]
