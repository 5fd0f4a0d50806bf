"""Word forms in the catalog: every figure says how Danish writes and asks about it, checked at load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from semantic_layer.loader import forms_problems, parse_catalog
from semantic_layer.model import Forms, Gender, Number

# 182 from noegletal.dk (and AUP02/FOLK1A), 35 from Statistics Denmark: INDKP101, BIL707 (count and
# per 1,000), HFUDD11, REGK31 (25 functions), and the years of AUK01, STRAF11, LBESK69 (count and per 1,000)
FIGURES = 182 + 35 + 6  # the last 6: quarterly figures (AUK01, STRAF11, LBESK69)

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid" / "test.yaml"

# words that end a head noun phrase: "udgifterne | til ...", "anlægsfinansieringen | i alt ..."
_AFTER_HEAD = {"til", "for", "fra", "af", "pr.", "i", "på", "efter", "ekskl.", "ved", "med", "uden"}


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if text in line)


def _head(definite: str) -> str:
    """The suffixed head noun of a definite form without an article: "udgifterne til ældre" -> "udgifterne"."""
    words: list[str] = []
    for word in definite.split():
        if word in _AFTER_HEAD and words:
            break
        words.append(word)
    return words[-1]


# --- load-time validation: one issue, with file and line --------------------------------------------------------

@pytest.mark.parametrize(("fixture", "marker", "words"), [
    ("missing_forms", "id: no_forms", ["no_forms", "forms"]),
    ("same_forms", "id: same_forms", ["same_forms", "bestemt form", "ubestemt form"]),
])
def test_broken_forms_fixture_gives_one_issue_with_file_and_line(fixture, marker, words):
    directory = FIXTURES / fixture
    catalog, issues = parse_catalog(directory)
    assert catalog is None
    assert len(issues) == 1, [str(i) for i in issues]
    issue = issues[0]
    assert issue.blocking
    assert (issue.file, issue.line) == ("test.yaml", _line(directory / "test.yaml", marker))
    for word in words:
        assert word in issue.message, (word, issue.message)
    assert str(issue).startswith(f"test.yaml:{issue.line}: fejl: ")


# (old line in beta's forms, new line, words expected in the one issue)
BETA_QUESTION = '      question: "Hvad er udgiften til beta pr. indbygger i {place}?"'
BROKEN_BETA = [
    ("      gender: common", "      gender: masculine", ["forms.gender", "common", "neuter"]),
    ("      number: singular", "      number: dual", ["forms.number", "singular", "plural"]),
    (BETA_QUESTION, '      question: "Hvad er udgiften til beta pr. indbygger i Odense?"', ["{place}"]),
    (BETA_QUESTION, '      question: "Udgiften til beta pr. indbygger i {place}"', ["'?'"]),
    (BETA_QUESTION, '      question: "Hvad er udgiften til beta i {place} i {aar}?"', ["pladsholderen"]),
    (BETA_QUESTION, '      question: "Hvad er udgiften til alpha pr. indbygger i {place}?"',
     ["forms.question", "test.yaml:", "alpha_pr_indb"]),
    ('      definite: "udgiften til beta pr. indbygger"', '      definite: "det udgift til beta pr. indbygger"',
     ["'det'", "neuter"]),
    ('      definite: "udgiften til beta pr. indbygger"', '      definite: "de udgifter til beta pr. indbygger"',
     ["'de'", "singular"]),
    ('      indefinite: "udgift til beta pr. indbygger"', '      indefinite: "Udgift til beta pr. indbygger"',
     ["lille forbogstav"]),
    ('      definite: "udgiften til beta pr. indbygger"', '      definite: "antallet af beta pr. indbygger"',
     ["'antal '", "ubestemt form"]),
]


@pytest.mark.parametrize(("old", "new", "words"), BROKEN_BETA)
def test_broken_forms_are_named_with_file_and_line(tmp_path, old, new, words):
    text = VALID.read_text(encoding="utf-8")
    start = text.index("id: beta_pr_indb")
    assert old in text[start:], old
    broken = tmp_path / "test.yaml"
    broken.write_text(text[:start] + text[start:].replace(old, new, 1), encoding="utf-8")
    catalog, issues = parse_catalog(tmp_path)
    assert catalog is None
    assert len(issues) == 1, [str(i) for i in issues]
    assert (issues[0].file, issues[0].line) == ("test.yaml", _line(broken, "id: beta_pr_indb"))
    assert "beta_pr_indb" in issues[0].message
    for word in words:
        assert word in issues[0].message, (word, issues[0].message)


def test_forms_are_frozen_and_typed():
    forms = Forms(indefinite="udskrivningsprocent", definite="udskrivningsprocenten", gender="common",
                  number="singular", question="Hvad er udskrivningsprocenten i {place}?")
    assert forms.gender is Gender.COMMON and forms.number is Number.SINGULAR
    assert forms.ask("Odense") == "Hvad er udskrivningsprocenten i Odense?"
    with pytest.raises(ValueError):
        forms.definite = "udskrivningsprocent"  # type: ignore[misc]
    with pytest.raises(ValueError):
        Forms(indefinite="a x", definite="a y", gender="common", number="singular", question="Hvad er a i {place}?",
              genitive="x")  # type: ignore[call-arg]


# --- the real catalog -----------------------------------------------------------------------------------------

def test_every_figure_has_sound_forms(catalog):
    assert len(catalog.metrics) == FIGURES
    for m in catalog.metrics:
        f = m.forms
        assert forms_problems(m) == [], m.id
        assert f.definite != f.indefinite, m.id
        assert f.question.endswith("?") and "{place}" in f.question, m.id
        assert f.gender in set(Gender) and f.number in set(Number), m.id
        asked = f.ask("Høje-Taastrup")
        assert "Høje-Taastrup" in asked and "{" not in asked and "}" not in asked, m.id


def test_forms_tell_the_figures_apart(catalog):
    for key in ("indefinite", "definite", "question"):
        values = [getattr(m.forms, key).casefold() for m in catalog.metrics]
        assert len(set(values)) == len(values), key


def test_definite_forms_agree_with_gender_and_number(catalog):
    """The definite form carries its gender and number: an article, or the suffix on the head noun."""
    for m in catalog.metrics:
        f = m.forms
        first, _, rest = f.definite.partition(" ")
        if first in ("den", "det", "de"):
            assert first == f.article, m.id
            adjective = rest.split(" ", 1)[0]
            assert adjective.endswith("e") or adjective == "anden", (m.id, adjective)  # "den månedlige takst"
            continue
        head = _head(f.definite)
        suffix = "ne" if f.number == Number.PLURAL else ("et" if f.gender == Gender.NEUTER else "n")
        assert head.endswith(suffix), (m.id, head, f.gender, f.number)


def test_counts_and_shares_are_written_with_antallet_and_andelen(catalog):
    for m in catalog.metrics:
        f = m.forms
        if f.indefinite.startswith("antal "):
            assert f.definite == "antallet af " + f.indefinite.removeprefix("antal "), m.id
            assert (f.gender, f.number) == (Gender.NEUTER, Number.SINGULAR), m.id
        if re.match(r"andel [\d+-]+-årige", f.indefinite) or m.id in {"andel_ejerboliger", "andel_udpendlere"}:
            assert f.definite == "andelen af " + f.indefinite.removeprefix("andel "), m.id
            assert (f.gender, f.number) == (Gender.COMMON, Number.SINGULAR), m.id


def test_questions_use_past_tense_for_discontinued_figures(catalog):
    for m in catalog.metrics:
        if m.discontinued_after is not None:
            assert not re.match(r"Hvad (er|bruger|koster) ", m.forms.question), (m.id, m.forms.question)
        else:
            assert not re.match(r"Hvad (var|brugte|kostede) ", m.forms.question), (m.id, m.forms.question)


@pytest.mark.parametrize(("metric_id", "indefinite", "definite", "gender", "number", "article"), [
    ("indbyggertal", "indbyggertal", "indbyggertallet", "neuter", "singular", "det"),
    ("serviceudgifter_pr_indb", "serviceudgifter pr. indbygger", "serviceudgifterne pr. indbygger", "common",
     "plural", "de"),
    ("udskrivningsprocent", "udskrivningsprocent", "udskrivningsprocenten", "common", "singular", "den"),
    ("takst_dagpleje_0_2", "månedlig takst for dagpleje", "den månedlige takst for dagpleje", "common", "singular",
     "den"),
    ("gennemsnitlig_klassekvotient", "gennemsnitlig klassekvotient", "den gennemsnitlige klassekvotient", "common",
     "singular", "den"),
    ("socioekonomisk_indeks", "socioøkonomisk indeks", "det socioøkonomiske indeks", "neuter", "singular", "det"),
    ("andel_65plus", "andel 65+-årige", "andelen af 65+-årige", "common", "singular", "den"),
    ("antal_80plus", "antal 80+-årige", "antallet af 80+-årige", "neuter", "singular", "det"),
    # a count per population is "antallet af ...": "det højeste antal pladser", never "de højeste pladser"
    ("pladser_dagpleje_pr_100_0_2", "antal pladser i dagpleje pr. 100 0-2-årige",
     "antallet af pladser i dagpleje pr. 100 0-2-årige", "neuter", "singular", "det"),
    ("likvide_aktiver_pr_indb", "likvide aktiver pr. indbygger", "de likvide aktiver pr. indbygger", "neuter", "plural",
     "de"),
])
def test_spot_checks(catalog, metric_id, indefinite, definite, gender, number, article):
    f = catalog.get(metric_id).forms
    assert (f.indefinite, f.definite, f.gender.value, f.number.value) == (indefinite, definite, gender, number)
    assert f.article == article


@pytest.mark.parametrize(("metric_id", "question"), [
    ("udskrivningsprocent", "Hvad er udskrivningsprocenten i Odense?"),
    ("indbyggertal", "Hvor mange indbyggere har Odense?"),
    ("udg_folkeskolen_pr_elev", "Hvad bruger Odense på folkeskolen pr. elev?"),
    ("takst_dagpleje_0_2", "Hvad koster en plads i dagplejen i Odense?"),
])
def test_questions_read_naturally(catalog, metric_id, question):
    assert catalog.get(metric_id).forms.ask("Odense") == question


@pytest.mark.parametrize(("metric_id", "phrase"), [
    ("udskrivningsprocent", "den højeste udskrivningsprocent"),
    ("indbyggertal", "det højeste indbyggertal"),
    ("serviceudgifter_pr_indb", "de højeste serviceudgifter pr. indbygger"),
    ("takst_dagpleje_0_2", "den højeste månedlige takst for dagpleje"),
    ("socioekonomisk_indeks", "det højeste socioøkonomiske indeks"),
    ("andel_65plus", "den højeste andel 65+-årige"),
    ("antal_80plus", "det højeste antal 80+-årige"),
    ("pladser_dagpleje_pr_100_0_2", "det højeste antal pladser i dagpleje pr. 100 0-2-årige"),
])
def test_superlative_agrees(catalog, metric_id, phrase):
    assert catalog.get(metric_id).forms.superlative("højeste") == phrase
