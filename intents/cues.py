"""Rule cues for operation, comparison set, ranking and scope, matched on the folded token string.

Patterns are written in folded ASCII (ae/oe/aa) with word stems, so "nabokommunerne", "naboerne" and
"nabokommunernes" share one rule. Each cue reports the words it used, for the provenance steps.

A rule may leave room for other words between its own ("hvilke ... højeste", "ligger ... over"): such a gap is
written with `gap()`, a named group. The rule fires across the gap, but of the words in it only function words
and the cue tables' own words count as the rule's; any other word ("jyske", "Fyn", "bruger") stays free, for a
place, the figure or the accounting of left-over words (which names it and asks), never silently dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from intents.accounting import is_function_word
from intents.text import NUMBER_WORDS, Tok, fold

_GAP_NAMES = itertools.count()


def gap(least: int, most: int) -> str:
    """Room for `least` to `most` words (each followed by a space) between the words of a rule, as a named
    group: its words are not the rule's own unless they are function words or cue words (`_gap_word`)."""
    return rf"(?P<gap{next(_GAP_NAMES)}>(?:\w+ ){{{least},{most}}})"


def gap_word() -> str:
    """One word of any kind in a rule ("hvad er en <word>"), as a gap: the word is for the figure or a place."""
    return rf"(?P<gap{next(_GAP_NAMES)}>\w+)"


_NUMW = "|".join(sorted((w for w in NUMBER_WORDS if w not in {"en", "et"}), key=len, reverse=True))
SUPERLATIVE_DESC = r"(?:hoejeste?|stoerste?|flest|mest|dyreste?|hurtigst\w*|oeverste?|topp\w*|taetteste?)"
SUPERLATIVE_ASC = r"(?:laveste?|mindste?|faerrest|mindst|billigste?|nederste?|bund\w*)"

