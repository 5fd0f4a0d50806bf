"""English questions are spotted (so the reply can say "only Danish"); Danish ones never are."""

from __future__ import annotations

import pytest

from intents.language import is_english
from intents.text import tokenize

ENGLISH = [
    "What is the tax rate in Aarhus?",
    "How many people live in Odense?",
    "Show me unemployment in Copenhagen",
    "What are the expenses per student in Aalborg?",
    "Which municipality has the highest tax rate?",
    "Compare Aarhus with Odense",
    "How much does Køge spend on schools?",
    "What's the population of Lyngby-Taarbæk?",
    "Show me the top 5 municipalities by unemployment",
    "Is the land tax higher in Gentofte than in Hørsholm?",
    "Tell me about Vejle",
    "Where is the unemployment lowest?",
    "How has the tax changed since 2015 in Esbjerg?",
    "Can you show the average income in Roskilde",
    "Which municipalities have the most elderly people?",
    "What is the number of children in Frederiksberg?",
    "How many inhabitants does Ærø have",
]

DANISH = [
    "Hvad er udskrivningsprocenten i Aarhus?",
    "Vis top 5 kommuner",
    "Hvor mange indbyggere har Odense?",
    "Sammenlign Syddjurs med nabokommunerne",
    "Hvad er skat/service-forholdet i Dragør?",
    "ok",
    "hej",
    "Hvad betyder grundskyldpromille?",
    "Hvordan ligger vi på skatten?",
    "Udg. til SFO pr. 6-9-årig i Køge",
    "Giv mig et overblik over Vejle",
    "Hvad er gennemsnittet for alle kommuner?",
    "Er Aarhus over landsgennemsnittet?",
    "Hvordan har udgiften udviklet sig de sidste 5 år?",
    "Hvilke kommuner har den højeste grundskyld?",
    "Vis data for Horsens og Vejle",
    "Hvad er total udgift per indbygger i Lolland?",
    "Vis mig it-udgifterne i Fanø",
    "A-kasse medlemmer i Randers",
    "Hvor mange ældre over 80 år bor i Tønder?",
    "Og hvad med Odense?",
    "Top 10 over skatteprocent i Region Hovedstaden",
    "Hvad koster en plads i dagtilbud i Ishøj?",
    "Sammenlign Lyngby-Taarbæk og Gentofte to og to",
    "Find kommuner med lav ledighed",
    "Hvad er andelen af 0-5-årige i dagpleje i Tønder?",
    "Er der en trend i ledigheden i Hjørring?",
    "Vis ranking af kommuner efter service",
    "Hvad er the tax i Aarhus",
]


def _words(question: str) -> list[str]:
    return [t.low for t in tokenize(question) if t.kind == "word"]


@pytest.mark.parametrize("question", ENGLISH)
def test_english_questions_are_detected(question: str) -> None:
    assert is_english(_words(question))


@pytest.mark.parametrize("question", DANISH)
def test_danish_questions_are_not(question: str) -> None:
    assert not is_english(_words(question))


def test_empty_and_place_only() -> None:
    assert not is_english([])
    assert not is_english(["aarhus", "odense", "københavn"])
