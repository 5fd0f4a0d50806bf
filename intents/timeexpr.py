"""Years in a question: one year, ranges, open ranges, the last n years, or the latest year; and quarters:
one quarter ("4. kvartal 2025", "2025K4"), ranges of quarters ("fra 1. kvartal 2023 til 3. kvartal 2025",
"siden 2. kvartal 2024"), the last n quarters, the latest quarter.

Four-digit numbers 1900-2100 are years even outside the data (the caller says which years exist);
numbers inside age groups ("0-13-årig", "65+") and thousands ("pr. 1.000") are tokens of other kinds
and never reach this module. Words that only say what the period is counted in ("kvartalsvis", "årligt",
"om året") set `Years.unit` on whatever else the question says, so a quarterly figure answers in its form.

"For fem år siden" is the calendar year five years before this one (`current_year`), read as if the question
had named that year: "for fem år siden" alone is one year, "fra for ti år siden til i dag" a range. Vague counts
("for et par år siden", "for nogle år siden") name no year and are left to the caller's accounting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from intents.text import NUMBER_WORDS, Tok
from semantic_layer.phrases import years_phrase
from semantic_layer.spec import Years

FIRST_YEAR = 1993  # first year of the ministry's series; used for "indtil 2010" (a range needs a start)
# Trend without years ("vis udviklingen"): the last ten years with data; in quarters ("kvartalsvis"): the last eight.
TREND_DEFAULT = Years(kind="last_n", last_n=10)
TREND_QUARTERS = Years(kind="last_n", last_n=8, unit="quarter")

_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))

# "For N år siden": N in digits or words, teens and "femogtyve" included (the series go back to 1993).
_ONES = {"en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9}
_TENS = {"tyve": 20, "tredive": 30, "fyrre": 40, "halvtreds": 50}
_YEARS_BACK = {**NUMBER_WORDS, "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19,
               **{f"{u}og{t}": n + m for u, n in _ONES.items() for t, m in _TENS.items()}}
_BACKW = "|".join(sorted(_YEARS_BACK, key=len, reverse=True))
_AGO = re.compile(rf"\bfor (\d{{1,2}}|{_BACKW}) aar siden\b")


def current_year() -> int:
    """The calendar year "for fem år siden" counts back from (tests replace this function to pin it)."""
    return date.today().year


@dataclass(frozen=True)
class TimeHit:
    years: Years
    words: str
    meaning: str
    note: str | None = None
    token_ids: frozenset[int] = frozenset()
    relative: int | None = None  # "året før" = -1, "det år" = 0: counted from the conversation's year
    quarter: int | None = None  # with `relative`: a quarter of that year ("og 3. kvartal?")


def is_year(tok: Tok) -> bool:
    return tok.kind == "num" and tok.value is not None and 1900 <= tok.value <= 2100 and len(tok.text) == 4


Owner = list[tuple[int, ...]]  # per character of the shape: the tokens it stands for (none for a space)


def _shape(toks: list[Tok]) -> tuple[str, Owner]:
    """A compact string of the question (years as Y2019), with each character's token indices."""
    parts: list[str] = []
    owner: Owner = []
    for i, t in enumerate(toks):
        word = f"Y{t.value}" if is_year(t) else ("AGE" if t.kind == "age" else t.fold)
        if parts:
            parts.append(" ")
            owner.append(())
        parts.append(word)
        owner.extend([(i,)] * len(word))
    return "".join(parts), owner


def _ids(owner: Owner, lo: int, hi: int) -> frozenset[int]:
    return frozenset(i for j in range(lo, hi) for i in owner[j])


def _words(toks: list[Tok], ids: frozenset[int]) -> str:
    return " ".join(toks[i].text for i in sorted(ids))


@dataclass(frozen=True)
class _Ago:
    """"For fem år siden": the year it names and the tokens it took."""

    back: int
    year: int
    token_ids: frozenset[int]


def _count_back(shape: str, owner: Owner, this_year: int) -> tuple[str, Owner, list[_Ago]]:
    """The shape with each "for N år siden" written as the year it names (Y2021), so the rules read it as
    they read a year the question names; the characters of that year stand for all the phrase's tokens."""
    agos: list[_Ago] = []
    for m in reversed(list(_AGO.finditer(shape))):
        back = int(m.group(1)) if m.group(1).isdigit() else _YEARS_BACK[m.group(1)]
        if not 1 <= back <= this_year - 1900:
            continue
        ids = _ids(owner, m.start(), m.end())
        year = f"Y{this_year - back}"
        shape = shape[:m.start()] + year + shape[m.end():]
        owner = owner[:m.start()] + [tuple(sorted(ids))] * len(year) + owner[m.end():]
        agos.append(_Ago(back, this_year - back, ids))
    return shape, owner, agos[::-1]


