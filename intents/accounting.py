"""Accounting of words: every token of a question is consumed by something, or it is reported.

A parse that silently drops a word ("over 65", "for kvinder", "sygefraværet") answers a different
question than the one asked. So after the slots are filled, each token is attributed to what consumed it
(a place, a figure, a time expression, a rule cue, a function word, or the chosen figure's own definition),
and what is left over is grouped into the user's own phrases, for the parser to ask back or refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from intents.lexicon import ABBREVIATIONS, STOPWORDS, Lexicon
from intents.text import NUMBER_WORDS, Tok, fold, tokenize

# Danish function words and the verbs, adverbs and nouns of asking that carry no figure, place, time or
# scope of their own (folded). General Danish, not the words of particular questions: a word belongs here
# only if adding it to any question about a key figure cannot change which numbers are right.
FUNCTION_WORDS = frozenset(fold(w) for w in """
    af alle allerede alt altid altså andet andre anden at bare bliver blev blevet både cirka da dag dem den
    denne dens der deraf deres dermed derfor dette det dets dig din dine dit dog du efter egentlig egentligt
    ellers eller en end endnu ene enhver et ethvert fik for fra fået få får gerne gid give giv giver gav
    godt gør gøre gjorde gjort ham han hans har have havde haft hende hendes her hermed hos hun hvad
    hvem hver hvert hvilke hvilken hvilket hvis hvor hvordan hvorhenne hvornår hvorledes i ifølge igen
    ind indenfor jeg jer jo kan kender kende kunne kunnet lidt lige man mange med meget mig min mine
    mit mon måske nej netop noget nogen nogle nu når nøjagtig nøjagtigt og også om omkring op os over
    på præcis præcist rigtig rigtigt sagt samme sammen se ser sig sige siger sin sine sit skal skulle så
    sådan tak til tror ud uden under ved vel vi vil ville vis vise viser være været vor vores vort
    venligst please hej ok okay kære spørgsmål spørge spørger svar svare vide ved gad mener mene tja
    bo bor boede boet ligge ligger lå lagt stå står stod ligeledes hhv henholdsvis
    findes fandtes finde find hente hent oplys oplyse fortæl fortælle fortalt tjek tjekke undersøg
    slå opslag kigge kigger kiggede sidder sidde arbejder arbejde tage tager tog taget betaler betale
    betalte udgør udgjorde udgøre gå går gik ende endte lande landede klare klarer klarede os selv
    tal tallet tallene tal nøgletal nøgletallet nøgletallene værdi værdien værdier data opgørelse
    statistik statistikken oplysning oplysninger information informationer niveau niveauet
    kommune kommunen kommunens kommuner kommunerne kommunernes kommunalt kommunal kommunale
    egen eget egne helt hele samlet samlede i_alt totalt total stor store stort størrelse højt lavt
    ca. mv fl osv etc dvs fx f.eks eksempel
    år året årene års årets årlig årligt årlige
    blandt kommunes høj lav lave mere flere færre større mindre helhed tilbage ikke tværs
    må maa bede beder udefra alder alderen
    højere lavere dyrere billigere betyde betyder betød svare svarer svarede svarende hurtigt hurtig
    modtog modtager modtage modtaget kommer komme kom måler måles måle
    """.split())

# Prepositions shown with a left-over word, so the user reads their own phrase ("for kvinder").
_LEAD = frozenset({"for", "blandt", "hos", "af", "til", "om", "paa", "med", "uden", "ved", "i", "pr", "per",
                   "under", "over", "efter", "inden", "mellem"})


# Compound parts that name no concept of their own ("handicapområdet" is about handicap).
GENERIC_PARTS = frozenset({"omraade", "omraad"})
# Unit words a question may use for a figure of that unit (folded stems, as the lexicon keys them).
UNIT_KEYS = {"pct": ("procent", "pct", "procentdel", "procentsats", "andel"), "promille": ("promille",),
             "kr": ("kr", "kron", "krone", "penge", "beloeb", "million", "mio", "milliard")}


# The start of a year, for figures counted on 1 January (stocks: population, debt, cash).
YEAR_START = frozenset({"indgangen", "begyndelsen", "starten", "primo", "nytaar", "nytaarsdag"})
YEAR_START_KEY = "@year-start"  # in a figure's keys when its numerator is counted on 1 January


@dataclass(frozen=True)
class Leftover:
    """A phrase of the question that nothing used. `catalog` is True when its words name figure concepts
    (another figure than the one chosen); False for words the catalog does not know at all."""

    words: str
    token_ids: frozenset[int]
    catalog: bool
    has_age: bool = False
    core: str = ""  # the words without a leading preposition ("sygefravær" of "på sygefravær")


def is_function_word(tok: Tok) -> bool:
    if tok.kind != "word":
        return False
    f = tok.fold
    return f in FUNCTION_WORDS or f in STOPWORDS or f in NUMBER_WORDS or len(f) <= 1


def metric_keys(lex: Lexicon, texts: Iterable[str], unit: str = "") -> frozenset[str]:
    """Every key of a figure's own words (label, names, synonyms, definition) and of its unit: a word of
    the question found there is consistent with the figure ("normalklasser i folkeskolerne")."""
    keys: set[str] = set()
    for word in UNIT_KEYS.get(unit, ()):
        keys |= lex.word_keys(word)
    for text in texts:
        for tok in tokenize(text):
            if tok.kind == "word" and (tok.fold in STOPWORDS or len(tok.fold) < 3):
                continue
            if tok.kind == "word":
                keys |= lex.word_keys(tok.low)  # the whole word too: inflected compounds split differently
                keys |= lex.head(tok.low)
                if tok.fold in ABBREVIATIONS:  # "forsyningsvirks." also covers "forsyning"
                    for part in lex.parts(ABBREVIATIONS[tok.fold]):
                        keys |= part
            for part in lex.token_parts(tok):
                keys |= part
    return frozenset(keys)


def leftovers(toks: list[Tok], used: set[int], lex: Lexicon, figure_keys: frozenset[str] = frozenset()
              ) -> list[Leftover]:
    """The phrases of the question that no part of the parse consumed (function words excepted)."""
    free: list[int] = []
    for i, tok in enumerate(toks):
        if i in used or is_function_word(tok):
            continue
        if figure_keys and _within(lex, tok, figure_keys):
            continue
        if YEAR_START_KEY in figure_keys and (tok.fold in YEAR_START or _first_of_january(toks, i)):
            continue  # "ved indgangen til 2019" is 1 January 2019, the date a stock figure is counted on
        free.append(i)
    groups: list[list[int]] = []
    for i in free:
        if groups and _joined(toks, groups[-1][-1], i, used):
            groups[-1].append(i)
        else:
            groups.append([i])
    out = []
    for g in groups:
        lo, hi = g[0], g[-1]
        if lo > 0 and toks[lo - 1].fold in _LEAD and lo - 1 not in used:
            lo -= 1
        words = " ".join(toks[j].text for j in range(lo, hi + 1))
        catalog = any(toks[j].kind == "word" and bool(lex.word_keys(toks[j].low) & lex.vocab) for j in g)
        core = " ".join(toks[j].text for j in range(g[0], hi + 1))
        out.append(Leftover(words, frozenset(g), catalog, any(toks[j].kind == "age" for j in g), core))
    return out


def _first_of_january(toks: list[Tok], i: int) -> bool:
    """"1. jan(uar)" or "1/1": the day a stock figure is counted."""
    t = toks[i]
    nxt = toks[i + 1].fold if i + 1 < len(toks) else ""
    prev = toks[i - 1] if i > 0 else None
    if t.fold in {"jan", "januar"}:
        return prev is not None and prev.kind == "num" and prev.value == 1
    return t.kind == "num" and t.value == 1 and (nxt in {"jan", "januar"} or (nxt == "1" and i + 1 < len(toks)))


def within(lex: Lexicon, tok: Tok, keys: frozenset[str]) -> bool:
    """Whether a figure with these keys accounts for the whole word (see `_within`)."""
    return _within(lex, tok, keys)


def _within(lex: Lexicon, tok: Tok, keys: frozenset[str]) -> bool:
    """All compound parts of the word (or the age group, or the number) occur among the figure's keys;
    a generic part ("-området") needs no match. A compound of two of the figure's own words counts too
    ("byrådsmedlemmer" for a figure about the members of "byrådet")."""
    every = lex.token_parts(tok, question=True)
    if every and all(p & keys for p in every):
        return True
    parts = [p for p in every if not p & GENERIC_PARTS]
    if parts and all(p & keys for p in parts):
        return True
    low = tok.low
    for i in range(3, len(low) - 2):
        left, right = low[:i], low[i:]
        if (lex.word_keys(left) & keys or lex.word_keys(left.rstrip("s")) & keys) and lex.word_keys(right) & keys:
            return True
    return False


def _joined(toks: list[Tok], a: int, b: int, used: set[int]) -> bool:
    """Two left-over tokens belong to one phrase when only function words stand between them."""
    return all(j not in used and is_function_word(toks[j]) for j in range(a + 1, b)) and b - a <= 3
