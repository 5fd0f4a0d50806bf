"""Questions about all five regions: the questions phrases.question renders for a regions spec parse back to it,
and every word of a regions question is accounted for (no "Jeg forstod ikke …")."""

from __future__ import annotations

import pytest

from semantic_layer import phrases
from semantic_layer.spec import Comparison, MetricRef, QuerySpec, Years

REGIONS = Comparison(kind="regions")
FIGURES = ("udskrivningsprocent", "serviceudgifter_pr_indb", "indbyggertal", "grundskyldpromille",
           "udg_folkeskolen_pr_elev")
SHAPES = [
    dict(operation="compare"), dict(operation="compare", years=Years.single(2019)),
    dict(operation="trend", years=Years.between(2015, None)), dict(operation="rank", rank_n=1),
    dict(operation="rank", rank_n=1, rank_order="asc"), dict(operation="rank", rank_n=5),
    dict(operation="rank", rank_n=5, rank_order="asc", years=Years.single(2018)),
]


@pytest.mark.parametrize("metric", FIGURES)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "-".join(str(v) for v in s.values()))
def test_rendered_regions_questions_parse_back(parser, catalog, metric, shape):
    spec = QuerySpec(metrics=(MetricRef(id=metric),), comparison=REGIONS, **shape)
    question = phrases.question(spec, catalog, parser.names)
    result = parser.parse(question)
    assert result.status == "spec", (question, result.question)
    got = result.spec
    assert got.comparison.kind == "regions" and not got.municipalities, question
    assert got.operation == spec.operation and got.metric == spec.metric and got.years == spec.years, question
    if spec.operation == "rank":
        assert (got.rank_n, got.rank_order) == (spec.rank_n, spec.rank_order), question


@pytest.mark.parametrize("question", [
    "Sammenlign regionerne på serviceudgifterne", "Hvad er gennemsnittet i hver region for udskrivningsprocenten?",
    "Hvilken region har de højeste udgifter til folkeskolen pr. elev?", "Ranger regionerne efter indbyggertal",
    "Udskrivningsprocenten i de fem regioner", "Hvordan har serviceudgifterne udviklet sig i regionerne siden 2015?",
    "Grundskyldspromillen region for region", "Serviceudgifter pr. indbygger regionsvis",
    "Hvad er udskrivningsprocenten i hver enkelt region?", "Sammenlign alle fem regioner på indbyggertallet",
])
def test_every_word_of_a_regions_question_is_accounted_for(parser, question):
    result = parser.parse(question)
    assert result.status == "spec", result.question
    assert result.spec.comparison.kind == "regions"
    assert not [s for s in result.steps if s.kind == "unused"]
    assert any(s.kind == "comparison" and s.meaning == "alle fem regioner" for s in result.steps)
