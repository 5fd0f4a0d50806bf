"""Property-style phrasing tests: every current figure survives ordinary variations of how people ask.

1. Phrasings: for each catalog figure (discontinued ones, whose label holds "(til " or "(kun ", are
   skipped) questions are generated from its short_name with a municipality, in several kinds:

   definite      "Hvad er udskrivningsprocenten i Odense?"           (definite form, see `definite`)
   genitive      "Odenses udskrivningsprocent"                       (genitive municipality + short name)
   lowercase     "hvad er udskrivningsprocent i næstved?"            (everything lowercased)
   ascii         "hvad er udskrivningsprocent i koege?"              (lowercased, æ/ø/å -> ae/oe/aa)
   filler        "Kan du fortælle mig hvad udskrivningsprocenten egentlig er i Odense?"
   filler_plain  "Hej, må jeg lige bede om udskrivningsprocent i Odense, tak?"

   Each must parse to a spec for exactly that figure and that municipality. A clarifying question
   or another figure is a failure: the short name is the figure's own name, so there is nothing to ask.

2. Unknown qualifiers: adding a qualifier the key figures cannot express ("for kvinder", "om vinteren")
   to an answerable question must change the spec, or make the parser ask back or refuse; returning
   the bare question's spec would silently answer another question. The same experiment on the
   development questions is `python -m bench.qualifiers`.
"""

from __future__ import annotations

import pytest

from bench.qualifiers import QUALIFIERS, describe, municipality_names, qualify
from semantic_layer.loader import load_catalog

CATALOG = load_catalog()
CURRENT = [m for m in CATALOG.metrics if "(til " not in m.label and "(kun " not in m.label]

# --- definite forms -----------------------------------------------------------------------------
# Danish definite forms are not "add -en": gender, plural and adjectives all matter. The rule here is
# deliberately small and only applies when the short name's FIRST word is its head noun and ends in
# one of the suffixes below (first match wins); the suffix is replaced and the rest of the name kept:
#   udskrivningsprocent              -> udskrivningsprocenten
#   udgifter til ældre pr. 67+-årig  -> udgifterne til ældre pr. 67+-årig   (plural -er -> -erne)
#   kontanthjælpsmodtagere pr. 100   -> kontanthjælpsmodtagerne pr. 100     (plural -ere -> -erne)
#   andel 0-2-årige                  -> andelen af 0-2-årige                ("af" not doubled)
#   antal folkeskoler                -> antallet af folkeskoler
#   indbyggertal                     -> indbyggertallet
# Anything else (adjective-led names such as "gennemsnitlig klassekvotient", "langfristet gæld ...",
# "anmeldte ...", or irregular heads such as "årsværk", "udgiftsbehov", "børn") gets no definite form,
# and its definite/filler questions are not generated (the other kinds still are).
_DEFINITE_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("andel", "andelen af"),
    ("antal", "antallet af"),
    ("procent", "procenten"),
    ("promille", "promillen"),
    ("ere", "erne"),
    ("er", "erne"),
    ("tal", "tallet"),
    ("areal", "arealet"),
    ("niveau", "niveauet"),
    ("grundlag", "grundlaget"),
    ("forbrug", "forbruget"),
    ("udlån", "udlånet"),
    ("personale", "personalet"),
    ("tæthed", "tætheden"),
    ("afgift", "afgiften"),
    ("finansiering", "finansieringen"),
    ("refusion", "refusionen"),
    ("indikator", "indikatoren"),
    ("betaling", "betalingen"),
    ("likviditet", "likviditeten"),
    ("takst", "taksten"),
)


def definite(short_name: str) -> str | None:
    """The definite form of a short name by the rule above, or None when the rule does not apply."""
    head, _, rest = short_name.partition(" ")
    for suffix, replacement in _DEFINITE_SUFFIXES:
        if head.endswith(suffix):
            new_head = head[: -len(suffix)] + replacement
            if new_head.endswith(" af") and rest.split(" ", 1)[0] == "af":
                new_head = new_head[: -len(" af")]
            return f"{new_head} {rest}".strip()
    return None


def fold(text: str) -> str:
    """Spelling without æøå, as typed on a non-Danish keyboard."""
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        text = text.replace(a, b)
    return text


def genitive(name: str) -> str:
    """Danish genitive of a place name: Odense -> Odenses, Aarhus -> Aarhus'."""
    return f"{name}'" if name[-1].lower() in "sxz" else f"{name}s"


ODENSE, NAESTVED, KOEGE = 461, 370, 259