CUES: dict[str, list[str]] = {
    "definition": [
        r"\bhvad betyder\b", r"\bbetydning(?:en)? af\b", r"\bdefiner\w*", r"\bdefinition\w*",
        r"\bhvad daekker\b", r"\bhvad indgaar\b", r"\bhvad (?:menes|forstaas) (?:der )?med\b",
        r"\bhvordan " + gap(0, 6)
        + r"(?:defineret|opgjort|beregnet|udregnet|maalt|defineres|opgoeres|beregnes|udregnes)\b",
        r"\bforklar\w*\b", r"\bhvad er (?:et|en) " + gap_word() + r"\b(?= ?$)", r"\bhvad vil det sige\b",
    ],
    "overview": [
        r"\boverblik\w*", r"\bnoegletalsrapport\w*", r"\bprofil\w*", r"\bhvordan staar det til\b",
        r"\bhvordan gaar det (?:med|i|for)\b", r"\bfakta om\b", r"\bopsummer\w*", r"\bde vigtigste (?:noegle)?tal\b",
        r"\balle (?:noegle)?tal(?:lene)? (?:for|om)\b", r"\bnoegletal(?:lene)? (?:for|om|i)\b", r"^noegletal\b",
        r"\bsammenfatning\b", r"\bportraet\w*", r"\b(?:centrale|vigtigste|vaesentligste) noegletal\b",
    ],
    "savings": [
        r"\bspare\w*", r"\bbesparelse\w*", r"\braaderum\w*",
        r"\bhvis " + gap(1, 1) + r"(?:laa|laege|var|havde|brugte)\b",  # "hvis vi/Aarhus lå ..."
        r"\bhvis " + gap(1, 8) + r"(?:laa|laege|svarede) (?:paa|til|som)\b",
        r"\bpaa niveau med\b", r"\bpotentiale\w*", r"\bfrigoere\w*", r"\bhente\w* hjem\b", r"\beffektivisering\w*",
    ],
    "rank": [
        r"\btop ?(?:\d{1,2}|" + _NUMW + r")\b", r"\brang\w*", r"\bplacering\w*", r"\bnr\.? hvad\b",
        r"\bnummer hvad\b", r"\bhvor(?:dan)? (?:i raekken|placerer)\b",
        r"\b(?:hvilke|hvilken|hvem|hvor) " + gap(0, 10) + f"(?:{SUPERLATIVE_DESC}|{SUPERLATIVE_ASC})\\b",
        r"\bkommuner(?:ne)? med (?:de |den )?" + f"(?:{SUPERLATIVE_DESC}|{SUPERLATIVE_ASC})\\b",
        r"\bde (?:\d{1,2}|" + _NUMW + r") " + gap(0, 3) + r"kommuner\b", r"\bhoejest\b|\blavest\b",
    ],
    "distribution": [
        r"\balle (?:landets |98 |danske )?kommuner\w*", r"\bpaa et (?:danmarks)?kort\b", r"\bkort over\b",
        r"\bdanmarkskort\w*", r"\bfordeling\w*", r"\bfordeler sig\b", r"\bspredning\w*",
        r"\bvis (?:det |dem )?paa kort\b", r"\bliste\w*", r"\boversigt\w*", r"\bkort\b", r"\bfordeler\b",
        r"\bhele landet kommune for kommune\b", r"\bkommune for kommune\b",
    ],
    "trend": [
        r"\budvikl\w*", r"\baendre?t? sig\b", r"\baendring\w*", r"\bover tid\b", r"\btidsserie\w*", r"\bgraf\w*",
        r"\bkurve\w*", r"\bsteget\b", r"\bfaldet\b", r"\bstigning\w*", r"\bhistori\w*", r"\bgennem aarene\b",
        r"\baar for aar\b", r"\btrend\w*", r"\bforloeb\w*", r"\bvokset\b",
    ],
    "compare": [
        r"\bsammenlign\w*", r"\bi forhold til\b",
        r"\bligger " + gap(0, 3) + r"(?:hoejt|lavt|over|under|hoejere|lavere)\b",
        r"\b(?:hoejere|lavere|stoerre|mindre|dyrere|billigere) end\b", r"\b(?:over|under) (?:lands)?gennemsnit\w*",
        r"\bsammenholdt med\b", r"\bift\b", r"\bversus\b", r"\bvs\b", r"\bforskel(?:len|le)?\b", r"\bmodsat\b",
        r"\bholder " + gap(0, 1) + r"mod\b",
    ],
}

COMPARISON: dict[str, list[str]] = {
    "neighbours": [r"\bnabo\w*", r"\bomegnskommune\w*", r"\bkommunerne omkring\b", r"\bomkringliggende\w*",
                   r"\bnaerliggende\w*", r"\bgraenser op til\b"],
    "similar": [r"\blignende kommune\w*", r"\bsammenlignelige\w*", r"\bkommuner (?:som|der) ligner\b",
                r"\bligner (?:os\b|" + gap_word() + r"\b)", r"\bsammenligningskommune\w*", r"\btilsvarende kommune\w*",
                r"\bkommuner af samme (?:stoerrelse|type)\b", r"\bsamme (?:type|slags) kommune\w*"],
    "country": [r"\blandsgennemsnit\w*", r"\bhele landet\b", r"\blandsplan\b", r"\bgennemsnittet\b",
                r"\bgennemsnit\b", r"\bgennemsnitlige?\b", r"\bresten af landet\b", r"\blandets?\b", r"\bdanmark\b",
                r"\bgennemsnitskommune\w*", r"\blandstal\w*", r"\bnational\w*", r"\blandsniveau\w*"],
    "region": [r"\bregionen\w*", r"\bregionens\b", r"\bandre kommuner i regionen\b", r"\bregionsgennemsnit\w*"],
    # All five regions side by side: the plural ("regionerne", "de fem regioner"), one region at a time ("hver
    # region", "pr. region", "regionsvis", "region for region") or a question about which region.
    "regions": [r"\bregioner\w*", r"\b(?:hver|hvert|hvilken|hvilke|samtlige) (?:enkelt )?region\b",
                r"\b(?:pr|per) region\b", r"\bregion for region\b", r"\bregionsvis\w*", r"\bregionsniveau\w*"],
}

