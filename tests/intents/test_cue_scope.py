"""The scope of rule cues: a rule that leaves room for other words ("hvilke … højeste") fires across them, but
takes only function words and cue words; every other word of the gap is for a place, the figure or the
accounting, never silently dropped. And a ranking by how much a figure changed is asked back, never answered
as a ranking of its level."""

from __future__ import annotations

import re

import pytest

from intents import cues
from intents.text import clean, fold, tokenize

# Words that no rule may swallow: rankings of an area the product has no figures for, or with a qualifier.
# The parser must not answer, and it must name the words (ask back about them, or say it does not know them).
NAMED = [
    ("Hvilke jyske kommuner har den højeste udskrivningsprocent i 2023?", ["jyske"]),
    ("Hvilke kommuner på Fyn har den laveste udskrivningsprocent i 2023?", ["Fyn"]),
    ("Hvilke fynske kommuner har den højeste grundskyldpromille?", ["fynske"]),
    ("Hvilke kommuner i Sønderjylland har den højeste udskrivningsprocent?", ["Sønderjylland"]),
    ("Hvilke kommuner i Nordsjælland har de laveste serviceudgifter pr. indbygger?", ["Nordsjælland"]),
    ("Hvilken kommune i Østjylland har flest indbyggere?", ["Østjylland"]),
    ("Hvilke kommuner i Vestsjælland har den højeste udskrivningsprocent?", ["Vestsjælland"]),
    ("Hvilke kommuner har om vinteren den højeste udskrivningsprocent?", ["om vinteren"]),
]


@pytest.mark.parametrize(("question", "words"), NAMED)
def test_words_in_a_rank_gap_are_named_not_dropped(parser, question, words):
    r = parser.parse(question)
    assert r.status != "spec" and r.spec is None, (question, r.spec)
    quoted = re.findall(r"»([^«]*)«", r.question or "")
    for word in words:
        assert any(word in q.split(" ") or word == q for q in quoted), (question, r.question)


# A change asked in a ranking: the compiler ranks the level of one year, so the parser asks back.
CHANGE = [
    "Hvilke kommuner har den største stigning i udskrivningsprocenten siden 2015?",
    "Hvilke 5 kommuner har øget serviceudgifterne mest fra 2019 til 2023?",
    "Hvilken kommune er vokset mest i indbyggertal de seneste 10 år?",
    "Hvilke kommuner har haft det største fald i indbyggertallet siden 2015?",
    "Hvor er grundskyldpromillen steget mest?",
    "Hvilke 3 kommuner har mindsket udgifterne til folkeskolen pr. elev mest?",
    "Hvilken region er vokset mest i indbyggertal?",
]


@pytest.mark.parametrize("question", CHANGE)
def test_ranking_by_change_asks_back(parser, question):
    r = parser.parse(question)
    assert r.status == "clarify" and r.spec is None, (question, r.spec)
    text = r.question or ""
    assert "kan endnu ikke rangere" in text and "ændret sig" in text, text
    assert not [s for s in r.steps if s.kind == "unused"], "the words of change were understood"
    # the ranking it can give is quoted as a complete question, and every option is one the user can send
    example = re.search(r"»([^«]+\?)«", text)
    assert example is not None, text
    assert parser.parse(example.group(1)).spec.operation == "rank", example.group(1)
    assert r.options
    for option in r.options:
        back = parser.parse(option)
        assert back.status == "spec", (option, back.question)
        assert back.spec.operation in {"trend", "rank"}, option


def test_ranking_by_change_keeps_the_years_and_the_figure(parser):
    r = parser.parse("Hvilke 5 kommuner har øget serviceudgifterne mest fra 2019 til 2023?")
    assert "serviceudgifterne pr. indbygger har ændret sig fra 2019 til 2023" in (r.question or "")
    assert "»Hvilke 5 kommuner har de højeste serviceudgifter pr. indbygger i 2023?«" in (r.question or "")
    specs = [parser.parse(o).spec for o in r.options]
    assert [s.operation for s in specs][:1] == ["rank"]  # the ranking it can give first, then the development
    (trend,) = [s for s in specs if s.operation == "trend"]
    assert trend.metric.id == "serviceudgifter_pr_indb"
    assert (trend.years.start, trend.years.end) == (2019, 2023)


