"""`noegletal catalog --explain ORD`: what a word maps to in the parser, and why."""

from __future__ import annotations

import pytest

from intents.explain import analyse, explain


def test_compound_links_to_elderly_spending(parser):
    ex = analyse("ældreudgifterne", parser)
    (tok,) = ex.tokens
    assert tok.folded == "aeldreudgifterne"
    assert tok.lemma == "ældreudgift" and tok.lemma_known
    assert [p.text for p in tok.parts] == ["ældre", "udgifterne"]
    elderly = {k.key: k.rule for k in tok.parts[0].keys}
    assert "age:65+/67+" in elderly and "spørgsmålsbegreb" in elderly["age:65+/67+"]
    full = [f for f in ex.figures if f.full]
    assert full[0].metric_id == "udg_aeldre_pr_67plus"
    assert full[0].covered == ("ældre", "udgifterne")
    assert "synonym" in full[0].term_kinds
    assert ex.parse is not None
    assert any(s.kind == "metric" and s.meaning == "Udgifter til ældre pr. 67+-årig" for s in ex.parse.steps)
    text = "\n".join(explain("ældreudgifterne", parser))
    assert "sammensat ord: ældre + udgifterne" in text
    assert "udg_aeldre_pr_67plus  Udgifter til ældre pr. 67+-årig" in text
    assert "  »udgifter til ældre og handicappede« → udg_aeldre_voksne_saerlige_behov_pr_indb" in text


def test_tax_rate_is_a_synonym_of_the_income_tax_rate(parser):
    ex = analyse("skatteprocenten", parser)
    (tok,) = ex.tokens
    assert [p.text for p in tok.parts] == ["skatte", "procenten"]
    assert [k.key for k in tok.parts[0].keys] == ["skat"]
    full = [f for f in ex.figures if f.full]
    assert [f.metric_id for f in full] == ["udskrivningsprocent"]
    assert full[0].term == "skatteprocent" and full[0].term_kinds == ("synonym",)
    assert any(a.term == "skat" and "udskrivningsprocent" in a.metrics for a in ex.ambiguous)


def test_unsplit_compound_says_why(parser):
    ex = analyse("befolkningsudviklingen", parser)
    (tok,) = ex.tokens
    assert tok.lemma == "befolkningsudvikling"
    assert len(tok.parts) == 1
    assert tok.split_hint == ("befolknings", "udviklingen")
    assert not any(k.in_catalog for k in tok.keys)
    assert ex.figures == [] and ex.places == []
    lines = explain("befolkningsudviklingen", parser)
    assert "  sammensat ord: nej – »befolknings« er et katalogord, men resten »udviklingen« er ikke" in lines
    assert "Nøgletal: intet katalogudtryk indeholder ordets nøgler." in lines


def test_genitive_municipality(parser):
    ex = analyse("Fredensborgs", parser)
    (place,) = ex.places
    assert (place.kind, place.code, place.name) == ("kommune", 210, "Fredensborg Kommune")
    assert "genitiv" in place.reason
    assert not ex.tokens[0].lemma_known
    assert ex.figures == []
    assert any(line.startswith("  sted: kommune Fredensborg Kommune (210)") for line in explain("Fredensborgs", parser))


def test_function_word(parser):
    ex = analyse("og", parser)
    (tok,) = ex.tokens
    assert tok.stopword and tok.parts == ()
    assert ex.figures == [] and ex.places == [] and ex.ambiguous == []
    assert any(c.startswith("opfølgning") for c in ex.cues)
    assert "  stopord/funktionsord: ja – bruges aldrig til at finde et nøgletal" in explain("og", parser)


@pytest.mark.parametrize(("word", "rule"), [("udg", "forkortelse: udg → udgift"), ("koster", "begreb: kost → udgift")])
def test_key_rules(parser, word, rule):
    (tok,) = analyse(word, parser).tokens
    assert any(rule in k.rule for k in tok.keys), tok.keys


def test_region_and_common_word_place(parser):
    (region,) = analyse("Hovedstaden", parser).places
    assert (region.kind, region.code) == ("region", 1084)
    (vejen,) = analyse("vejen", parser).places
    assert vejen.code == 575 and "almindeligt ord" in vejen.reason


def test_empty_word(parser):
    assert explain("  ", parser) == ["»« indeholder ingen ord, jeg kan forklare."]


def test_cli_explain(capsys):
    from noegletal.cli import main

    assert main(["catalog", "--explain", "ældreudgifterne"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ord: ældreudgifterne\n")
    assert "udg_aeldre_pr_67plus" in out


def test_cli_catalog_search_still_works(capsys):
    from noegletal.cli import main

    assert main(["catalog", "skatteprocent"]) == 0
    assert "udskrivningsprocent" in capsys.readouterr().out
    assert main(["catalog", "skat", "--explain", "og"]) == 2
