"""User-facing Danish texts: refusals, clarifying questions and complete example questions.

Clarification options must be questions the user can send as-is, so they are either the user's own
question with one part substituted, or rendered from a (partial) spec with the gaps filled.
"""

from __future__ import annotations

from semantic_layer import phrases
from semantic_layer.model import Catalog
from semantic_layer.spec import QuerySpec

MAX_CHARS_TEXT = "Spørgsmålet er for langt. Skriv højst 500 tegn, fx ét nøgletal og én kommune ad gangen."
ENGLISH = ("Jeg forstår kun spørgsmål på dansk (I only understand questions in Danish). "
           "Spørg fx sådan her:")
CONTRADICTION = "{name} ligger ikke i {region}, men i {own}. Hvad vil du se?"
UNKNOWN_IN_LIST = ("Jeg kender ikke en dansk kommune, der hedder {words}. Vil du se tallet for de andre, "
                   "eller stavede du navnet anderledes?")
WHICH_YEAR = ("Hvilket år mener du? »{words}« regner jeg fra året i det forrige spørgsmål, "
              "men det nævnte ikke et bestemt år. Skriv fx »i 2022«.")
EMPTY = "Skriv et spørgsmål om et kommunalt nøgletal, fx udskrivningsprocenten i en kommune."
GENERIC = ("Det kan jeg desværre ikke svare på. Jeg kender kun de kommunale nøgletal for de 98 danske kommuner "
           "(fx skat, udgifter, befolkning og dagtilbud).")
OUT_OF_SCOPE = ("Det ligger uden for, hvad jeg kan svare på. Jeg svarer kun på spørgsmål om de kommunale nøgletal "
                "for de 98 danske kommuner – ikke om {what}.")
FOREIGN = ("{name} er ikke en dansk kommune. Jeg har kun nøgletal for de 98 danske kommuner "
           "(og regionerne og hele landet).")
UNKNOWN_PLACE = ("Jeg kender ikke en dansk kommune, der hedder »{name}«. Tjek stavningen – "
                 "jeg har tal for de 98 danske kommuner.")
GREETING = "Hej! Spørg mig om et kommunalt nøgletal, fx skatteprocent, serviceudgifter eller indbyggertal."
WHICH_FIGURE = "Hvilket nøgletal vil du se for {place}?"
WHICH_FIGURE_NO_PLACE = "Hvilket nøgletal mener du?"
WHICH_MUNICIPALITY = "Hvilken kommune vil du se {what} for?"
WHICH_MUNICIPALITY_NEIGHBOURS = "Hvilken kommune vil du sammenligne med nabokommunerne?"
WHICH_MUNICIPALITY_TYPO = "Hvilken kommune mener du med »{word}«?"
CORRECTED_WORD = "Jeg går ud fra, at du mener »{right}« (du skrev »{wrong}«)."
CORRECTED = "Jeg går ud fra, at du mener {name}."

# Figures offered when a question names a municipality but no figure (ids; skipped if not in the catalog).
COMMON_FIGURES = ("udskrivningsprocent", "serviceudgifter_pr_indb", "indbyggertal", "udg_folkeskolen_pr_elev",
                  "dagtilbud_brutto_pr_0_13")
EXAMPLE_PLACES = (751, 101, 461)  # Aarhus, København, Odense

OOS_WHAT = {"vejr": "vejret", "regnvejr": "vejret", "temperatur": "vejret", "sne": "vejret",
            "borgmest": "personer og politik",
            "minist": "personer og politik", "politiker": "personer og politik", "parti": "personer og politik",
            "hvem": "personer", "aktie": "aktier og finansmarkeder", "bitcoin": "aktier og finansmarkeder",
            "bors": "aktier og finansmarkeder", "boers": "aktier og finansmarkeder",
            "valuta": "aktier og finansmarkeder",
            "digt": "digte, sange og vittigheder", "vittighed": "digte, sange og vittigheder",
            "joke": "digte, sange og vittigheder", "sang": "digte, sange og vittigheder"}


def oos_what(word: str) -> str:
    for stem, what in OOS_WHAT.items():
        if word.startswith(stem):
            return what
    return "den slags emner"


def render(spec: QuerySpec, catalog: Catalog, names: dict[int, str]) -> str:
    """A complete Danish question for a spec, from the catalog's word forms (semantic_layer.phrases)."""
    return phrases.question(spec, catalog, names)


years_phrase = phrases.years_phrase


SAVINGS_DEFAULT = ("Jeg har regnet på {name}, som KL's råderumsberegning tager udgangspunkt i. "
                   "Spørg fx om ældreområdet eller dagtilbud for et bestemt område.")

UNUSED = ("Jeg forstod ikke {words} i spørgsmålet, og {what} skelner ikke efter det. "
          "Vil du se tallet uden det, eller mente du noget af det her?")
UNUSED_OPEN = "Jeg forstod ikke {words} i spørgsmålet."
# The question says how its number is measured, and the figure it names is measured otherwise (intents/measure.py)
MEASURE = ("Du spørger om {asked}, men nøgletallet »{label}« er opgjort {measured}. Vil du se det tal, eller "
           "mente du noget af det her?")
TWO_FIGURES = ("Jeg viser ét nøgletal ad gangen (kun et overblik over en kommune viser flere): vil du se {first} "
               "eller {second}?")
MEASURE_NEGATED = ("Du spørger om »{words}«, men nøgletallet »{label}« tæller det modsatte. Vil du se det tal, eller "
                   "mente du noget af det her?")
MEASURE_ASKED = {"count": "et antal (»{words}«)", "total": "et samlet tal (»{words}«)",
                 "money": "et samlet beløb (»{words}«)", "per": "tallet »{words}«", "gross": "»{words}«",
                 "net": "»{words}«", "polarity": "dem med »{words}«", "negated": "»{words}«"}
NO_FIGURE = "Jeg har ikke et nøgletal for {words}."
RELATED = "Måske kan et af disse beslægtede nøgletal bruges:"


def quote_list(words: list[str]) -> str:
    """»a«, »b« og »c«: the user's own words, quoted the Danish way."""
    quoted = [f"»{w}«" for w in dict.fromkeys(words)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " og " + quoted[-1]


# A ranking by how much a figure changed (intents/slots.py): the rankings rank the level of one year only.
RANK_CHANGE = ("Jeg kan endnu ikke rangere {units} efter, hvor meget {what} har ændret sig{period} – kun efter "
               "niveauet i ét år, fx »{rank}«. Vil du i stedet se udviklingen {where}?")

# A ranking over a set of municipalities that cannot be formed (intents/slots.py: by size, or beyond a named one)
UNSUPPORTED_SET = ("Jeg kan endnu ikke afgrænse kommunerne som »{words}«. Jeg kan rangere alle kommunerne eller "
                   "sammenligne en kommune med landsgennemsnittet:")
# An average over several years (intents/slots.py): no statement computes it; the development shows each year
AVERAGE_OVER_YEARS = ("Jeg kan endnu ikke regne et gennemsnit over flere år ({years}). Jeg kan vise tallet for hvert "
                      "år i perioden:")
SUM_OVER_YEARS = ("Jeg kan endnu ikke lægge flere års tal sammen (»{words}«, {years}). Jeg kan vise tallet for hvert "
                  "år i perioden:")