# Words of change: a figure that went up or down over the years ("steget", "stigningen", "vokset", "øget",
# "faldet", "ændringen", "udviklingen", "hævet", "sænket"), in any inflection. A ranking with one of them ranks
# by how much the figure changed, which is another question than a ranking of its level.
CHANGE = (r"\b(?:stig\w*|steg(?:et|ne)?|voks(?:e|er|ede|et)|(?:til)?vaekst\w*|udvikl\w*|(?:for)?aendr\w*"
          r"|(?:for)?oeg(?:e|er|es|et|ede|else\w*|ning\w*)|(?<!saa )fald(?:et|er|t|ende|ne)?|mindsk\w*"
          r"|(?:frem|tilbage|ned)gang\w*|forbedr\w*|forvaerr\w*|haev(?:e|er|es|et|ede)|saenk(?:e|er|es|et|ede|ning\w*)"
          r"|reducer\w*|nedsat(?:te)?|nedsaet\w*)\b")

BENCHMARK_QUARTILE = [r"\bkvartil\w*", r"\bbilligste\b", r"\bmest effektive\b", r"\bbedste 25\b",
                      r"\bde 25 (?:pct|procent)\b", r"\blaveste fjerdedel\b", r"\bde bedste\b"]

# Out of scope: persons and politics, weather, markets, entertainment, general chat.
OUT_OF_SCOPE = [
    r"\bvejr\w*", r"\bregnvejr\b", r"\btemperatur\w*", r"\bsne\b", r"\bborgmest\w*", r"\bminist\w*",
    r"\bpolitiker\w*", r"\bparti\w*\b", r"\bfolketingsvalg\w*",
    # "hvem er størst" is a ranking, not a question about a person
    r"\bhvem (?:er|var|vandt|blev)\b(?! (?:\w+ )?(?:" + SUPERLATIVE_DESC[3:-1] + "|" + SUPERLATIVE_ASC[3:-1]
    + r"|nr\b))", r"\baktie\w*",
    r"\bbitcoin\b", r"\bbors\w*", r"\bboers\w*", r"\bvaluta\w*", r"\bdigt\w*", r"\bvittighed\w*", r"\bjoke\w*",
    r"\bsang\w*", r"\bopskrift\w*", r"\bfodbold\w*", r"\bfilm\w*", r"\bhvem er du\b", r"\bhvordan har du det\b",
    r"\bfortael (?:en|mig en)\b", r"\bskriv (?:en|et)\b", r"\brestaurant\w*", r"\bhotel\w*", r"\bflyafgang\w*",
    r"\bbilletter?\b", r"\bkaerlighed\b", r"\bmeningen med livet\b", r"\bhuspris\w*",
    r"\brente\w*", r"\bhoroskop\w*", r"\bkongehus\w*", r"\bdronning\w*",
]
STRONG_OUT_OF_SCOPE = re.compile(r"\bvejr\w*|\bdigt\w*|\bvittighed\w*|\bjoke\w*|\bopskrift\w*|\baktie\w*"
                                 r"|\bbitcoin\b|\bhoroskop\w*|\bsang(?:tekst)?\b")
GREETING = r"^(?:hej|hejsa|goddag|godmorgen|halloej|hallo|tak|mange tak|ok|okay|ja|nej)(?: med dig)?$"
FOLLOW_UP = r"^(?:og|hvad med|hvad saa med|saa|samme|men|hvordan med|hvad hvis|end|og hvad med)\b"


def _compile(rules: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{r})" for r in rules))


