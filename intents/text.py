"""Text normalisation and tokenisation shared by every matcher.

Matching happens on *folded* forms (casefolded, æ/ø/å and foreign letters spelled in ASCII), so that
"Koebenhavn", "København" and "KØBENHAVN" meet, and on tokens of one of a few kinds, so that age
groups ("0-13-årig", "65+/67+-årige"), years and thousands ("1.000") never get confused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 500

_FOLD = str.maketrans({
    "æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e", "ê": "e",
    "á": "a", "à": "a", "ó": "o", "ò": "o", "ô": "o", "í": "i", "ú": "u", "ß": "ss", "ç": "c", "ñ": "n",
})

# Number words that users write for "top n" / "de sidste n år".
NUMBER_WORDS = {
    "en": 1, "et": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9,
    "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15, "tyve": 20,
    "tredive": 30, "fyrre": 40, "halvtreds": 50,
}


def fold(text: str) -> str:
    """Casefold and spell Danish/foreign letters in ASCII (ae/oe/aa); both sides of every match use it."""
    return text.casefold().translate(_FOLD)


def clean(text: str) -> str:
    """NFC, no control characters, single spaces: the only preprocessing applied to raw input."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if (ch.isprintable() or ch in " \t") else " " for ch in text)
    text = text.replace("\u00b2", "2").replace("\u00b3", "3")  # km² is the catalog's km2
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-").replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Tok:
    """One token: kind is word | num | age; `low` keeps æøå (for the lemma table), `fold` is ASCII."""

    text: str
    low: str
    fold: str
    kind: str
    start: int
    end: int
    value: int | None = None  # num: the integer value
    genitive: bool = False  # word followed by an apostrophe ("Aarhus'")

    @property
    def capitalized(self) -> bool:
        return self.kind == "word" and self.text[:1].isupper()


_AAR = r"(?:[åÅ]|[aA]{2})r(?:i?ge?)?\b"  # "år", "årig", "årige", and "aarige" without æøå
_AGE_RANGE = rf"(?P<a1>\d{{1,2}})\s?-\s?(?P<a2>\d{{1,3}})(?:\s?/\s?(?P<a3>\d{{1,3}}))?(?:\s?-?\s?{_AAR}|\b)"
_AGE_PLUS = rf"(?P<p1>\d{{1,3}})\s?\+(?:\s?/\s?(?P<p2>\d{{1,3}})\s?\+)?(?:\s?-?\s?{_AAR})?"
_OVER = rf"\b[oO]ver (?P<o1>\d{{2}})(?!\d)(?:\s?-?\s?{_AAR})?(?! ?(?:pct|procent|%|kr))"
_BETWEEN = r"\b[mM]ellem (?P<b1>\d{1,2}) og (?P<b2>\d{1,3}) ?(?:[åÅ]|[aA]{2})r(?:i?ge?)?\b"
_UNDER = rf"\b[uU]nder (?P<u1>\d{{1,2}}) ?{_AAR}"  # "børn under 3 år" are the 0-2-year-olds
_AND_OVER = (rf"(?P<d1>\d{{2}}) ?{_AAR},? (?:og|eller) (?:derover|ældre|aeldre|opefter)\b"  # "80 år og derover"
             rf"|\b(?:fyldt|fylder) (?P<f1>\d{{2}})(?:\s?{_AAR})?")  # "var fyldt 80"
_TOKEN_RE = re.compile(
    rf"(?P<between>{_BETWEEN})"
    rf"|(?P<under>{_UNDER})"
    rf"|(?P<andover>{_AND_OVER})"
    rf"|(?P<over>{_OVER})"
    rf"|(?P<plus>{_AGE_PLUS})"
    rf"|(?P<range>{_AGE_RANGE})"
    r"|(?P<thou>\d{1,3}(?:\.\d{3})+)(?![\d,])"
    r"|(?P<num>\d+(?:,\d+)?)"
    r"|(?P<word>[^\W\d_]+\d*)(?P<apos>')?",
)


def _age_key(m: re.Match[str]) -> str | None:
    if m.group("under"):
        u1 = int(m.group("u1"))
        return f"0-{u1 - 1}" if u1 >= 2 else None
    if m.group("andover"):
        return f"{int(m.group('d1') or m.group('f1'))}+"
    if m.group("between"):
        b1, b2 = int(m.group("b1")), int(m.group("b2"))
        return f"{b1}-{b2}" if b1 < b2 <= 120 else None
    if m.group("over"):
        return f"{int(m.group('o1'))}+"  # "over 80 år" is the age group 80+
    if m.group("plus"):
        p1, p2 = m.group("p1"), m.group("p2")
        return f"{int(p1)}+/{int(p2)}+" if p2 else f"{int(p1)}+"
    a1, a2, a3 = int(m.group("a1")), int(m.group("a2")), m.group("a3")
    if a2 > 120 or a1 >= a2:
        return None
    return f"{a1}-{a2}/{int(a3)}" if a3 else f"{a1}-{a2}"


def tokenize(text: str) -> list[Tok]:
    """Split into word/num/age tokens with character offsets; punctuation is dropped."""
    toks: list[Tok] = []
    for m in _TOKEN_RE.finditer(text):
        s, e = m.start(), m.end()
        raw = m.group(0)
        if any(m.group(g) for g in ("under", "andover", "between", "over", "plus", "range")):
            key = _age_key(m)
            if key is not None:
                toks.append(Tok(raw, key, key, "age", s, e))
                continue
            # "2-1" or a year range: re-tokenize as plain numbers
            for n in re.finditer(r"\d+", raw):
                v = int(n.group(0))
                toks.append(Tok(n.group(0), n.group(0), n.group(0), "num", s + n.start(), s + n.end(), v))
            continue
        if m.group("thou"):
            v = int(m.group("thou").replace(".", ""))
            toks.append(Tok(raw, str(v), str(v), "num", s, e, v))
        elif m.group("num"):
            digits = m.group("num")
            number = int(digits.split(",")[0]) if len(digits) < 12 else None
            toks.append(Tok(raw, digits, digits, "num", s, e, number))
        else:
            word = m.group("word")
            low = word.casefold()
            toks.append(Tok(word, low, fold(low), "word", s, s + len(word), None, bool(m.group("apos"))))
    return toks


_SUFFIXES = ("ernes", "enes", "erne", "eres", "ere", "ene", "ens", "ets", "en", "et", "er", "e", "s")


def stem(word: str) -> str:
    """A tiny Danish suffix stripper (one suffix, longest first), then undouble a final consonant.

    It is deliberately crude: it only has to map inflected forms of the same word onto one key, and it
    is applied identically to catalog terms and to questions.
    """
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            word = word[: -len(suf)]
            break
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "aeiouy":
        word = word[:-1]
    return word


def age_alternatives(key: str) -> frozenset[str]:
    """'17-64/66' is also '17-64' and '17-66'; '65+/67+' is also '65+' and '67+'."""
    alts = {key}
    if "/" in key:
        if key.endswith("+"):
            alts.update(p for p in key.split("/"))
        else:
            head, tail = key.split("/", 1)
            lo = head.split("-")[0]
            alts.update({head, f"{lo}-{tail}"})
    return frozenset(alts)
