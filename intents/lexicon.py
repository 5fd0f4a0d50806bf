"""Word keys: lemma (the Danish lookup table of spacy-lookups-data, compiled by intents/lemma_table.py) +
suffix stripping + compound splitting, on folded text.

A token's *keys* are the forms under which it can match a catalog term. Terms and questions go through
the same function, so "udgifterne", "udgift" and the head of "dagtilbudsudgifter" all meet at `udgift`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from intents.text import Tok, age_alternatives, fold, stem

if TYPE_CHECKING:
    from intents.lemma_table import LemmaTable

# Function words that never identify a figure (folded). "kommune" is here too: it is in half the
# questions and in none of the distinctions between figures.
STOPWORDS = frozenset(fold(w) for w in """
i til af for pr per og samt med m mv fl mfl paa ved fra om den det de en et er var har havde hvad hvor
hvilke hvilken hvilket hvordan hvem hvornaar kommune kommunen kommunens kommuner kommunerne kommunernes
som der alle at jeg vi du mig os vores vor min mit dig din dit man sig sin sit deres dem han hun
vaere blive bliver blev vaeret kan kunne skal skulle vil ville gerne hvis lige nu saa da ogsaa bare
giv vis se fortael oplys find hent mon tak venligst please aar aaret aarene aars ca cirka mange meget
ud ind op ned over under end eller men nogen noget nogle hver ene eneste samme andre
her hos efter foer inden mellem siden indtil mod the of is kr kroner beloeb tal tallet tallene
niveau niveauet stoerrelse hele kommunale kommunal kommunalt tak
januar jan primo ultimo
""".split())

# Label abbreviations, expanded on both sides (folded).
ABBREVIATIONS = {
    "udg": "udgift", "indb": "indbygger", "indt": "indtaegt", "adm": "administration",
    "admininistration": "administration", "bibl": "bibliotek", "folkeopl": "folkeoplysning",
    "sundh": "sundhed", "akt": "aktivitet", "medfin": "medfinansiering", "medfinans": "medfinansiering",
    "saerl": "saerlig", "led": "ledelse", "mdl": "maanedlig", "maanedl": "maanedlig", "koms": "kommune",
    "fors": "forsyning", "forsyningsvirks": "forsyningsvirksomhed", "virks": "virksomhed", "ref": "refusion",
    "ordn": "ordning", "centr": "central", "hand": "handicap", "anl": "anlaeg", "fin": "finansiering",
    "excl": "ekskl", "eksklusive": "ekskl", "uden": "ekskl", "inklusive": "inkl", "daekn": "daekning",
    "afg": "afgift", "prm": "promille", "off": "offentlig", "grl": "grundlag",
    "beskatningsgrl": "beskatningsgrundlag", "pct": "procent", "udlign": "udligning", "int": "integreret",
    "inst": "institution", "konk": "konkurrence", "uds": "udsaettelse", "gl": "gammel", "def": "definition",
    "boligsikr": "boligsikring", "hkt": "hovedkonto", "gns": "gennemsnit", "primaerkom": "primaerkommune",
    "udskrivn": "udskrivning", "mnd": "maaned", "mdr": "maaned", "aeldrebol": "aeldrebolig", "eft": "efter",
    "skoleref": "skolereform", "indik": "indikator", "aflastn": "aflastning", "pl": "plads",
    "borger": "indbygger", "borgere": "indbygger", "indbyggere": "indbygger", "ingen": "ekskl",
}

# Verbs and nouns that mean "spending" in questions ("hvad koster", "hvad bruger X på").
CONCEPTS: dict[str, tuple[str, ...]] = {
    # "hvad koster X": the municipality's spending on X, or the price (takst) a family pays for X
    "kost": ("udgift", "pris", "takst"), "koste": ("udgift", "pris", "takst"), "brug": ("udgift",),
    "omkostning": ("udgift",), "spend": ("udgift",),
    "forbrug": ("udgift",), "bruge": ("udgift",),
    # "hvor mange bor der": the people who live in the municipality are its inhabitants
    "bo": ("indbygger",), "boe": ("indbygger",),
    # employees are the staff; a share is given in per cent
    "ansat": ("personale",), "ansaet": ("personale",), "procent": ("andel",),
    # "ældreområdet", "skoleområdet": a policy area, asked about for its spending.
    "omraade": ("udgift",), "omraad": ("udgift",),
    # "om måneden" is the monthly rate; "hvor stor en (procent)del af" is a share
    # persons living in the municipality are its inhabitants ("personer med bopæl i kommunen")
    "person": ("indbygger",),
    "maaned": ("maanedlig",),
    # "dyrere", "billigste": a price; "tættest befolket": the population density
    "dyr": ("pris", "takst", "udgift"), "dyrer": ("pris", "takst", "udgift"), "billig": ("pris", "takst", "udgift"),
    "billiger": ("pris", "takst", "udgift"), "taet": ("taethed",), "taettest": ("taethed",),
    "befolked": ("befolkning",), "befolket": ("befolkning",), "del": ("andel",), "procentdel": ("andel",),
}
# One-way: "ældre" in a question means the figures' 65+/67+ population, but a term's "ældre"
# ("andelen af ældre") must not be satisfied by a question's "65+-årige".
QUESTION_CONCEPTS: dict[str, tuple[str, ...]] = {"aeldr": ("age:65+", "age:67+", "age:65+/67+"),
                                                  # children in the statistics are the 0-17-year-olds
                                                  "barn": ("age:0-17",), "boern": ("age:0-17",),
                                                  # small children: the nursery or the pre-school ages
                                                  "smaaboern": ("age:0-2", "age:0-5"),
                                                  "smaabarn": ("age:0-2", "age:0-5"),
                                                  # "i den erhvervsaktive alder": the working-age groups
                                                  "erhvervsaktiv": ("age:17-64", "age:17-66", "age:18-66",
                                                                    "age:17-64/66")}

_MIN_PART = 3


def _verb_of_noun(f: str) -> str | None:
    """The verb behind a nominalisation (folded): udsaettelse -> udsaette, udvikling -> udvikle."""
    for suffix in ("elsen", "elser", "else", "ningen", "ninger", "ning"):
        if f.endswith(suffix) and len(f) - len(suffix) >= 4:
            return f[: -len(suffix)] + "e"
    return None


class Lexicon:
    """Loads the compact lemma table once and turns words into match keys."""

    def __init__(self, table: LemmaTable | Path | None = None) -> None:
        # The Danish lookup lemmas of spacy-lookups-data, compiled (2.9 MB instead of spaCy's 177 MiB dict);
        # imported here so that `python -m intents.lemma_table` does not find itself imported already
        from intents.lemma_table import LemmaTable, load

        self._table = table if isinstance(table, LemmaTable) else load(table)
        self.vocab: set[str] = set()  # primary keys of every catalog word: the compound-splitting lexicon

    # -- lemma ------------------------------------------------------------------------------------
    def lemma(self, low: str) -> str:
        lem = self._table.get(low)
        return lem if lem is not None else low

    def is_known_word(self, low: str) -> bool:
        """True when the Danish lemma table knows the word (then it is no typo of a place name)."""
        return low in self._table

    @staticmethod
    def doc(toks: list[Tok]) -> tuple[str, ...]:
        """The tokens' folded forms: what the place matcher compares (its patterns go through this too)."""
        return tuple(t.fold for t in toks)

    # -- keys -------------------------------------------------------------------------------------
    @lru_cache(maxsize=65536)  # noqa: B019 - the lexicon lives as long as the parser
    def word_keys(self, low: str, question: bool = False) -> frozenset[str]:
        """Alternative keys of one word: stem(lemma) and stem(surface), abbreviations and concepts."""
        f = fold(low).strip("'")
        if f in ABBREVIATIONS:
            keys = {stem(ABBREVIATIONS[f])}
        else:
            keys = {stem(fold(self.lemma(low))), stem(f)}
            nominal = _verb_of_noun(f)
            if nominal:  # "konkurrenceudsættelse" meets "konkurrenceudsat" at the verb
                keys.add(stem(nominal))
        keys.update(stem(c) for k in list(keys) for c in CONCEPTS.get(k, ()))
        if question:
            keys.update(c for k in list(keys) for c in QUESTION_CONCEPTS.get(k, ()))
        return frozenset(keys)

    @lru_cache(maxsize=65536)  # noqa: B019
    def parts(self, low: str, question: bool = False) -> tuple[frozenset[str], ...]:
        """The word as one or more key sets: compounds split into known catalog words.

        "dagtilbudsudgifter" -> (dagtilbud, udgift); a word that does not split is one part.
        """
        f = fold(low)
        if f in STOPWORDS:
            return ()
        whole = self.word_keys(low, question)
        concept = question and bool(self.word_keys(low) & QUESTION_CONCEPTS.keys())  # "erhvervsaktive" is one
        if f in ABBREVIATIONS or len(f) < 2 * _MIN_PART or concept:
            return (whole,)
        lemma = self.lemma(low)
        if lemma != low and len(lemma) < len(low) and self.word_keys(lemma) & self.vocab and not self._split(lemma, 0):
            return (whole,)  # an inflection of a catalog word ("prisen" of "pris") is that word, not "pri" + "sen"
        split = self._split(low, 0)
        if split and len(split) > 1:
            return tuple(self.word_keys(p, question) for p in split)
        return (whole,)

    def _split(self, low: str, depth: int) -> list[str] | None:
        """Greedy longest-left split into parts that are all catalog words (linking -s/-e allowed)."""
        if depth > 3 or len(low) < 2 * _MIN_PART:
            return None
        for i in range(len(low) - _MIN_PART, _MIN_PART - 1, -1):
            left, right = low[:i], low[i:]
            if fold(left) in STOPWORDS or not (self.word_keys(left) & self.vocab):
                continue
            if self.word_keys(right) & self.vocab and fold(right) not in STOPWORDS:
                return [left, right]
            rest = self._split(right, depth + 1)
            if rest:
                return [left, *rest]
        return None

    def head(self, low: str) -> frozenset[str]:
        """Keys of a compound's head, the longest proper ending that is a Danish word ("kommunalvalg" ->
        "valg"): a question's "valget" is about the figure's "kommunalvalg"."""
        for i in range(_MIN_PART, len(low) - _MIN_PART):
            right = low[i:]
            if len(right) >= 4 and (self.is_known_word(right) or self.word_keys(right) & self.vocab):
                return self.word_keys(right)
        return frozenset()

    def learn(self, words: Iterable[str]) -> None:
        """Add catalog words to the compound lexicon (before any parsing)."""
        for w in words:
            f = fold(w)
            if len(f) >= _MIN_PART and f not in STOPWORDS and w.isalpha():
                self.vocab.update(self.word_keys(w.casefold()))

    def token_parts(self, tok: Tok, question: bool = False) -> tuple[frozenset[str], ...]:
        """Key sets of any token: ages with their alternatives, numbers as 'n:<value>', words split."""
        if tok.kind == "age":
            return (frozenset(f"age:{a}" for a in age_alternatives(tok.fold)),)
        if tok.kind == "num":
            return (frozenset({f"n:{tok.value}"}),)
        return self.parts(tok.low, question)