_ORDINAL = {"foerste": 1, "anden": 2, "andet": 2, "tredje": 3, "fjerde": 4, "sidste": 4}
# "4. kvartal", "fjerde kvartal", "kvartal 4", "K4"/"Q4" (groups: digit, ordinal, digit after, digit of K4)
_QUARTER = (r"(?:(\d) (?:kvartal|kvt)|(foerste|anden|andet|tredje|fjerde|sidste) (?:kvartal|kvt)"
            r"|(?:[kq]|kvartal) (\d)|[kq](\d))")
_RULES: list[tuple[str, str]] = [
    ("quarter", rf"\b{_QUARTER} (?:i |af )?Y(\d{{4}})\b"),
    ("quarter_after", rf"\bY(\d{{4}}),? {_QUARTER}(?!\w)"),
    ("last_n_quarters", rf"\b(?:sidste|seneste|forrige|foregaaende) (\d{{1,2}}|{_NUMW}) kvartaler\b"),
    ("latest_quarter", r"\b(?:seneste|sidste|nyeste|aktuelle|forrige|dette) kvartal\b"),
    ("quarter_of", rf"\b{_QUARTER}(?!\w)"),
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
    ("latest_year", r"\b(?:seneste|nyeste) (?:hele )?aar\b"),
    ("latest", r"\b(?:seneste|nyeste|aktuelle|aktuel|nuvaerende|i dag|lige nu|nu)\b"),
]
_COMPILED = [(k, re.compile(p)) for k, p in _RULES]

# A point in time of a quarter range: a quarter of a year ("1. kvartal 2023", "2023K1") or a plain year.
_QPOINT = re.compile(rf"\b{_QUARTER} (?:i |af )?Y(\d{{4}})\b|\bY(\d{{4}}),? {_QUARTER}(?!\w)|\bY(\d{{4}})\b")
_RANGE_FROM = re.compile(r"(?:\bfra og med|\bfra|\bmellem|\bperioden(?: fra)?) $")
_RANGE_TO = re.compile(r"^ (?:til og med|til|og|frem til|-) $")
_OPEN_FROM = re.compile(r"(?:\bsiden|\bfra og med|\bfra|\bstartende i|\bbegyndende i|\befter) $")
_OPEN_TO = re.compile(r"(?:\btil og med|\bindtil|\bfrem til|\bop til|\bfoer) $")


@dataclass(frozen=True)
class _Point:
    start: int
    end: int
    year: int
    quarter: int | None  # None: the whole year


def _points(shape: str) -> list[_Point]:
    out = []
    for m in _QPOINT.finditer(shape):
        if m.group(11):
            out.append(_Point(m.start(), m.end(), int(m.group(11)), None))
            continue
        year, q = (int(m.group(5)), _quarter(m, 1)) if m.group(5) else (int(m.group(6)), _quarter(m, 7))
        if q is not None:
            out.append(_Point(m.start(), m.end(), year, q))
    return out


def _quarter_range(toks: list[Tok], shape: str, owner: Owner) -> TimeHit | None:
    """A range with a quarter at one end at least: "fra 1. kvartal 2023 til 3. kvartal 2025", "fra 2023 til
    2025K3", "siden 2. kvartal 2024" (up to the latest quarter), "efter 2. kvartal 2024", "indtil 3. kvartal
    2024". The words around the points must say range; a lone quarter is the caller's "quarter" rule."""
    points = _points(shape)

    def hit(lo: int, hi: int, years: Years, meaning: str) -> TimeHit:
        ids = _ids(owner, lo, hi)
        return TimeHit(years, _words(toks, ids), meaning, token_ids=ids)

    for a, b in zip(points, points[1:], strict=False):
        between = _RANGE_TO.match(shape[a.end:b.start])
        if (a.quarter is None and b.quarter is None) or not between:
            continue
        lead = _RANGE_FROM.search(shape[:a.start])
        if between.group(0) == " og " and not (lead and lead.group(0).startswith("mellem")):
            continue  # "i 3. kvartal 2024 og 2025" is two quarters, not the range between them
        if (b.year, b.quarter or 4) < (a.year, a.quarter or 1):
            a, b = b, a
        lo = lead.start() if lead else min(a.start, b.start)
        years = Years.between_quarters(a.year, a.quarter, b.year, b.quarter)
        first = f"{a.quarter}. kvartal {a.year}" if a.quarter else f"1. kvartal {a.year}"
        last = f"{b.quarter}. kvartal {b.year}" if b.quarter else f"4. kvartal {b.year}"
        return hit(lo, max(a.end, b.end), years, f"fra {first} til {last}")
    for p in points:
        if p.quarter is None:
            continue
        since = _OPEN_FROM.search(shape[:p.start])
        if since:
            year, q = p.year, p.quarter
            if shape[since.start():p.start].startswith("efter"):
                year, q = (year + 1, 1) if q == 4 else (year, q + 1)
            return hit(since.start(), p.end, Years.between_quarters(year, q, None, None),
                       f"fra {q}. kvartal {year} til seneste kvartal med data")
        until = _OPEN_TO.search(shape[:p.start])
        if until:
            year, q = p.year, p.quarter
            if shape[until.start():p.start].startswith("foer"):
                year, q = (year - 1, 4) if q == 1 else (year, q - 1)
            return hit(until.start(), p.end, Years.between_quarters(FIRST_YEAR, 1, year, q),
                       f"til og med {q}. kvartal {year}")
    return None


