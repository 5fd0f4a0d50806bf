"""Qualifier experiment: does an unknown qualifier change the parser's answer?

Property: adding a qualifier the key figures cannot express ("for kvinder", "om vinteren", ...) to an
answerable question must change the spec, or make the parser ask back or refuse. Returning the very
same spec as for the bare question means the qualifier was silently dropped and the user gets an
answer to a question they did not ask.

Run: python -m bench.qualifiers [--gold PATH] [--n 8]
Takes the first N development cases of kind 'answer' that parse to a spec, inserts each of the
QUALIFIERS (see `qualify` for where), and prints "unchanged spec: K/TOTAL" plus the unchanged ones.
The same helpers are used by tests/intents/test_phrasings.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noegletal.settings import REPO_ROOT

KOMMUNER = REPO_ROOT.parent / "shared" / "data" / "reference" / "kommuner.csv"
DEV_GOLD = REPO_ROOT.parent / "shared" / "questions" / "dev.json"

QUALIFIERS: tuple[str, ...] = (
    "for kvinder",
    "blandt unge",
    "over 65",
    "pr. husstand",
    "for mænd",
    "blandt indvandrere",
    "i landdistrikterne",
    "for enlige forsørgere",
    "på privatskoler",
    "om vinteren",
)

# A word right before the place name that belongs to the place phrase ("i Aarhus", "har Thisted"):
# the qualifier goes in front of it. Any other word (e.g. "Hvad bruger Odense på ...") and the
# qualifier is appended at the end of the question instead.
_PLACE_LEADS = frozenset({"i", "for", "på", "fra", "ved", "har", "havde", "in"})


def municipality_names(path: Path = KOMMUNER) -> dict[int, str]:
    """Municipality code -> name, from the shared reference file."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {int(row["kommunekode"]): row["kommunenavn"] for row in csv.DictReader(fh)}


def qualify(question: str, place: str | None, qualifier: str) -> str:
    """Insert `qualifier` before the place phrase: "... i Aarhus i 2023?" -> "... for kvinder i Aarhus i 2023?".

    The place phrase is the first occurrence of `place` (case-insensitive, also as "Odenses"/"Aarhus'")
    together with the word before it when that word is a preposition or "har"/"havde". When the place
    is not found, or is not introduced by such a word, the qualifier is appended before the final
    punctuation ("Odenses skatteprocent" -> "Odenses skatteprocent for kvinder").
    """
    match = re.search(rf"(?<!\w){re.escape(place)}", question, flags=re.IGNORECASE) if place else None
    if match:
        head = question[: match.start()]
        lead = re.search(r"(\S+)\s+$", head)
        if lead and lead.group(1).lower() in _PLACE_LEADS:
            at = lead.start(1)
            return f"{question[:at]}{qualifier} {question[at:]}"
    body = question.rstrip()
    tail = ""
    while body and body[-1] in "?.!":
        body, tail = body[:-1], body[-1] + tail
    return f"{body.rstrip()} {qualifier}{tail}"


@dataclass(frozen=True)
class Trial:
    question: str  # the bare question
    qualified: str
    qualifier: str
    status: str
    unchanged: bool  # status 'spec' and the very same spec as the bare question
    detail: str  # what the qualified question parsed to


def describe(result: Any) -> str:
    """A one-line summary of a ParseResult: the spec's main slots, or the question/options."""
    if result.status == "spec" and result.spec is not None:
        spec = result.spec
        metrics = ",".join(m.id for m in spec.metrics)
        return (f"spec op={spec.operation.value} metrics={metrics} munis={list(spec.municipalities)} "
                f"years={spec.years.model_dump()}")
    text = (result.question or "").replace("\n", " ")
    if len(text) > 90:
        text = text[:87] + "..."
    opts = f" options={list(result.options)[:3]}" if result.options else ""
    return f"{result.status}: {text}{opts}"


def run_trials(parser: Any, questions: Iterable[str], names: dict[int, str],
               qualifiers: Sequence[str] = QUALIFIERS) -> list[Trial]:
    """Each question must parse to a spec on its own; then each qualifier is inserted and compared."""
    trials: list[Trial] = []
    for question in questions:
        bare = parser.parse(question)
        if bare.status != "spec" or bare.spec is None:
            raise ValueError(f"not answerable on its own: {question!r} -> {describe(bare)}")
        place = names.get(bare.spec.subject) if bare.spec.subject is not None else None
        for qualifier in qualifiers:
            qualified = qualify(question, place, qualifier)
            result = parser.parse(qualified)
            unchanged = result.status == "spec" and result.spec == bare.spec
            trials.append(Trial(question, qualified, qualifier, result.status, unchanged, describe(result)))
    return trials


def answerable_dev_questions(parser: Any, gold: Path, n: int) -> list[str]:
    """The first `n` cases of kind 'answer' in the gold file that parse to a spec."""
    cases = json.loads(gold.read_text(encoding="utf-8"))["cases"]
    picked: list[str] = []
    for case in cases:
        if case.get("kind") != "answer":
            continue
        if parser.parse(case["q"]).status == "spec":
            picked.append(case["q"])
            if len(picked) == n:
                break
    return picked


def build_parser() -> Any:
    from intents import Parser, places_from_csv
    from semantic_layer.loader import load_catalog

    return Parser(load_catalog(), places_from_csv(KOMMUNER))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--gold", type=Path, default=DEV_GOLD, help="development questions (json with 'cases')")
    ap.add_argument("--n", type=int, default=8, help="how many answerable questions (default 8)")
    ap.add_argument("--all", action="store_true", help="print every trial, not only the unchanged ones")
    args = ap.parse_args(argv)

    parser = build_parser()
    questions = answerable_dev_questions(parser, args.gold, args.n)
    if len(questions) < args.n:
        print(f"warning: only {len(questions)} answerable questions found", file=sys.stderr)
    trials = run_trials(parser, questions, municipality_names())

    print("questions:")
    for q in questions:
        print(f"  {q}")
    statuses: dict[str, int] = {}
    for t in trials:
        key = "unchanged spec" if t.unchanged else ("different spec" if t.status == "spec" else t.status)
        statuses[key] = statuses.get(key, 0) + 1
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    unchanged = [t for t in trials if t.unchanged]
    print(f"unchanged spec: {len(unchanged)}/{len(trials)}")
    for t in unchanged:
        print(f"  {t.qualified}")
    if args.all:
        print("all trials:")
        for t in trials:
            mark = "UNCHANGED" if t.unchanged else t.status
            print(f"  [{mark}] {t.qualified}  -> {t.detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
