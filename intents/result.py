"""The parser's output types: a spec, a clarifying question or a refusal, with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from semantic_layer.spec import QuerySpec


@dataclass(frozen=True)
class Step:
    """One line of 'Sådan forstod jeg spørgsmålet': which words became which part of the query.

    kind: metric | municipality | years | comparison | operation | default | conversation | correction
    """

    words: str
    meaning: str
    kind: str


@dataclass(frozen=True)
class ParseResult:
    status: Literal["spec", "clarify", "refuse"]
    spec: QuerySpec | None
    question: str | None = None  # clarify: the question back; refuse: the explanation (Danish)
    options: tuple[str, ...] = ()  # clarify: complete questions the user can send as-is
    examples: tuple[str, ...] = ()  # refuse: example questions that work
    steps: tuple[Step, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class Draft:
    """Slots collected while parsing one turn; turned into a QuerySpec at the end."""

    metrics: list[str] = field(default_factory=list)
    municipalities: list[int] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def step(self, words: str, meaning: str, kind: str) -> None:
        self.steps.append(Step(words, meaning, kind))
