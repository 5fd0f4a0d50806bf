""""For N år siden": the calendar year N years before this one, read as if the question had named it.

The current year is pinned (THIS_YEAR) by replacing `timeexpr.current_year`, so the tests do not age.
"""

from __future__ import annotations

import datetime

import pytest

from intents import cues, timeexpr
from intents.text import tokenize
from intents.timeexpr import find_years
from semantic_layer.spec import Years

THIS_YEAR = 2026
REAL_CURRENT_YEAR = timeexpr.current_year


@pytest.fixture(autouse=True)
def pinned_year(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timeexpr, "current_year", lambda: THIS_YEAR)


def hit(text: str, this_year: int | None = None) -> timeexpr.TimeHit | None:
    return find_years(cues.split_compounds(tokenize(text)), this_year)


# -- timeexpr: one phrase, one year --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "year"), [
    ("for fem år siden", 2021),
    ("for 5 år siden", 2021),
    ("for et år siden", 2025),
    ("for ét år siden", 2025),
    ("for 1 år siden", 2025),
    ("for to år siden", 2024),
    ("for ti år siden", 2016),
    ("for 10 år siden", 2016),
    ("for tolv år siden", 2014),
    ("for femten år siden", 2011),
    ("for atten år siden", 2008),
    ("for tyve år siden", 2006),
    ("for femogtyve år siden", 2001),
    ("For Fem År Siden", 2021),
    ("hvad var det for fem år siden?", 2021),
])
def test_years_ago_is_one_year(text: str, year: int) -> None:
    h = hit(text)
    assert h is not None
    assert h.years == Years.single(year)
    assert h.relative is None  # counted from today, not from the conversation's year
    assert str(year) in h.meaning and str(THIS_YEAR) in h.meaning  # the answer says what was counted from
    assert "siden" in h.words.casefold()


@pytest.mark.parametrize(("this_year", "text", "year"), [
    (2030, "for fem år siden", 2025),
    (2024, "for ti år siden", 2014),
    (2026, "for 3 år siden", 2023),
])
def test_the_current_year_can_be_given(this_year: int, text: str, year: int) -> None:
    h = hit(text, this_year)
    assert h is not None and h.years == Years.single(year)


def test_current_year_defaults_to_today() -> None:
    assert REAL_CURRENT_YEAR() == datetime.date.today().year


@pytest.mark.parametrize(("text", "years"), [
    ("for et par år siden", None),  # vague: no year; "par" is left for the parser to ask about
    ("for nogle år siden", None),
    ("for mange år siden", None),
    ("for 0 år siden", None),
    ("siden 2019", Years.between(2019, None)),  # "siden" alone is still "since"
    ("i de fem år siden 2019", Years.between(2019, None)),
    ("de sidste fem år", Years(kind="last_n", last_n=5)),
])
def test_no_year_counted_back(text: str, years: Years | None) -> None:
    h = hit(text)
    assert (h.years if h else None) == years
    assert h is None or "år før" not in h.meaning


# -- timeexpr: beside other words of time, each year accounted for once --------------------------------------

@pytest.mark.parametrize(("text", "years", "words"), [
    # the same year said twice: one year
    ("i 2021 for fem år siden", Years.single(2021), "2021 for fem år siden"),
    ("i 2021, altså for fem år siden", Years.single(2021), "2021 for fem år siden"),
    # a range with a year counted back at one end
    ("fra for ti år siden til 2024", Years.between(2016, 2024), "fra for ti år siden til 2024"),
    ("fra 2010 til for fem år siden", Years.between(2010, 2021), "fra 2010 til for fem år siden"),
    ("siden for ti år siden", Years.between(2016, None), "siden for ti år siden"),
    ("fra for ti år siden til i dag", Years.between(2016, None), "fra for ti år siden"),
    # two years: the years between them, as "2019 og 2021"
    ("for ti år siden og for fem år siden", Years.between(2016, 2021), "for ti år siden og for fem år siden"),
    ("i 2019 og for fem år siden", Years.between(2019, 2021), "2019 og for fem år siden"),
    # today beside a year counted back: from that year to the latest data
    ("i dag sammenlignet med for ti år siden", Years.between(2016, None), "i dag for ti år siden"),
    ("nu og for fem år siden", Years.between(2021, None), "nu for fem år siden"),
    # a quarter of the year counted back
    ("3. kvartal for fem år siden", Years.single(2021, 3), "3 kvartal for fem år siden"),
    ("for fem år siden i 3. kvartal", Years.single(2021, 3), "for fem år siden 3 kvartal"),
    # "året før" counts from the year the question names
    ("for fem år siden og året før", Years.between(2020, 2021), "for fem år siden året før"),
])
def test_years_ago_with_other_time_words(text: str, years: Years, words: str) -> None:
    h = hit(text)
    assert h is not None
    assert h.years == years
    assert h.words == words
    assert h.relative is None


