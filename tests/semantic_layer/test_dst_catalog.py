"""The catalog entries for Statistics Denmark's figures: governed like the others, with the table as source."""

from __future__ import annotations

import re

import pytest

from semantic_layer.loader import load_catalog
from semantic_layer.model import SOURCES, Aggregation, Unit

NEW_FILES = ("dst_levevilkaar.yaml", "regk31.yaml", "dst_kvartal.yaml")
NEW = [m for m in load_catalog().metrics if m.file in NEW_FILES]
TABLE = {"dst_indkp101": "INDKP101", "dst_bil707": "BIL707", "dst_hfudd11": "HFUDD11", "dst_regk31": "REGK31",
         "dst_auk01": "AUK01", "dst_straf11": "STRAF11", "dst_lbesk69": "LBESK69"}


def test_the_new_figures_are_there():
    assert len(NEW) == 4 + 25 + 6 + 6  # the last 6: the quarters the 6 years of AUK01, STRAF11, LBESK69 are made of
    assert sum(m.source == "dst_regk31" for m in NEW) == 25
    assert sum(m.frequency == "quarter" for m in NEW) == 6


@pytest.mark.parametrize("metric", NEW, ids=lambda m: m.id)
def test_source_is_statistics_denmark_with_the_table(metric, warehouse):
    table = TABLE[metric.source]
    assert SOURCES[metric.source].startswith("Danmarks Statistik, " + table)
    assert metric.source_url == f"https://www.statistikbanken.dk/{table}"
    assert f"statistikbanken.dk/{table}" in metric.definition  # the definition cites where it comes from
    cells = "quarterly_observations" if metric.frequency == "quarter" else "observations"
    assert warehouse.scalar(f"SELECT count(*) FROM {cells} WHERE figure = ? AND value IS NOT NULL",
                            [metric.label]) > 0


@pytest.mark.parametrize("metric", NEW, ids=lambda m: m.id)
def test_averaging_is_stated(metric):
    if metric.unit == Unit.COUNT:
        assert metric.aggregation == Aggregation.SUM
    elif metric.id == "andel_15_69_videregaaende_uddannelse":
        assert (metric.aggregation, metric.denominator_population) == (Aggregation.WEIGHTED, "15-69")
    else:  # per inhabitant (kr. pr. indbygger, pr. 1.000 indbyggere, pr. person): weighted by the population
        assert (metric.aggregation, metric.denominator_population) == (Aggregation.WEIGHTED, "indbyggere")
    assert metric.polarity.value in {"neutral", "higher_is_better", "lower_is_better"}


@pytest.mark.parametrize("metric", [m for m in NEW if m.source == "dst_regk31"], ids=lambda m: m.id)
def test_regk31_figures_are_named_as_municipalities_name_them(metric):
    function = re.match(r"^(\d\.\d\d\.\d\d) ", metric.label)
    assert function, metric.label
    assert metric.label.endswith(" (netto, kr. pr. indb.)")
    assert metric.short_name.endswith("pr. indbygger") and "udgifter til " in metric.short_name
    assert metric.unit == Unit.KR and metric.decimals == 0
    assert f"funktion {function.group(1)}" in metric.definition and "løbende priser" in metric.definition


def test_home_care_is_apart_from_elderly_per_67_plus():
    catalog = load_catalog()
    home, elderly = catalog.get("regk_hjemmepleje"), catalog.get("udg_aeldre_pr_67plus")
    assert home is not None and elderly is not None
    assert home.short_name == "udgifter til hjemmepleje pr. indbygger"
    assert (home.denominator_population, elderly.denominator_population) == ("indbyggere", "67+")
    assert "67+" in home.definition  # the card says the difference
    assert [b.year for b in home.breaks] == [2018]


@pytest.mark.parametrize("metric", [m for m in NEW if m.from_quarters], ids=lambda m: m.id)
def test_years_of_quarterly_tables_say_how_the_year_is_formed(metric):
    how = "sum af 4 kvartaler" if metric.source == "dst_straf11" else "gns. af 4 kvartaler"
    assert metric.label.endswith(how)
    assert ("lagt sammen over årets fire kvartaler" if metric.source == "dst_straf11" and metric.unit == Unit.COUNT
            else "fire kvartaler") in metric.definition


@pytest.mark.parametrize("metric", [m for m in NEW if m.frequency == "quarter"], ids=lambda m: m.id)
def test_quarters_are_named_as_quarters(metric):
    assert metric.label.endswith(", kvartal") and metric.short_name.endswith("i kvartalet")
    how = "summen" if metric.source == "dst_straf11" else "gennemsnittet"
    assert f"Et år er {how} af de fire kvartaler" in metric.definition