# Ordinary rankings still rank: (question, figure, how many, order, region or None, year or None).
RANKS = [
    ("Hvilke 10 kommuner har den højeste grundskyldpromille?", "grundskyldpromille", 10, "desc", None, None),
    ("Hvem har flest indbyggere?", "indbyggertal", 1, "desc", None, None),
    ("Hvilken kommune har de laveste serviceudgifter pr. indbygger i 2023?", "serviceudgifter_pr_indb", 1, "asc",
     None, 2023),
    ("Hvilke kommuner i Region Nordjylland har den højeste udskrivningsprocent?", "udskrivningsprocent", 10,
     "desc", 1081, None),
    ("Hvilke kommuner i Region Syddanmark har den laveste udskrivningsprocent?", "udskrivningsprocent", 10, "asc",
     1083, None),
    ("Hvilke nordjyske kommuner har den højeste udskrivningsprocent?", "udskrivningsprocent", 10, "desc", 1081,
     None),
    ("Hvilke af de sjællandske kommuner har flest indbyggere?", "indbyggertal", 10, "desc", 1085, None),
    ("Hvilke fem kommuner har det laveste indbyggertal?", "indbyggertal", 5, "asc", None, None),
]


@pytest.mark.parametrize(("question", "metric", "n", "order", "region", "year"), RANKS)
def test_ordinary_rankings_still_rank(parser, question, metric, n, order, region, year):
    r = parser.parse(question)
    assert r.status == "spec", (question, r.question)
    spec = r.spec
    assert spec.operation == "rank" and spec.metric.id == metric, question
    assert (spec.rank_n, spec.rank_order, spec.rank_region) == (n, order, region), question
    assert spec.years.start == year, question


# Scope words that are mapped on purpose keep working.
SCOPES = [
    ("Udskrivningsprocenten i de sjællandske kommuner", "distribution", (), "none", 1085),
    ("Sammenlign udskrivningsprocenten i Odense med nabokommunerne", "compare", (461,), "neighbours", None),
    ("Hvordan har udskrivningsprocenten udviklet sig i Aarhus siden 2015?", "trend", (751,), "none", None),
    ("Er indbyggertallet i Odense vokset siden 2015?", "trend", (461,), "none", None),
]


@pytest.mark.parametrize(("question", "operation", "munis", "comparison", "region"), SCOPES)
def test_scope_words_keep_working(parser, question, operation, munis, comparison, region):
    r = parser.parse(question)
    assert r.status == "spec", (question, r.question)
    assert r.spec.operation == operation and r.spec.municipalities == munis, question
    assert r.spec.comparison.kind == comparison and r.spec.rank_region == region, question


# The rule itself: which words of a match it takes (table, kind, question, words it must leave free).
GAPS = [
    ("op", "rank", "Hvilke jyske kommuner har den højeste udskrivningsprocent", ["jyske"]),
    ("op", "rank", "Hvilke kommuner på Fyn har den laveste udskrivningsprocent", ["på", "Fyn"]),
    ("op", "rank", "Hvem i Sønderjylland har flest indbyggere", ["i", "Sønderjylland"]),
    ("op", "rank", "Hvad er skatten i de 5 fynske kommuner", ["fynske"]),
    ("op", "compare", "Ligger Aarhus' skat højt", ["Aarhus"]),
    ("op", "savings", "Hvad kunne Aarhus spare, hvis ældreudgifterne lå på landsgennemsnittet", ["ældreudgifterne"]),
    ("op", "definition", "Hvordan er grundskylden beregnet", ["grundskylden"]),
    ("cmp", "similar", "Hvilke kommuner ligner Silkeborg", ["Silkeborg"]),
]


@pytest.mark.parametrize(("table", "kind", "question", "free"), GAPS)
def test_a_gap_takes_only_function_and_cue_words(table, kind, question, free):
    toks = cues.split_compounds(tokenize(clean(question)))
    text = cues.shape(toks)
    found = {c.kind: c for c in cues.find(text, table)}
    assert kind in found, (question, text)  # the rule still fires across the gap
    taken = {toks[i].text for i in found[kind].token_ids}
    assert not taken & set(free), (question, taken)
    # what it takes is a function word, a cue word or a word of the rule itself
    assert taken and all(fold(w.casefold()) in text for w in taken)


def test_a_gap_still_takes_cue_words():
    text = cues.shape(tokenize(clean("Hvilke kommuner er vokset mest")))
    rank = {c.kind: c for c in cues.find(text, "op")}["rank"]
    assert rank.token_ids == {0, 1, 2, 3, 4}  # "vokset" is a cue word, "kommuner" and "er" function words
