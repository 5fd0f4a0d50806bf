"""The compiled lemma table (intents/lemma_table.py) answers as spaCy's lookup table did, for every form the
parser can ask about, and the place matcher finds what spaCy's PhraseMatcher found."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from intents.lemma_table import (
    FORMAT,
    LemmaTable,
    LemmaTableError,
    askable,
    compile_table,
    ensure,
    is_current,
    load,
    read_source,
    rule_of,
    select,
    source_path,
    table_path,
)
from intents.lexicon import Lexicon
from intents.places import PhraseMatcher
from intents.text import tokenize

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source() -> dict[str, str]:
    path = source_path()
    assert path is not None, "spacy-lookups-data is a dependency"
    return read_source(path)


@pytest.fixture(scope="module")
def table() -> LemmaTable:
    return load()


def test_every_askable_form_has_its_lemma(source: dict[str, str], table: LemmaTable) -> None:
    """All 533,000 askable forms: known, with exactly the source's lemma."""
    wrong = [(k, v, table.get(k)) for k, v in source.items() if askable(k) and table.get(k) != v]
    assert not wrong, wrong[:10]
    assert len(table) == len(select(source))


def test_only_forms_the_parser_cannot_ask_are_dropped(source: dict[str, str], table: LemmaTable) -> None:
    dropped = [k for k in source if k not in table]
    assert 0 < len(dropped) < len(source) * 0.05
    assert not any(askable(k) for k in dropped)
    assert table.get("jer") == "I" and table.get("I") is not None  # a kept form's lemma is kept with it


def test_tokens_are_always_askable() -> None:
    """The premise of the selection: word tokens, their pieces and their joins are casefolded letters/digits."""
    text = ("Hvad bruger KØBENHAVN på Dagtilbud, ældrepleje og 3d-print? Ålborgs A-skat, Straße, "
            "naïve café, ØKONOMIUDVALGET's 2.000 kr. og Lyngby-Taarbæk")
    for tok in tokenize(text):
        if tok.kind == "word":
            assert askable(tok.low), tok
            assert all(askable(tok.low[i:j]) for i in range(len(tok.low)) for j in range(i + 1, len(tok.low) + 1))


def test_words_that_are_no_forms_are_unknown(source: dict[str, str], table: LemmaTable) -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzæøå"
    probes = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 14))) for _ in range(50_000)}
    keys = list(source)
    for _ in range(50_000):  # near misses: pieces and variants of real forms
        k = rng.choice(keys).casefold()
        probes.update({k[1:], k + "x", k[: len(k) // 2]})
    for word in probes:
        if askable(word):
            assert table.get(word) == source.get(word), word
            assert (word in table) == (word in source), word


def test_the_lexicon_reads_the_table(table: LemmaTable) -> None:
    lex = Lexicon(table)
    assert lex.lemma("udgifterne") == "udgift"
    assert lex.lemma("gik") == "gå"
    assert lex.lemma("qwxyzzy") == "qwxyzzy" and not lex.is_known_word("qwxyzzy")
    assert lex.is_known_word("kommunerne")


def test_rules_rewrite_a_form_into_its_lemma() -> None:
    for word, lemma in [("udgifterne", "udgift"), ("gik", "gå"), ("bedre", "god"), ("hus", "hus"), ("i", "")]:
        strip, suffix = rule_of(word, lemma)
        assert (word[: len(word) - strip] if strip else word) + suffix == lemma


def test_compile_and_read_back_a_small_table(tmp_path: Path) -> None:
    data = compile_table({"huset": "hus", "husene": "hus", "gik": "gå", "Aktie": "aktie", "a-kasse": "a-kasse",
                          "hus": "hus"})
    small = LemmaTable(data)
    assert small.get("huset") == "hus" and small.get("gik") == "gå" and small.get("hus") == "hus"
    assert "aktie" not in small and "Aktie" not in small and "a-kasse" not in small and "husets" not in small
    with pytest.raises(LemmaTableError):
        LemmaTable(data[:-3])
    with pytest.raises(LemmaTableError):
        LemmaTable(b"not a table at all" * 10)


def test_a_missing_or_stale_file_is_rebuilt(tmp_path: Path) -> None:
    """ensure() builds the file in a child process (the source dict never enters this process) and again when
    its format is old; the file in use is only ever replaced by a rename."""
    target = tmp_path / "lexicon" / "da.bin"
    assert not is_current(target, source_path())
    assert ensure(target) == target and is_current(target, source_path())
    stale = bytearray(target.read_bytes())
    stale[8:12] = (FORMAT - 1).to_bytes(4, "little")
    target.write_bytes(bytes(stale))
    assert not is_current(target, source_path())
    ensure(target)
    assert is_current(target, source_path())
    assert load(target).get("kommunerne") == "kommune"


def test_the_command_builds_the_table(tmp_path: Path) -> None:
    out = tmp_path / "t.bin"
    done = subprocess.run([sys.executable, "-m", "intents.lemma_table", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "ordformer" in done.stdout and out.stat().st_size < 4_000_000
    assert "RuntimeWarning" not in done.stderr
    assert table_path().name == "da_lemma_lookup.bin"


# -- the place matcher -----------------------------------------------------------------------------
def test_phrase_matcher_finds_every_occurrence() -> None:
    m = PhraseMatcher()
    m.add("M1", [("lyngby",), ("lyngby", "taarbaek"), ("kongens", "lyngby")])
    m.add("M2", [("taarbaek",)])
    m.add("R1", [("region", "syd")])
    found = m(("i", "kongens", "lyngby", "taarbaek", "og", "region", "syd", "region"))
    assert found == [("M1", 1, 3), ("M1", 2, 3), ("M1", 2, 4), ("M2", 3, 4), ("R1", 5, 7)]
    assert m(()) == [] and m(("",)) == []


def test_place_matches_are_spacys(parser) -> None:  # type: ignore[no-untyped-def]
    """The old matcher, spaCy's PhraseMatcher on NORM, finds the same spans on every place pattern and on
    questions naming places (skipped where spaCy is not installed: it is no dependency any more)."""
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import PhraseMatcher as SpacyMatcher
    from spacy.tokens import Doc

    nlp = spacy.blank("da")
    ours = parser.places.matcher
    theirs = SpacyMatcher(nlp.vocab, attr="NORM")

    def doc(norms: tuple[str, ...]) -> Doc:
        d = Doc(nlp.vocab, words=list(norms) or [""])
        for tok, norm in zip(d, norms, strict=False):
            tok.norm_ = norm
        return d

    for pattern, keys in ours._keys.items():
        for key in keys:
            theirs.add(key, [doc(pattern)])
    texts = [" ".join(p) for p in ours._keys] + [
        "Sammenlign Lyngby-Taarbæk, Kongens Lyngby og Høje-Taastrup med Region Syd og Københavns Kommune",
        "hvad med ikast brande ringkøbing skjern og faaborg midtfyn i region nordjylland nordjylland",
        "Fredensborgs og Aarhus' og Bornholms Regionskommune"]
    for text in texts:
        norms = tuple(t.fold for t in tokenize(text))
        mine = sorted(ours(norms))
        spacy_found = sorted((nlp.vocab.strings[i], s, e) for i, s, e in theirs(doc(norms)))
        assert mine == spacy_found, text