# Words saying only what the period is counted in: quarters or whole years.
_UNITS: list[tuple[Literal["quarter", "year"], re.Pattern[str]]] = [  # the year's first: "gns. af 4 kvartaler"
    ("year", re.compile(r"\b(?:gns|gennemsnit\w*|sum|summen) af (?:4|fire) kvartaler\b|\baarlig\w*|\bom aaret\b"
                        r"|\bpaa et aar\b|\bhele aaret\b|\baarsgennemsnit\w*|\baarstal\w*|\bhelaar\w*")),
    ("quarter", re.compile(r"\bkvartal for kvartal\b|\b(?:hvert|pr|per|i) kvartal\w*|\bkvartal\w*")),
]


def find_years(toks: list[Tok], this_year: int | None = None) -> TimeHit | None:
    """The time expression of the question, or None when it names none (the caller defaults to latest).
    `this_year` is what "for fem år siden" counts back from: `current_year()` unless given."""
    shape, owner = _shape(toks)
    shape, owner, agos = _count_back(shape, owner, current_year() if this_year is None else this_year)
    hit = _period(toks, shape, owner)
    if agos and hit is not None:
        hit = _with_ago(hit, agos, toks)
    for unit, rx in _UNITS:
        m = rx.search(shape)
        if not m or (hit is not None and (hit.years.unit is not None or hit.relative is not None)):
            continue
        ids = _ids(owner, m.start(), m.end())
        words = _words(toks, ids)
        if hit is None:
            meaning = "seneste kvartal med data" if unit == "quarter" else "seneste år med data"
            return TimeHit(Years(unit=unit), words, meaning, token_ids=ids)
        ids |= hit.token_ids
        return replace(hit, years=hit.years.model_copy(update={"unit": unit}), token_ids=ids,
                       words=" ".join(toks[i].text for i in sorted(ids)),
                       meaning=hit.meaning + (", kvartalsvis" if unit == "quarter" else ", hele år"))
    return hit


def _with_ago(hit: TimeHit, agos: list[_Ago], toks: list[Tok]) -> TimeHit:
    """The period of a question that says "for N år siden", with each such year accounted for once. The rules
    usually take the phrase in (it reads as a year); where they found another period beside it ("i dag
    sammenlignet med for ti år siden"), the period spans both; a quarter or a year counted from "det år" is
    counted from the year named here. The meaning says which year was counted back from."""
    this_year = agos[0].year + agos[0].back
    ago_ids = frozenset().union(*(a.token_ids for a in agos))
    if not ago_ids <= hit.token_ids:
        lo, hi = min(a.year for a in agos), max(a.year for a in agos)
        years = _span(hit, lo, hi, this_year)
        ids = hit.token_ids | ago_ids
        if years is None:  # the other words are left unused, for the caller to ask about
            years, ids = (Years.single(lo) if lo == hi else Years.between(lo, hi)), ago_ids
        hit = TimeHit(years, _words(toks, ids), _meaning(years), hit.note if ids != ago_ids else None, ids)
    if hit.years.kind == "single" and len(agos) == 1:
        return replace(hit, meaning=f"{hit.meaning} ({agos[0].back} år før {this_year})")
    counted = ", ".join(f"{a.year} er {a.back} år før {this_year}" for a in agos)
    return replace(hit, meaning=f"{hit.meaning} ({counted})")


def _span(hit: TimeHit, lo: int, hi: int, this_year: int) -> Years | None:
    """A period taking in the years lo..hi (counted back from today) and the hit's own; None when the two
    do not go together (a range of quarters beside a year counted back)."""
    y = hit.years
    if hit.relative is not None:  # "for fem år siden og året før", "for fem år siden i 3. kvartal"
        if lo != hi:
            return None
        if hit.quarter is not None:
            return Years.single(lo + hit.relative, hit.quarter) if hit.relative == 0 else None
        a, b = sorted((lo, lo + hit.relative))
        return Years.single(a) if a == b else Years.between(a, b)
    if y.quarter is not None or y.start_quarter is not None or y.end_quarter is not None:
        return None
    if y.kind == "last_n" and y.last_n:  # the last n years with data reach back to the year counted back
        return Years(kind="last_n", last_n=max(y.last_n, this_year - lo + 1), unit=y.unit)
    if y.kind == "latest" or y.start is None:  # "i dag", "seneste år", "sidste år": up to the latest data
        return Years(kind="range", start=lo, end=None, unit=y.unit)
    start, end = min(lo, y.start), (None if y.end is None else max(hi, y.end))
    if start == end:
        return Years(kind="single", start=start, end=end, unit=y.unit)
    return Years(kind="range", start=start, end=end, unit=y.unit)


