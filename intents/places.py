"""Municipalities and regions in a question: exact names and variants via a phrase matcher on folded
tokens, typos via rapidfuzz, and foreign places that must never become a Danish municipality."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from intents.lexicon import STOPWORDS, Lexicon
from intents.text import Tok, fold, tokenize

CHRISTIANSOE = 411  # in the reference list and DAGI, but no municipality in the key figures


@dataclass(frozen=True)
class Place:
    """A municipality as the parser needs it; the caller builds the list (e.g. from kommuner.csv)."""

    code: int
    name: str
    region_code: int
    region_name: str

    @property
    def display(self) -> str:
        if self.code == 400:
            return "Bornholms Regionskommune"
        return f"{self.name} Kommune"


def places_from_csv(path: str | Path) -> list[Place]:
    """The reference file's municipalities as places (the warehouse's parser); Christiansø is no
    municipality in the key figures."""
    from warehouse.reference import parse_municipalities

    return [Place(m.code, m.name, m.region_code, m.region_name)
            for m in parse_municipalities(Path(path)) if m.code != CHRISTIANSOE]


REGIONS = {
    1081: ("Region Nordjylland", ["region nordjylland", "nordjylland", "region nord", "nordjyske region",
                                  "nordjyske", "nordjysk"]),
    1082: ("Region Midtjylland", ["region midtjylland", "midtjylland", "region midt", "midtjyske", "midtjysk"]),
    1083: ("Region Syddanmark", ["region syddanmark", "syddanmark", "region syd", "syddanske", "syddansk"]),
    1084: ("Region Hovedstaden", ["region hovedstaden", "hovedstaden", "hovedstadsregionen",
                                  "hovedstadsomraadet", "storkoebenhavn"]),
    1085: ("Region Sjælland", ["region sjaelland", "sjaelland", "regionsjaelland", "sjaellandske", "sjaellandsk"]),
}

# Extra spellings of municipality names (folded), beyond the name itself and its hyphen parts.
VARIANTS = {
    101: ["kbh", "koebenhavn", "kobenhavn", "kobenhaven", "koebenhavns kommune", "copenhagen", "hovedstaden kbh"],
    751: ["aarhus", "aarhus kommune", "arhus"],
    400: ["bornholm", "bornholms regionskommune", "bornholms"],
    173: ["lyngby", "lyngby taarbaek", "kongens lyngby", "taarbaek"],
    169: ["hoeje taastrup", "taastrup", "hoje taastrup", "hoejetaastrup"],
    657: ["herning"],
    480: ["nordfyn", "nordfyns"],
    773: ["morsoe"],
    820: ["vesthimmerland", "vesthimmerlands"],
    430: ["faaborg midtfyn", "faaborg", "midtfyn", "faborg"],
    756: ["ikast brande", "ikast", "brande"],
    760: ["ringkoebing skjern", "ringkoebing", "skjern"],
    851: ["aalborg", "alborg"],
    461: ["odense"],
    492: ["aeroe", "aero"],
    563: ["fanoe", "fano"],
    825: ["laesoe", "laeso"],
    741: ["samsoe", "samso"],
}

# Foreign places people ask about; they are refused, never fuzzy-matched to a Danish name.
FOREIGN = frozenset(fold(w) for w in """
malmö malmo oslo stockholm berlin kiel hamburg flensborg flensburg london paris göteborg goteborg
gøteborg lund helsingborg bergen trondheim helsinki reykjavik tórshavn torshavn nuuk amsterdam bruxelles
bruxelles rom madrid wien warszawa prag new york sverige norge tyskland finland island færøerne grønland
england frankrig spanien italien holland polen usa amerika kina rusland skåne skane lübeck lubeck
rostock uppsala aarhus_is_not_foreign
""".split()) - {"aarhus_is_not_foreign"}

# Names that are also ordinary Danish words ("på vejen", "en odder"): only matched when written as names.
_COMMON_WORD_NAMES = frozenset({"greve", "faxe", "lejre", "toender", "vejen", "odder", "skive", "varde",
                                "struer", "stevns", "lolland", "fanoe", "brande", "ikast"})


class PhraseMatcher:
    """Every occurrence of any pattern (a sequence of folded tokens) in a token sequence, as spaCy's
    PhraseMatcher with attr="NORM" finds them: (key, start, end) for all, overlapping ones too, by start and
    then end; keys of one pattern in the order they were added. A dict of tuples instead of spaCy keeps
    spaCy (about 75 MiB per process) out of the server."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, ...], list[str]] = {}
        self._lengths: dict[str, list[int]] = {}  # first token -> pattern lengths starting with it, ascending

    def add(self, key: str, patterns: Sequence[Sequence[str]]) -> None:
        for pattern in patterns:
            seq = tuple(pattern)
            if not seq:
                continue
            keys = self._keys.setdefault(seq, [])
            if key not in keys:
                keys.append(key)
            lengths = self._lengths.setdefault(seq[0], [])
            if len(seq) not in lengths:
                lengths.append(len(seq))
                lengths.sort()

    def __call__(self, norms: Sequence[str]) -> list[tuple[str, int, int]]:
        seq = tuple(norms)
        out: list[tuple[str, int, int]] = []
        for start, first in enumerate(seq):
            for length in self._lengths.get(first, ()):
                end = start + length
                if end > len(seq):
                    break
                out.extend((key, start, end) for key in self._keys.get(seq[start:end], ()))
        return out

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True)
class PlaceHit:
    """A place found in the question: a municipality (code) or a region (region code), with its words."""

    code: int
    start: int  # token index
    end: int
    words: str
    is_region: bool = False
    corrected_from: str | None = None  # set when a typo was corrected