_CUE_RX = {k: _compile(v) for k, v in CUES.items()}
_CMP_RX = {k: _compile(v) for k, v in COMPARISON.items()}
_QUARTILE_RX = _compile(BENCHMARK_QUARTILE)
_OOS_RX = _compile(OUT_OF_SCOPE)
_GREET_RX = re.compile(GREETING)
_FOLLOW_RX = re.compile(FOLLOW_UP)
_DESC_RX = re.compile(rf"\b{SUPERLATIVE_DESC}\b")
_ASC_RX = re.compile(rf"\b{SUPERLATIVE_ASC}\b")
_CHANGE_RX = re.compile(CHANGE)
_ORDER_RX = re.compile(rf"\b(?:{SUPERLATIVE_DESC}|{SUPERLATIVE_ASC}) foerst\b")  # "laveste først": the order
# Every steering rule, to tell whether one word in a gap is a cue word of its own.
_CUE_WORD_RX = _compile([*(r for rules in (*CUES.values(), *COMPARISON.values()) for r in rules),
                         *BENCHMARK_QUARTILE, SUPERLATIVE_DESC, SUPERLATIVE_ASC])


@dataclass(frozen=True)
class Cue:
    """A rule that fired: its kind, the first matched words, and every token any of its matches covered
    (so the parser can tell which words of the question the rules accounted for)."""

    kind: str
    words: str
    token_ids: frozenset[int] = frozenset()


# Heads of compounds that carry an operation ("befolkningsudviklingen" = the population over time).
_CUE_HEADS = ("udvikling", "stigning", "aendring", "fordeling", "sammenligning", "rangering", "rangliste")


def split_compounds(toks: list[Tok]) -> list[Tok]:
    """Split a word whose head is an operation noun into the figure part and the operation part, so that
    each is consumed by its own rule ("befolknings" + "udviklingen")."""
    out: list[Tok] = []
    for t in toks:
        cut = next((t.fold.find(h) for h in _CUE_HEADS if t.kind == "word" and t.fold.find(h) >= 4), -1)
        if cut < 0 or len(t.fold) != len(t.text):
            out.append(t)
            continue
        left, right = t.text[:cut], t.text[cut:]
        out.append(Tok(left, left.casefold(), fold(left.casefold()), "word", t.start, t.start + cut))
        out.append(Tok(right, right.casefold(), fold(right.casefold()), "word", t.start + cut, t.end, None,
                       t.genitive))
    return out


def shape(toks: list[Tok]) -> str:
    return " ".join(t.fold for t in toks)


def owners(text: str) -> list[int]:
    """For each character of the shaped text, the index of the token it belongs to (-1 for spaces)."""
    out: list[int] = []
    i = 0
    for ch in text:
        if ch == " ":
            out.append(-1)
            i += 1
        else:
            out.append(i)
    return out


def span_ids(owner: list[int], start: int, end: int) -> frozenset[int]:
    return frozenset(owner[j] for j in range(start, end) if owner[j] >= 0)


def _gap_word(word: str) -> bool:
    """A word in a rule's gap that the rule may count as its own: a function word ("har", "den", "kommuner")
    or a word the cue tables know on its own (a superlative, "vokset", "landets"). Content words are not."""
    return is_function_word(_tok(word)) or bool(_CUE_WORD_RX.fullmatch(word))


def _tok(word: str) -> Tok:
    """A token again from its folded form in the shaped text (a word or a number; ages never fill a gap)."""
    return Tok(word, word, word, "word" if word[:1].isalpha() else "num", 0, len(word))


def _all(rx: re.Pattern[str], text: str, owner: list[int]) -> tuple[str, frozenset[int]] | None:
    """The first match's words and the tokens of every match, without the free words of their gaps."""
    ms = [m for m in rx.finditer(text) if m.end() > m.start()]
    if not ms:
        return None
    words = text.split(" ")
    gaps = [g for name, g in rx.groupindex.items() if name.startswith("gap")]
    ids: set[int] = set()
    for m in ms:
        free = {i for g in gaps if m.start(g) >= 0 for i in _free(words, span_ids(owner, m.start(g), m.end(g)))}
        ids |= span_ids(owner, m.start(), m.end()) - free
    return ms[0].group(0), frozenset(ids)