def _meaning(years: Years) -> str:
    return years_phrase(years).strip().removeprefix("i ") or "seneste år med data"


def _period(toks: list[Tok], shape: str, owner: Owner) -> TimeHit | None:
    ranged = _quarter_range(toks, shape, owner)
    if ranged is not None:
        return ranged
    for kind, rx in _COMPILED:
        m = rx.search(shape)
        if not m:
            continue
        ids = _ids(owner, m.start(), m.end())
        hit = _build(kind, m, _words(toks, ids), ids)
        if hit is not None:
            return hit
    found = list(re.finditer(r"\bY(\d{4})\b", shape))
    years = sorted({int(m.group(1)) for m in found})
    ids = frozenset().union(*(_ids(owner, m.start(), m.end()) for m in found))
    words = _words(toks, ids)
    if len(years) == 1:
        return TimeHit(Years.single(years[0]), words, str(years[0]), token_ids=ids)
    if len(years) > 1:
        return TimeHit(Years.between(years[0], years[-1]), words, f"{years[0]}-{years[-1]}", token_ids=ids)
    return None


def _quarter(m: re.Match[str], first: int) -> int | None:
    """The quarter named by the _QUARTER groups starting at group `first` (digit, ordinal, "K4"/"kvartal 4")."""
    digit, ordinal, after, short = m.group(first), m.group(first + 1), m.group(first + 2), m.group(first + 3)
    q = _ORDINAL[ordinal] if ordinal else int(digit or after or short)
    return q if 1 <= q <= 4 else None


def _build(kind: str, m: re.Match[str], words: str, ids: frozenset[int]) -> TimeHit | None:
    if kind in {"quarter", "quarter_after"}:
        year, q = (int(m.group(5)), _quarter(m, 1)) if kind == "quarter" else (int(m.group(1)), _quarter(m, 2))
        if q is None:
            return None
        return TimeHit(Years.single(year, q), words, f"{q}. kvartal {year}", token_ids=ids)
    if kind == "quarter_of":  # "og 3. kvartal?": a quarter of the conversation's year
        q = _quarter(m, 1)
        if q is None or m.group(2) == "sidste":
            return None
        return TimeHit(Years(unit="quarter"), words, f"{q}. kvartal", token_ids=ids, relative=0, quarter=q)
    if kind == "latest_quarter":
        return TimeHit(Years(unit="quarter"), words, "seneste kvartal med data", token_ids=ids)
    if kind == "last_n_quarters":
        n = _count(m.group(1))
        if n < 1:
            return None
        if n == 1:
            return TimeHit(Years(unit="quarter"), words, "seneste kvartal med data", token_ids=ids)
        return TimeHit(Years(kind="last_n", last_n=n, unit="quarter"), words, f"de seneste {n} kvartaler med data",
                       token_ids=ids)
    if kind == "range":
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        if a == b:  # "i 2021, for fem år siden" names one year twice
            return TimeHit(Years.single(a), words, str(a), token_ids=ids)
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
        n = _count(m.group(1))
        if n < 1:
            return None
        if n == 1:
            return _latest(words, ids, "Jeg har brugt det seneste år med data.")
        return TimeHit(Years(kind="last_n", last_n=n), words, f"de seneste {n} år med data", token_ids=ids)
    if kind == "last_year":
        return _latest(words, ids, "Jeg har brugt det seneste år med data.")
    if kind == "this_year":
        return _latest(words, ids, "Årets tal er ikke opgjort endnu; jeg har brugt det seneste år med data.")
    if kind == "latest_year":
        return TimeHit(Years(unit="year"), words, "seneste år med data", token_ids=ids)
    return TimeHit(Years(), words, "seneste år med data", token_ids=ids)


def _count(raw: str) -> int:
    """"5" or "fem" -> 5 (0 for anything else)."""
    return int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw, 0)


def _latest(words: str, ids: frozenset[int], note: str) -> TimeHit:
    """'Sidste år' means the latest year with data: the caller knows which that is, the parser does not. It is a
    whole year: a quarterly figure gives its latest year, not its latest quarter."""
    return TimeHit(Years(unit="year"), words, "seneste år med data", note, ids)
