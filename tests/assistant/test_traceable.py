"""Every number an answer's text shows is traceable: an observation's value as displayed, or a derived figure
the answer lists in `derived` (with how it was computed and from what).

The questions are the benchmark's (bench/questions.yaml) and the development sets (../shared/questions/dev.json
and dev2.json, cases and conversations), all run through the real assistant in-process. Exempt are years
(1990-2100) and the quarters of the observations ("4. kvartal"), numbers inside the figures' own names, word forms
and definitions ("pr. 1.000", "0-13-årig", "65+", "hovedkonto 5"), numbers inside municipality names, and the user's
own words quoted back (»10«). Only answers are
checked: a question back or a refusal shows no figures.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from assistant.contract import Answer, Derived, Observation
from assistant.formatting import number
from assistant.service import Assistant
from noegletal.wiring import get_assistant
from semantic_layer.loader import load_catalog

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "questions.yaml"
SHARED = REPO.parent / "shared" / "questions"

# A Danish number: "53.149", "24,17", "1.234,5", "4". Not a piece of a longer number or word.
NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?![\d\w])")
# Pieces of figure names that carry numbers: age groups, "pr. 1.000", "65+", "pr. 1/1".
NAME_PIECES = re.compile(
    r"\d+(?:[-/]\d+)*-årig\w*|\d+\s?\+(?:-årig\w*)?|\bpr\.\s(?:100|1\.000|10\.000)\b|\bpr\.\s\d+/\d+\b"
    r"|\b\d+-\d+\s?år\b")
QUOTED = re.compile(r"»[^«]*«")  # the user's own words, echoed ("Jeg forstod ikke »10« i spørgsmålet")
MILLIONS = re.compile(r"\s*mio\.")
BLANK = " \u00a4 "  # replaces an exempt span; keeps neighbouring numbers apart


@dataclass
class Untraceable:
    question: str
    number: str
    context: str

    def __str__(self) -> str:
        return f"{self.number!r} in {self.question!r}: …{self.context}…"


def _exempt_names(answer: Answer) -> list[str]:
    names: set[str] = set()
    catalog = load_catalog()
    for card in answer.metrics or ([answer.metric] if answer.metric else []):
        names.update((card.label, card.short_name, card.definition, card.numerator, card.denominator,
                      card.unit_label, card.source))
        metric = catalog.get(card.id)
        if metric is not None:  # the word forms the sentences use ("… på hovedkonto 5") are the figure's name too
            names.update((metric.forms.definite, metric.forms.indefinite))
    names.update(o.municipality for o in answer.observations)
    names.update(o.group for o in answer.observations if o.group)
    return sorted((n for n in names if n and re.search(r"\d", n)), key=len, reverse=True)


def _blanked(answer: Answer) -> str:
    text = answer.text
    for name in _exempt_names(answer):
        text = re.sub(re.escape(name), BLANK, text, flags=re.IGNORECASE)
    for quarter in {o.quarter for o in answer.observations if o.quarter}:  # a period, as a year is
        text = text.replace(f"{quarter}. kvartal", BLANK)
    return NAME_PIECES.sub(BLANK, QUOTED.sub(BLANK, text))


def _is_year(token: str) -> bool:
    return token.isdigit() and 1990 <= int(token) <= 2100


def untraceable(answer: Answer) -> list[Untraceable]:
    """The numbers in the answer's text that are neither an observation's shown value nor a derived figure."""
    text = _blanked(answer)
    shown = {m.group() for o in answer.observations if o.value is not None for m in NUMBER.finditer(o.display)}
    derived = getattr(answer, "derived", None) or []
    found = []
    for match in NUMBER.finditer(text):
        token = match.group()
        if _is_year(token) or token in shown:
            continue
        decimals = len(token.split(",")[1]) if "," in token else 0
        scale = 1_000_000 if MILLIONS.match(text, match.end()) else 1
        if any(number(abs(item.value) / scale, decimals) == token for item in derived):
            continue
        context = text[max(0, match.start() - 50): match.end() + 30].replace(BLANK, "…")
        found.append(Untraceable(answer.question, token, context))
    return found


def derived_not_shown(answer: Answer) -> list[str]:
    """Derived items whose shown form is not in the text (the list must describe the text, nothing more)."""
    return [f"{item.label}: {item.display!r}" for item in getattr(answer, "derived", None) or []
            if item.display not in answer.text]


# -- the questions -------------------------------------------------------------------------------------
def bench_sessions() -> list[list[str]]:
    return [[q["q"]] for q in yaml.safe_load(BENCH.read_text(encoding="utf-8"))["questions"]]


def dev_sessions(name: str) -> list[list[str]]:
    path = SHARED / name
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [[case["q"]] for case in data["cases"]] + [[turn["q"] for turn in conv] for conv in data["conversations"]]


SOURCES = {"bench": bench_sessions, "dev.json": lambda: dev_sessions("dev.json"),
           "dev2.json": lambda: dev_sessions("dev2.json")}


def answers(assistant: Assistant, sessions: list[list[str]]) -> Iterator[Answer]:
    """Each session's turns in one conversation (a follow-up leans on the turns before it)."""
    for turns in sessions:
        cid: str | None = None
        for question in turns:
            answer = assistant.ask(question, cid)
            cid = answer.conversation_id
            yield answer


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def test_number_pattern_reads_danish_numbers() -> None:
    text = "Fra 48.506 kr. til 1.234,5 — 9,6 % højere; nr. 4 af 6 (deler 1.-pladsen) i 2023 (0-13-årig)."
    assert [m.group() for m in NUMBER.finditer(text)] == ["48.506", "1.234,5", "9,6", "4", "6", "1", "2023", "0",
                                                          "13"]
    assert not NUMBER.findall(NAME_PIECES.sub(BLANK, "pr. 1.000 indb., 65+-årige, 17-64/66-årige, 0-2 år"))


def test_checker_flags_a_number_without_a_source() -> None:
    observations = [Observation(metric="m", municipality_code=461, municipality="Odense", year=2023, value=53149.0,
                                role="subject", display="53.149 kr."),
                    Observation(metric="m", municipality_code=0, municipality="Hele landet", year=2023,
                                value=48506.0, role="national", display="48.506 kr.")]
    text = "Udgiften i Odense var 53.149 kr. i 2023, 9,6 % højere end landsgennemsnittet (48.506 kr.)."
    bare = Answer(status="answer", conversation_id="c", question="q", text=text, observations=observations)
    assert [u.number for u in untraceable(bare)] == ["9,6"]
    listed = bare.model_copy(update={"derived": [Derived(label="forskel i procent", value=9.572, display="9,6 %")]})
    assert not untraceable(listed) and not derived_not_shown(listed)
    wrong = bare.model_copy(update={"derived": [Derived(label="forskel i procent", value=9.7, display="9,7 %")]})
    assert [u.number for u in untraceable(wrong)] == ["9,6"] and derived_not_shown(wrong)


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_number_in_the_text_is_traceable(assistant: Assistant, source: str) -> None:
    sessions = SOURCES[source]()
    if not sessions:
        pytest.skip(f"{source} is not available")
    problems: list[str] = []
    for answer in answers(assistant, sessions):
        if answer.status != "answer":
            continue
        problems += [str(u) for u in untraceable(answer)]
        problems += [f"derived {d} not in the text of {answer.question!r}" for d in derived_not_shown(answer)]
    assert not problems, f"{len(problems)} untraceable numbers:\n" + "\n".join(problems)
