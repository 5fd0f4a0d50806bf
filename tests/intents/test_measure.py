"""How a question says its number is measured — a count, a total, a denominator, gross or net, those without —
checked against the figure chosen for it (intents/measure.py). Table: measure_cases.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intents.measure import claims
from intents.text import clean, tokenize

CASES = yaml.safe_load((Path(__file__).parent / "measure_cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["ask"], ids=lambda c: c["q"])
def test_a_figure_measured_otherwise_is_asked_about(parser, case):
    r = parser.parse(case["q"])
    assert r.status == "clarify" and r.spec is None, (r.status, r.spec)
    if "said" in case:  # the user's own words, quoted
        assert f"»{case['said']}«" in (r.question or ""), r.question
    assert any(case["option"] in o for o in r.options), r.options
    for option in r.options:  # every option is a question that is answered as it stands
        back = parser.parse(option)
        assert back.status == "spec", (option, back.question)


@pytest.mark.parametrize("case", CASES["answer"], ids=lambda c: c["q"])
def test_a_figure_measured_as_asked_is_answered(parser, case):
    r = parser.parse(case["q"])
    if case["metric"] is None:
        assert r.status != "spec", r.spec
        return
    assert r.status == "spec" and r.spec.metric.id == case["metric"], (r.status, r.spec, r.question)


@pytest.mark.parametrize(("question", "kinds"), [
    ("Hvor mange indbrud var der i Gentofte?", ["count"]),
    ("Hvor mange penge bruger Aarhus på folkeskolen?", ["money"]),
    ("Hvor mange procent af de 25-64-årige har en videregående uddannelse?", []),
    ("Hvor mange personbiler pr. 1.000 indbyggere er der i Gentofte?", ["per"]),
    ("Hvad er de samlede udgifter i alt?", ["total", "total"]),
    ("Hvad er personaleforbruget i alt pr. 1.000 indbyggere?", ["per"]),
    ("Hvad koster en vuggestueplads pr. måned?", []),
    ("Hvad var gælden pr. 1. januar 2019?", []),
    ("Gennemsnittet pr. region af udskrivningsprocenten", []),
    ("Hvad var bruttoudgiften til dagtilbud?", ["gross"]),
    ("Hvad er nettodriftsudgifterne pr. indbygger?", ["per", "net"]),
    ("Hvor mange elever er der i en klasse?", []),
    ("Hvor stor en andel er ikke ejerboliger?", ["negated"]),
    ("Hvad er nettoudgiften pr. indbygger (ikke pr. barn)?", ["per", "net"]),
])
def test_claims_read_from_the_words(question, kinds):
    assert sorted(c.kind for c in claims(tokenize(clean(question)))) == sorted(kinds)


def test_the_users_spelling_is_quoted():
    q = clean("Hvad bruger Faxe på dagpenge pr. ledig?")
    (claim,) = claims(tokenize(q))
    assert claim.said(q) == "pr. ledig"
