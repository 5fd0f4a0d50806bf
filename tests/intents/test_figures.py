"""Every catalog figure can be asked for by its short name (or is offered when the name is ambiguous)."""

from __future__ import annotations

import re

import pytest

from semantic_layer.loader import load_catalog, normalize_term

CATALOG = load_catalog()
AMBIGUOUS = {normalize_term(a.term) for a in CATALOG.ambiguous}


@pytest.mark.parametrize("metric", CATALOG.metrics, ids=lambda m: m.id)
def test_short_name(parser, catalog, metric):
    dated = bool(re.search(r"\b(19|20)\d\d\b", metric.short_name))  # "(til 2012)": the name holds a year
    result = parser.parse(f"Hvad er {metric.short_name} i Odense{'' if dated else ' i 2018'}?")
    if result.status == "spec":
        assert result.spec.metric.id == metric.id, result.steps
        assert result.spec.municipalities == (461,)
        if not dated:
            assert result.spec.years.start == 2018
    else:
        assert result.status == "clarify", result.question
        assert any(metric.short_name in o for o in result.options), (result.question, result.options)
        assert normalize_term(metric.short_name) in AMBIGUOUS or len(result.options) > 1


@pytest.mark.parametrize("metric", CATALOG.metrics, ids=lambda m: m.id)
def test_label(parser, catalog, metric):
    """The official label, with its abbreviations, finds the figure too."""
    result = parser.parse(f"{metric.label} i Aalborg 2019")
    assert result.status in {"spec", "clarify"}
    if result.status == "spec":
        assert result.spec.metric.id == metric.id, result.steps
    else:
        assert any(metric.short_name in o for o in result.options), (result.question, result.options)