def test_units_still_apply() -> None:
    h = hit("for fem år siden, kvartalsvis")
    assert h is not None and h.years == Years(kind="single", start=2021, end=2021, unit="quarter")


@pytest.mark.parametrize(("text", "years"), [
    ("i 2021", Years.single(2021)),
    ("fra 2015 til 2024", Years.between(2015, 2024)),
    ("i 2019 og 2021", Years.between(2019, 2021)),
    ("siden 2018", Years.between(2018, None)),
    ("de sidste fem år", Years(kind="last_n", last_n=5)),
    ("4. kvartal 2025", Years.single(2025, 4)),
])
def test_named_years_unchanged(text: str, years: Years) -> None:
    h = hit(text)
    assert h is not None and h.years == years


# -- parser: whole questions and follow-ups ----------------------------------------------------------------

@pytest.mark.parametrize(("question", "years"), [
    ("Hvad var udskrivningsprocenten i Esbjerg for fem år siden?", Years.single(2021)),
    ("Hvad var indbyggertallet i Region Sjælland for ti år siden?", Years.single(2016)),
    ("Hvad var serviceudgifterne pr. indbygger i Randers for 3 år siden?", Years.single(2023)),
    ("Hvilke kommuner havde den højeste udskrivningsprocent for to år siden?", Years.single(2024)),
    ("Hvordan har udskrivningsprocenten i Aarhus udviklet sig siden for ti år siden?", Years.between(2016, None)),
    ("Hvad var udskrivningsprocenten i Esbjerg i 2021, for fem år siden?", Years.single(2021)),
])
def test_parser_reads_years_ago(parser, question: str, years: Years) -> None:
    r = parser.parse(question)
    assert r.status == "spec", r.question
    assert r.spec is not None and r.spec.years == years
    year_steps = [s for s in r.steps if s.kind == "years"]
    assert year_steps and "siden" in year_steps[0].words
    assert not [s for s in r.steps if s.kind == "default" and s.words == "(intet år)"]


@pytest.mark.parametrize(("follow_up", "years"), [
    ("Og for et år siden?", Years.single(2025)),
    ("Og for ti år siden?", Years.single(2016)),
    ("Hvad med for fem år siden?", Years.single(2021)),
])
def test_parser_follow_up_years_ago(parser, follow_up: str, years: Years) -> None:
    first = parser.parse("Hvad var serviceudgifterne pr. indbygger i Randers i 2023?")
    assert first.spec is not None
    r = parser.parse(follow_up, first.spec)
    assert r.status == "spec", r.question
    assert r.spec is not None
    assert r.spec.years == years
    assert r.spec.metrics == first.spec.metrics and r.spec.municipalities == first.spec.municipalities


def test_parser_asks_about_a_vague_count(parser) -> None:
    r = parser.parse("Hvad var udskrivningsprocenten i Esbjerg for et par år siden?")
    assert r.status == "clarify"
    assert any(s.kind == "unused" for s in r.steps)


# -- end to end: the right year, or a refusal that says which years exist -------------------------------------

@pytest.fixture(scope="module")
def assistant():
    from noegletal.wiring import get_assistant

    return get_assistant()


def _years_shown(answer) -> set[int]:
    return {o["year"] if isinstance(o, dict) else o.year for o in (answer.observations or [])}


def test_assistant_answers_the_year_counted_back(assistant) -> None:
    a = assistant.ask("Hvad var indbyggertallet i Region Sjælland for ti år siden?")
    assert a.status == "answer"
    assert _years_shown(a) == {2016}
    assert "2016" in a.text


def test_assistant_refuses_a_year_without_data(assistant) -> None:
    a = assistant.ask("Hvad var udskrivningsprocenten i Esbjerg for et år siden?")
    assert a.status == "refuse"
    assert "2025" in a.text and "findes tal" in a.text


def test_assistant_follow_ups(assistant) -> None:
    x = assistant.ask("Hvad var serviceudgifterne pr. indbygger i Randers i 2023?")
    assert x.status == "answer" and _years_shown(x) == {2023}
    ten = assistant.ask("Og for ti år siden?", x.conversation_id)
    assert ten.status == "answer" and _years_shown(ten) == {2016}
    one = assistant.ask("Og for et år siden?", x.conversation_id)
    assert one.status == "refuse" and "2025" in one.text and "findes tal" in one.text
