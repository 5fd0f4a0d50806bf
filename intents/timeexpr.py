"""Years in a question: one year, ranges, open ranges, the last n years, or the latest year.

Four-digit numbers 1900-2100 are years even outside the data (the caller says which years exist);
numbers inside age groups ("0-13-årig", "65+") and thousands ("pr. 1.000") are tokens of other kinds
and never reach this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.text import NUMBER_WORDS, Tok
from semantic_layer.spec import Years

FIRST_YEAR = 1993  # first year of the ministry's series; used for "indtil 2010" (a range needs a start)
# Trend without years ("vis udviklingen"): the last ten years with data.
TREND_DEFAULT = Years(kind="last_n", last_n=10)

_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))


@dataclass(frozen=True)
class TimeHit:
    years: Years
    words: str
    meaning: str
    note: str | None = None
    token_ids: frozenset[int] = frozenset()
    relative: int | None = None  # "året før" = -1, "det år" = 0: counted from the conversation's year


def is_year(tok: Tok) -> bool:
    return tok.kind == "num" and tok.value is not None and 1900 <= tok.value <= 2100 and len(tok.text) == 4


def _shape(toks: list[Tok]) -> tuple[str, list[int]]:
    """A compact string of the question (years as Y2019), with each character's token index."""
    parts: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(toks):
        word = f"Y{t.value}" if is_year(t) else ("AGE" if t.kind == "age" else t.fold)
        if parts:
            parts.append(" ")
            owner.append(-1)
        parts.append(word)
        owner.extend([i] * len(word))
    return "".join(parts), owner


_RULES: list[tuple[str, str]] = [
    ("range", r"(?:(?:fra|mellem|perioden|aarene) )?Y(\d{4}) (?:(?:til og med|til|og|frem til) )?Y(\d{4})"),
    ("after_y", r"\befter Y(\d{4})"),
    ("since", r"\b(?:siden|fra og med|fra|startende i|begyndende i) Y(\d{4})"),
    ("until", r"\b(?:til og med|indtil|frem til|op til) Y(\d{4})"),
    ("before_y", r"\bfoer Y(\d{4})"),
    ("last_n", rf"\b(?:sidste|seneste|forrige|foregaaende) (\d{{1,2}}|{_NUMW}) aar"),
    ("before", r"\baaret (?:foer|inden)\b|\bforegaaende aar\b|\baaret forinden\b"),
    ("after", r"\baaret (?:efter)\b|\bfoelgende aar\b"),
    ("same", r"\b(?:det|samme) aar\b|\bdette aar\b"),
    ("last_year", r"\b(?:sidste|forrige) aar\b|\bi fjor\b|\bsidste aars\b"),
    ("this_year", r"\bi aar\b"),
    ("latest", r"\b(?:seneste|nyeste|aktuelle|aktuel|nuvaerende|i dag|lige nu|nu)\b"),
]
_COMPILED = [(k, re.compile(p)) for k, p in _RULES]


def find_years(toks: list[Tok]) -> TimeHit | None:
    """The time expression of the question, or None when it names none (the caller defaults to latest)."""
    shape, owner = _shape(toks)
    for kind, rx in _COMPILED:
        m = rx.search(shape)
        if not m:
            continue
        ids = frozenset(owner[j] for j in range(m.start(), m.end()) if owner[j] >= 0)
        words = " ".join(toks[i].text for i in sorted(ids))
        hit = _build(kind, m, words, ids)
        if hit is not None:
            return hit
    years = sorted({t.value for t in toks if is_year(t) and t.value is not None})
    ids = frozenset(i for i, t in enumerate(toks) if is_year(t))
    words = " ".join(toks[i].text for i in sorted(ids))
    if len(years) == 1:
        return TimeHit(Years.single(years[0]), words, str(years[0]), token_ids=ids)
    if len(years) > 1:
        return TimeHit(Years.between(years[0], years[-1]), words, f"{years[0]}-{years[-1]}", token_ids=ids)
    return None


def _build(kind: str, m: re.Match[str], words: str, ids: frozenset[int]) -> TimeHit | None:
    if kind == "range":
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return TimeHit(Years.between(a, b), words, f"{a}-{b}", token_ids=ids)
    if kind in {"before", "after", "same"}:
        rel = {"before": -1, "after": 1, "same": 0}[kind]
        return TimeHit(Years(), words, {-1: "året før", 1: "året efter", 0: "samme år"}[rel], token_ids=ids,
                       relative=rel)
    if kind in {"since", "after_y"}:
        y = int(m.group(1)) + (1 if kind == "after_y" else 0)
        return TimeHit(Years.between(y, None), words, f"fra {y} til seneste år med data", token_ids=ids)
    if kind in {"until", "before_y"}:
        y = int(m.group(1)) - (1 if kind == "before_y" else 0)
        if y < FIRST_YEAR:
            return TimeHit(Years.single(y), words, str(y), token_ids=ids)
        return TimeHit(Years.between(FIRST_YEAR, y), words, f"{FIRST_YEAR}-{y}", token_ids=ids)
    if kind == "last_n":
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw, 0)
        if n < 1:
            return None
        if n == 1:
            return _latest(words, ids, "Jeg har brugt det seneste år med data.")
        return TimeHit(Years(kind="last_n", last_n=n), words, f"de seneste {n} år med data", token_ids=ids)
    if kind == "last_year":
        return _latest(words, ids, "Jeg har brugt det seneste år med data.")
    if kind == "this_year":
        return _latest(words, ids, "Årets tal er ikke opgjort endnu; jeg har brugt det seneste år med data.")
    return TimeHit(Years(), words, "seneste år med data", token_ids=ids)


def _latest(words: str, ids: frozenset[int], note: str) -> TimeHit:
    """'Sidste år' means the latest year with data: the caller knows which that is, the parser does not."""
    return TimeHit(Years(), words, "seneste år med data", note, ids)
