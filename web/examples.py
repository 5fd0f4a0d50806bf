"""Example questions shown on an empty conversation, grouped by what a user wants to do."""

from __future__ import annotations

from dataclasses import dataclass

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True)
class ExampleGroup:
    title: str
    questions: tuple[str, ...]


EXAMPLE_GROUPS: tuple[ExampleGroup, ...] = (
    ExampleGroup("Opslag", (
        "Hvad var udskrivningsprocenten i Gentofte i 2023?",
        "Hvor mange indbyggere havde Helsingør i 2020?",
        "Hvad betyder serviceudgifter pr. indbygger?",
    )),
    ExampleGroup("Sammenligning med naboer og landet", (
        "Sammenlign serviceudgifterne i Fredensborg med nabokommunerne",
        "Hvad bruger Fredensborg på folkeskolen pr. elev i forhold til landsgennemsnittet?",
    )),
    ExampleGroup("Udvikling", (
        "Hvordan har udgifterne til dagtilbud pr. 0-13-årig udviklet sig i Odense siden 2015?",
        "Udviklingen i indbyggertallet i Aarhus de seneste 10 år",
    )),
    ExampleGroup("Rangering", (
        "Hvilke 10 kommuner har den højeste grundskyldpromille?",
        "Hvilke 5 kommuner har de laveste serviceudgifter pr. indbygger?",
    )),
    ExampleGroup("Råderum", (
        "Hvor meget kunne Odense spare på serviceudgifterne, hvis de lå på landsgennemsnittet?",
    )),
    ExampleGroup("Overblik", (
        "Giv mig et overblik over Kerteminde",
        "Vis anmeldte indbrud pr. 1.000 indbyggere for alle kommuner på et kort",
    )),
)


def all_examples() -> list[str]:
    return [q for group in EXAMPLE_GROUPS for q in group.questions]