def _free(words: list[str], gap_ids: frozenset[int]) -> set[int]:
    """The words of a gap the rule does not take: content words, and a function word just before one, so the
    accounting quotes the user's phrase ("på Fyn")."""
    free = {i for i in gap_ids if not _gap_word(words[i])}
    return free | {i - 1 for i in free if i - 1 in gap_ids and is_function_word(_tok(words[i - 1]))}


def find(text: str, table: str) -> list[Cue]:
    """Every cue kind of the table ('op' or 'cmp') that occurs, with the matched words and tokens."""
    rx = _CUE_RX if table == "op" else _CMP_RX
    owner = owners(text)
    out = []
    for kind, r in rx.items():
        hit = _all(r, text, owner)
        if hit:
            out.append(Cue(kind, hit[0], hit[1]))
    return out


def consumed(text: str) -> frozenset[int]:
    """Tokens taken by the steering rules that are not op/cmp cues: rank order, quartile, follow-up."""
    owner = owners(text)
    ids: set[int] = set()
    for rx in (_ASC_RX, _DESC_RX, _ORDER_RX, _QUARTILE_RX, _FOLLOW_RX):
        hit = _all(rx, text, owner)
        if hit:
            ids |= hit[1]
    return frozenset(ids)


def change(text: str) -> frozenset[int]:
    """The tokens that speak of change ("steget", "vokset mest", "den største stigning")."""
    hit = _all(_CHANGE_RX, text, owners(text))
    return hit[1] if hit else frozenset()


def rank_order(text: str) -> str | None:
    asc, desc = _ASC_RX.search(text), _DESC_RX.search(text)
    if asc and (not desc or asc.start() < desc.start()):
        return "asc"
    return "desc" if desc else None


def quartile(text: str) -> str | None:
    m = _QUARTILE_RX.search(text)
    return m.group(0) if m else None


def out_of_scope(text: str, strong: bool = False) -> str | None:
    m = (STRONG_OUT_OF_SCOPE if strong else _OOS_RX).search(text)
    return m.group(0) if m else None


def is_greeting(text: str) -> bool:
    return bool(_GREET_RX.match(text))


def is_follow_up(text: str) -> bool:
    return bool(_FOLLOW_RX.match(text))


def small_number(toks: list[Tok], skip: set[int]) -> tuple[int, str, int] | None:
    """The first count in the question (digits 1-98 or a number word) that is no year, age or 'pr. 100'."""
    for i, t in enumerate(toks):
        if i in skip:
            continue
        prev = toks[i - 1].fold if i > 0 else ""
        if prev in {"pr", "per", "nr", "hovedkonto", "hkt"}:
            continue
        if t.kind == "num" and t.value is not None and 1 <= t.value <= 98 and "," not in t.text:
            return t.value, t.text, i
        if t.kind == "word" and t.fold in NUMBER_WORDS and t.fold not in {"en", "et"}:
            return NUMBER_WORDS[t.fold], t.text, i
    return None


_CHANGE_WORD = re.compile(r"^(?:vokset|voksede|steget|steg|faldet|faldt|stigning\w*|fald|aendret|aendring\w*|"
                          r"oeget|foroeget|forhoejet|mindsket|udvikl\w*)$")  # folded forms


def change_percent(toks: list[Tok]) -> frozenset[int]:
    """The "procent"/"pct." that says how a change is measured ("vokset i procent", "hvor mange procent er den
    steget"): within six words of a word of change."""
    changes = [i for i, t in enumerate(toks) if _CHANGE_WORD.match(t.fold)]
    if not changes:
        return frozenset()
    return frozenset(i for i, t in enumerate(toks) if t.fold in {"procent", "pct"}
                     and any(abs(i - j) <= 6 for j in changes))
