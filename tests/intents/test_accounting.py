"""Accounting of words: no answer while a word of the question went unused; ask-backs parse back; the
parser itself is fuzzed directly (no catch-all turns a parser bug into a plausible refusal)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents.accounting import FUNCTION_WORDS, leftovers
from intents.text import clean, tokenize

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))["cases"]
CLARIFY = [c["q"] for c in CASES if c["expect"].get("status") == "clarify" and "context" not in c]

WORDS = ["udskrivningsprocenten", "serviceudgifter", "pr.", "indbygger", "ældre", "over", "80", "65+",
         "børn", "kvinder", "i", "Aarhus", "Fredensborgs", "Region", "Nordjylland", "regionen", "og", "Xyzby",
         "sammenlign", "med", "nabokommunerne", "siden", "2015", "kort", "top", "5", "laveste", "hvad", "er",
         "dagtilbud", "0-13-årig", "brutto", "netto", "andel", "antal", "Malmö", "'", ";", "?", "hvor", "mange",
         "befolkningsudviklingen", "ligner", "What", "is", "the", "tax", "mellem", "0", "og", "2", "år", "km²"]


def test_unused_words_are_named_never_dropped(parser):
    r = parser.parse("Hvad er serviceudgifterne pr. indbygger i Odense om vinteren?")
    assert r.status == "clarify" and r.spec is None
    assert [s.words for s in r.steps if s.kind == "unused"] == ["om vinteren"]
    assert "»om vinteren«" in (r.question or "")


def test_answer_has_no_unused_steps(parser):
    r = parser.parse("Hvor mange indbyggere over 80 har Sønderborg i 2022?")
    assert r.status == "spec" and not [s for s in r.steps if s.kind == "unused"]


def test_leftovers_group_the_users_phrase(parser):
    toks = tokenize(clean("Hvad er udskrivningsprocenten for enlige kvinder i Aarhus?"))
    used = {2, 7}  # the figure and the place
    assert [lo.words for lo in leftovers(toks, used, parser.lex)] == ["for enlige kvinder"]


def test_function_words_name_no_figure(parser, catalog):
    """A function word may never be the whole name of a figure: then dropping it would drop the figure."""
    names = {t.fold for m in catalog.metrics for text in (m.short_name, *m.synonyms)
             for t in [tokenize(text)] if len(t) == 1 for t in t}
    assert not names & FUNCTION_WORDS


@pytest.mark.parametrize("question", CLARIFY)
def test_every_option_parses_back_to_an_answer(parser, question):
    r = parser.parse(question)
    assert r.status == "clarify"
    for option in r.options:
        back = parser.parse(option)
        assert back.status == "spec", f"{option!r} -> {back.status}: {back.question}"


def test_option_of_a_figure_ask_back_is_that_figure(parser):
    r = parser.parse("Hvor mange ældre bor der i Lolland?")
    assert r.status == "clarify"
    figures = {parser.parse(o).spec.metric.id for o in r.options}  # type: ignore[union-attr]
    assert figures == {"antal_80plus", "andel_65plus", "andel_67plus"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), min_size=1, max_size=14),
       st.booleans())
def test_parse_never_raises_and_answers_only_when_every_word_is_used(parser, words, follow):
    context = parser.parse("Hvad er udskrivningsprocenten i Odense i 2020?").spec if follow else None
    r = parser.parse(" ".join(words), context)
    assert r.status in {"spec", "clarify", "refuse"}
    if r.status == "spec":
        assert r.spec is not None and not [s for s in r.steps if s.kind == "unused"]
    else:
        assert r.spec is None and r.question


def _family(metric_id: str) -> str:
    from semantic_layer.loader import load_catalog

    m = load_catalog().get(metric_id)
    return (m.annual_form or m.id) if m is not None else metric_id


def _ambiguous_terms():  # type: ignore[no-untyped-def]
    from semantic_layer.loader import load_catalog

    return [(a.term, a.metrics) for a in load_catalog().ambiguous]


@pytest.mark.parametrize(("term", "metrics"), _ambiguous_terms())
def test_every_option_of_an_ambiguous_term_is_its_own_figure(parser, term, metrics):
    """Each option of an ask-back parses back to exactly one of the term's figures, no two to the same."""
    r = parser.parse(f"Hvad er {term} i Odense?")
    if r.status == "spec":  # the question's own words (or a declared default) already decided
        assert r.spec is not None and r.spec.metric is not None and r.spec.metric.id in metrics
        return
    assert r.status == "clarify" and r.options, (term, r.question)
    back = [parser.parse(o) for o in r.options]
    assert all(b.status == "spec" and b.spec is not None for b in back), [(o, b.question) for o, b in
                                                                          zip(r.options, back, strict=True)]
    # a quarterly figure and its annual form are one figure (the option's period picks the form): compare families
    ids = [_family(b.spec.metric.id) for b in back]  # type: ignore[union-attr]
    assert len(set(ids)) == len(ids), list(zip(r.options, ids, strict=True))
    assert set(ids) <= set(metrics), list(zip(r.options, ids, strict=True))