def phrasings(short_name: str) -> list[tuple[str, str, int]]:
    """(kind, question, municipality code) for one figure's short name."""
    out = [
        ("genitive", f"{genitive('Odense')} {short_name}", ODENSE),
        ("lowercase", f"hvad er {short_name} i næstved?".lower(), NAESTVED),
        ("ascii", fold(f"hvad er {short_name} i køge?".lower()), KOEGE),
        ("filler_plain", f"Hej, må jeg lige bede om {short_name} i Odense, tak?", ODENSE),
    ]
    if (form := definite(short_name)) is not None:
        out += [
            ("definite", f"Hvad er {form} i Odense?", ODENSE),
            ("filler", f"Kan du fortælle mig hvad {form} egentlig er i Odense?", ODENSE),
        ]
    return out


PHRASINGS = [(kind, m.id, q, code) for m in CURRENT for kind, q, code in phrasings(m.short_name)]


def test_definite_rule():
    assert definite("udskrivningsprocent") == "udskrivningsprocenten"
    assert definite("grundskyldspromille") == "grundskyldspromillen"
    assert definite("udgifter til ældre pr. 67+-årig") == "udgifterne til ældre pr. 67+-årig"
    assert definite("kontanthjælpsmodtagere pr. 100 17-64-årige") == "kontanthjælpsmodtagerne pr. 100 17-64-årige"
    assert definite("andel 0-2-årige") == "andelen af 0-2-årige"
    assert definite("andel af befolkningen i byområder") == "andelen af befolkningen i byområder"
    assert definite("antal folkeskoler") == "antallet af folkeskoler"
    assert definite("indbyggertal") == "indbyggertallet"
    assert definite("befolkningstæthed") == "befolkningstætheden"
    assert definite("gennemsnitlig klassekvotient") is None
    assert definite("årsværk til ledelse og administration pr. 1.000 indbyggere") is None


def test_phrasings_cover_every_current_figure():
    kinds_per_figure: dict[str, set[str]] = {}
    for kind, metric_id, _, _ in PHRASINGS:
        kinds_per_figure.setdefault(metric_id, set()).add(kind)
    assert set(kinds_per_figure) == {m.id for m in CURRENT}
    with_definite = sum("definite" in kinds for kinds in kinds_per_figure.values())
    assert with_definite >= 0.75 * len(CURRENT), "the definite-form rule no longer fits the catalog"


@pytest.mark.parametrize(("kind", "metric_id", "question", "code"), PHRASINGS,
                         ids=[f"{kind}-{metric_id}" for kind, metric_id, _, _ in PHRASINGS])
def test_phrasing(parser, kind, metric_id, question, code):
    result = parser.parse(question)
    got = f"{question!r} -> {describe(result)}"
    assert result.status == "spec", got
    assert [m.id for m in result.spec.metrics] == [metric_id], got
    assert result.spec.metrics[0].id == metric_id, got
    assert result.spec.municipalities == (code,), got


# --- unknown qualifiers -------------------------------------------------------------------------
# Answerable on their own: the three from the brief and seven from cases.yaml, over different figures.
ANSWERABLE = (
    "Hvad er udskrivningsprocenten i Aarhus i 2023?",
    "Hvor mange indbyggere har Thisted?",
    "Hvad er serviceudgifterne pr. indbygger i Odense?",
    "Hvad er kirkeskatten i Silkeborg 2022?",
    "Hvad er grundskyldspromillen i Dragør?",
    "Hvad er skoleudgifterne pr. elev i Middelfart?",
    "Registreret ledighed i procent i Esbjerg",
    "Hvad er andelen af ejerboliger i Albertslund?",
    "Gennemsnitlig klassekvotient i Fanø 2018",
    "Kulturudgifter pr. indbygger i Assens",
)

NAMES = municipality_names()


@pytest.mark.parametrize("qualifier", QUALIFIERS)
@pytest.mark.parametrize("question", ANSWERABLE)
def test_unknown_qualifier_changes_the_answer(parser, question, qualifier):
    bare = parser.parse(question)
    assert bare.status == "spec", f"precondition: {question!r} -> {describe(bare)}"
    qualified = qualify(question, NAMES.get(bare.spec.subject), qualifier)
    assert qualified != question and qualifier in qualified
    result = parser.parse(qualified)
    assert not (result.status == "spec" and result.spec == bare.spec), (
        f"{qualified!r} answered as if the qualifier were not there: {describe(result)}")


def test_qualify_inserts_before_the_place():
    assert qualify("Hvad er udskrivningsprocenten i Aarhus i 2023?", "Aarhus", "for kvinder") == (
        "Hvad er udskrivningsprocenten for kvinder i Aarhus i 2023?")
    assert qualify("Hvor mange indbyggere har Thisted?", "Thisted", "over 65") == (
        "Hvor mange indbyggere over 65 har Thisted?")
    assert qualify("Hvad bruger Odense på dagtilbud?", "Odense", "om vinteren") == (
        "Hvad bruger Odense på dagtilbud om vinteren?")
    assert qualify("Odenses udskrivningsprocent", "Odense", "for mænd") == "Odenses udskrivningsprocent for mænd"