@dataclass
class PlaceScan:
    municipalities: list[PlaceHit] = field(default_factory=list)
    regions: list[PlaceHit] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # looked like a place name, matched nothing
    ambiguous: list[tuple[str, list[int]]] = field(default_factory=list)  # typo close to several names
    used: set[int] = field(default_factory=set)  # token indices consumed by places


class PlaceMatcher:
    """Finds municipalities/regions; built once from the places list."""

    FUZZY_ACCEPT = 84.0  # a typo is corrected at or above this (Fredensbrog -> Fredensborg: 91)
    FUZZY_MARGIN = 6.0  # ... and only if the runner-up is at least this much weaker
    FUZZY_CLARIFY = 78.0  # between two close names at or above this: ask

    def __init__(self, lexicon: Lexicon, places: Sequence[Place]) -> None:
        self.lex = lexicon
        self.places = {p.code: p for p in places if p.code != 411}
        self.matcher = PhraseMatcher()
        self._fuzzy: dict[str, int] = {}
        for p in self.places.values():
            names = {fold(p.name), fold(p.name).replace("-", " ")}
            names.update(VARIANTS.get(p.code, []))
            parts = fold(p.name).replace("-", " ").split()
            if len(parts) > 1 and parts[0] not in STOPWORDS and parts[0] not in {"hoeje"}:
                names.add(parts[0])
            for n in names:
                self._add(f"M{p.code}", n)
                self._fuzzy.setdefault(n.replace(" ", ""), p.code)
        for code, (_, aliases) in REGIONS.items():
            for n in aliases:
                self._add(f"R{code}", n)
        self.region_names = {code: label for code, (label, _) in REGIONS.items()}

    def _pattern(self, text: str) -> tuple[str, ...]:
        toks = tokenize(text)
        return self.lex.doc(toks)

    def _add(self, key: str, name: str) -> None:
        doc = self._pattern(name)
        docs = [doc]
        # genitive: "Fredensborgs", "Lyngby-Taarbæks"
        toks = tokenize(name)
        if toks and not toks[-1].fold.endswith("s"):
            gen = [*toks[:-1], Tok(toks[-1].text + "s", toks[-1].low + "s", toks[-1].fold + "s", "word", 0, 0)]
            docs.append(self.lex.doc(gen))
        self.matcher.add(key, docs)

    def scan(self, toks: list[Tok], doc: Sequence[str]) -> PlaceScan:
        """Places among the tokens; `doc` is the tokens' folded forms (Lexicon.doc)."""
        out = PlaceScan()
        spans = sorted(self.matcher(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        taken: set[int] = set()
        for key, start, end in spans:
            if any(i in taken for i in range(start, end)):
                continue
            words = " ".join(t.text for t in toks[start:end])
            if key.startswith("M") and end - start == 1 and toks[start].fold.rstrip("s") in _COMMON_WORD_NAMES \
                    | {n + "s" for n in _COMMON_WORD_NAMES}:
                if not self._written_as_name(toks, start):
                    continue
            taken.update(range(start, end))
            hit = PlaceHit(int(key[1:]), start, end, words, key.startswith("R"))
            (out.regions if hit.is_region else out.municipalities).append(hit)
        out.used = taken
        self._scan_rest(toks, taken, out)
        out.municipalities = _dedupe(out.municipalities)
        return out

    @staticmethod
    def _written_as_name(toks: list[Tok], i: int) -> bool:
        nxt = toks[i + 1].fold if i + 1 < len(toks) else ""
        prev = toks[i - 1].fold if i > 0 else ""
        joins = {"og", "vs", "versus", "eller", "mod", "med"}  # "lejre vs roskilde": a list of places
        return toks[i].capitalized or nxt.startswith("kommune") or prev in {"i", "for", *joins} or nxt in joins

    def _scan_rest(self, toks: list[Tok], taken: set[int], out: PlaceScan) -> None:
        """Foreign places, typos and unknown capitalised names among the tokens no pattern took."""
        for i, t in enumerate(toks):
            if i in taken or t.kind != "word":
                continue
            f = t.fold
            nxt = toks[i + 1].fold if i + 1 < len(toks) else ""
            if f in FOREIGN or f"{f} {nxt}" in FOREIGN:
                out.foreign.append(t.text if f in FOREIGN else f"{t.text} {toks[i + 1].text}")
                taken.add(i)
                continue
            if not self._candidate(toks, i):
                continue
            best = process.extract(f, list(self._fuzzy), scorer=fuzz.ratio, limit=6)
            codes: list[tuple[float, int]] = []
            for name, score, _ in best:
                code = self._fuzzy[name]
                if all(c != code for _, c in codes):
                    codes.append((score, code))
            if not codes:
                continue
            (s1, c1), s2 = codes[0], (codes[1][0] if len(codes) > 1 else 0.0)
            if s1 >= self.FUZZY_ACCEPT and s1 - s2 >= self.FUZZY_MARGIN:
                out.municipalities.append(PlaceHit(c1, i, i + 1, t.text, corrected_from=t.text))
                taken.add(i)
            elif s1 >= self.FUZZY_CLARIFY:
                close = [c for s, c in codes if s >= self.FUZZY_CLARIFY and s1 - s < self.FUZZY_MARGIN]
                out.ambiguous.append((t.text, close[:3]))
                taken.add(i)
            elif t.capitalized and i > 0 and toks[i - 1].fold in {"i", "for", "med", "og"} and len(f) >= 3 \
                    and f not in {"danmark", "danmarks"}:  # the country is a comparison, no unknown place
                out.unknown.append(t.text)

    def _candidate(self, toks: list[Tok], i: int) -> bool:
        """Fuzzy-match only tokens that can be a misspelt name, never ordinary Danish words."""
        t = toks[i]
        f = t.fold
        if len(f) < 4 or f in STOPWORDS or not t.text.isalpha():
            return False
        if t.capitalized and i > 0:
            return not (self.lex.word_keys(t.low) & self.lex.vocab)
        return not self.lex.is_known_word(t.low) and not (self.lex.word_keys(t.low) & self.lex.vocab)


def _dedupe(hits: list[PlaceHit]) -> list[PlaceHit]:
    seen: set[int] = set()
    out = []
    for h in sorted(hits, key=lambda h: h.start):
        if h.code not in seen:
            seen.add(h.code)
            out.append(h)
    return out
