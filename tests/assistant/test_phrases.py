"""Danish agreement in the answer templates (semantic_layer/phrases.py), from the catalog's word forms.

Table-driven: one row per figure and template, the expected sentence written out by hand. The three figures
cover the three agreements Danish asks for: "indbyggertal" is an et-word (det højeste, højt, det), the
service expenditure is plural (de højeste, høje, de), "udskrivningsprocent" an en-word (den højeste, høj, den).
The values are passed in already formatted, as the writer does: a template never computes or formats a number.
"""

from __future__ import annotations

import pytest

from assistant.service import Assistant
from noegletal.wiring import get_assistant
from semantic_layer import phrases
from semantic_layer.loader import load_catalog
from semantic_layer.model import Aggregation, Forms
from semantic_layer.spec import Benchmark

POP, SERVICE, TAX = "indbyggertal", "serviceudgifter_pr_indb", "udskrivningsprocent"


def forms(metric_id: str) -> Forms:
    metric = load_catalog().get(metric_id)
    assert metric is not None, metric_id
    return metric.forms


# -- the catalog's forms are what the tables below assume ----------------------------------------------------------
@pytest.mark.parametrize(("metric_id", "article", "high"), [
    (POP, "det", "højt"),
    (SERVICE, "de", "høje"),
    (TAX, "den", "høj"),
])
def test_agreement_follows_gender_and_number(metric_id: str, article: str, high: str) -> None:
    f = forms(metric_id)
    assert phrases.pronoun(f) == article
    assert phrases.agree(f, "høj") == high


# -- value sentences -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("metric_id", "place", "value", "tail", "expected"), [
    (POP, "Rebild", "30.937", phrases.share_of_country("0,5 %", "5.961.158"),
     "Indbyggertallet i Rebild var 30.937 i 2024, 0,5 % af hele landet (5.961.158)."),
    (SERVICE, "Fredensborg", "53.149 kr.", phrases.difference("9,6 %", True, "landsgennemsnittet (48.506 kr.)"),
     "Serviceudgifterne pr. indbygger i Fredensborg var 53.149 kr. i 2024, 9,6 % højere end landsgennemsnittet "
     "(48.506 kr.)."),
    (TAX, "Odense", "25,50 %", phrases.difference("0,48 procentpoint", True, "landsgennemsnittet (25,02 %)"),
     "Udskrivningsprocenten i Odense var 25,50 % i 2024, 0,48 procentpoint højere end landsgennemsnittet "
     "(25,02 %)."),
    (TAX, "Gentofte", "24,17 %", "", "Udskrivningsprocenten i Gentofte var 24,17 % i 2024."),
])
def test_value_sentence(metric_id: str, place: str, value: str, tail: str, expected: str) -> None:
    assert phrases.value_sentence(forms(metric_id), place, value, 2024, tail) == expected


def test_yes_no_and_missing_values_are_said_in_words() -> None:
    assert (phrases.yes_no_sentence(forms("tilskud_pasning_egne_boern"), "Odense", "ja", 2017)
            == "Tilskuddet til pasning af egne børn i Odense i 2017: ja.")
    assert (phrases.missing_sentence(forms(TAX), "Vordingborg", 2018, "missing")
            == "Tallet for udskrivningsprocenten i Vordingborg i 2018 mangler i kilden.")
    assert (phrases.missing_sentence(forms(SERVICE), "Vordingborg", 2018, "undefined")
            == "Tallet for serviceudgifterne pr. indbygger i Vordingborg i 2018 er udefineret i kilden.")


@pytest.mark.parametrize(("metric_id", "expected"), [
    (POP, "I hele landet var det 5.961.158."),
    (SERVICE, "I hele landet var de 5.961.158."),
    (TAX, "I hele landet var den 5.961.158."),
])
def test_national_sentence_uses_the_agreeing_pronoun(metric_id: str, expected: str) -> None:
    assert phrases.national_sentence(forms(metric_id), "5.961.158") == expected


@pytest.mark.parametrize(("metric_id", "expected"), [
    (POP, "87,2 gange så højt som hele landet"),
    (SERVICE, "87,2 gange så høje som hele landet"),
    (TAX, "87,2 gange så høj som hele landet"),
])
def test_times_as_high_agrees(metric_id: str, expected: str) -> None:
    assert phrases.times_as_high(forms(metric_id), "87,2 gange", "hele landet") == expected


# -- rank sentences --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("metric_id", "adjective", "expected"), [
    (POP, "højeste", "København har det højeste indbyggertal i 2024: 659.350."),
    (SERVICE, "højeste", "København har de højeste serviceudgifter pr. indbygger i 2024: 659.350."),
    (TAX, "laveste", "København har den laveste udskrivningsprocent i 2024: 659.350."),
])
def test_rank_top_sentence(metric_id: str, adjective: str, expected: str) -> None:
    assert phrases.rank_top_sentence(forms(metric_id), "København", "", adjective, 2024, "659.350") == expected


@pytest.mark.parametrize(("metric_id", "adjective", "expected"), [
    (POP, "højeste", "De 3 kommuner i Region Syddanmark med det højeste indbyggertal i 2024: Odense (1), "
                     "Esbjerg (2)."),
    (SERVICE, "laveste", "De 3 kommuner i Region Syddanmark med de laveste serviceudgifter pr. indbygger i 2024: "
                         "Odense (1), Esbjerg (2)."),
    (TAX, "laveste", "De 3 kommuner i Region Syddanmark med den laveste udskrivningsprocent i 2024: Odense (1), "
                     "Esbjerg (2)."),
])
def test_rank_list_sentence(metric_id: str, adjective: str, expected: str) -> None:
    items = ", ".join([phrases.rank_item("Odense", "1"), phrases.rank_item("Esbjerg", "2")])
    assert phrases.rank_list_sentence(forms(metric_id), "3 kommuner", " i Region Syddanmark", adjective, 2024,
                                      items) == expected


@pytest.mark.parametrize(("metric_id", "expected"), [
    (POP, "2 kommuner deler 1.-pladsen med det højeste indbyggertal i 2023 (34): Læsø og Fanø."),
    (SERVICE, "2 kommuner deler 1.-pladsen med de højeste serviceudgifter pr. indbygger i 2023 (34): Læsø og Fanø."),
    (TAX, "2 kommuner deler 1.-pladsen med den højeste udskrivningsprocent i 2023 (34): Læsø og Fanø."),
])
def test_rank_shared_sentence(metric_id: str, expected: str) -> None:
    assert phrases.rank_shared_sentence(forms(metric_id), "2 kommuner", "", "1.-pladsen", "højeste", 2023, "34",
                                        ["Læsø", "Fanø"]) == expected


# -- trend sentences -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("metric_id", "rising", "expected"), [
    (POP, True, "Indbyggertallet i Aarhus gik fra 1 i 2015 til 2 i 2023, en stigning på 1 (100,0 %)."),
    (SERVICE, True, "Serviceudgifterne pr. indbygger i Aarhus gik fra 1 i 2015 til 2 i 2023, en stigning på 1 "
                    "(100,0 %)."),
    (TAX, False, "Udskrivningsprocenten i Aarhus gik fra 1 i 2015 til 2 i 2023, et fald på 1 (100,0 %)."),
])
def test_trend_sentence(metric_id: str, rising: bool, expected: str) -> None:
    changed = phrases.change(rising, "1", "100,0 %")
    assert phrases.trend_sentence(forms(metric_id), "Aarhus", "1", 2015, "2", 2023, changed) == expected


@pytest.mark.parametrize(("metric_id", "direction", "named", "expected"), [
    (POP, 1, True, "I hele landet steg det med 2,0 % i samme periode."),
    (SERVICE, 1, True, "I hele landet steg de med 2,0 % i samme periode."),
    (TAX, -1, True, "I hele landet faldt den med 2,0 % i samme periode."),
    (TAX, 0, True, "I hele landet var den uændret i samme periode."),
    (SERVICE, -1, False, "I hele landet faldt serviceudgifterne pr. indbygger med 2,0 % i samme periode."),
])
def test_national_trend_sentence(metric_id: str, direction: int, named: bool, expected: str) -> None:
    assert phrases.national_trend_sentence(forms(metric_id), direction, "2,0 %", named) == expected


def test_unchanged_trend_names_one_value() -> None:
    assert (phrases.trend_sentence(forms(TAX), "Aarhus", "24,52 %", 2016, "24,52 %", 2018, None)
            == "Udskrivningsprocenten i Aarhus var uændret 24,52 % fra 2016 til 2018.")


# -- groups: the SQL's codes in words --------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "aggregation", "label", "mid_sentence"), [
    ("neighbours", Aggregation.WEIGHTED, "Nabokommunernes gennemsnit", "nabokommunernes gennemsnit"),
    ("neighbours", Aggregation.SUM, "Nabokommunerne i alt", "nabokommunerne tilsammen"),
    ("similar", Aggregation.UNWEIGHTED, "Sammenlignelige kommuners gennemsnit",
     "de sammenlignelige kommuners gennemsnit"),
    ("similar", Aggregation.SUM, "Sammenlignelige kommuner i alt", "de sammenlignelige kommuner tilsammen"),
    ("lowest_quartile", Aggregation.WEIGHTED, "Laveste kvartil (25 %-fraktil)", "den laveste kvartil"),
])
def test_group_codes_become_words(code: str, aggregation: Aggregation, label: str, mid_sentence: str) -> None:
    assert code in phrases.GROUP_CODES
    assert phrases.group_label(code, aggregation) == label
    assert phrases.group_name(code, label, aggregation) == mid_sentence


def test_a_region_group_is_named_by_the_region() -> None:
    assert phrases.group_name("region", "Region Midtjylland", Aggregation.WEIGHTED) == \
        "gennemsnittet i Region Midtjylland"
    assert phrases.group_name("region", "Region Midtjylland", Aggregation.SUM) == \
        "kommunerne i Region Midtjylland tilsammen"


# -- map, savings and chart titles -----------------------------------------------------------------------------------
def test_map_sentence() -> None:
    assert (phrases.map_sentence(forms(SERVICE), "98 kommuner", 2023, ("Læsø", "84.004 kr."), ("Vejle", "42.333 kr."))
            == "Kortet viser serviceudgifterne pr. indbygger for 98 kommuner i 2023. Højest: Læsø (84.004 kr.); "
               "lavest: Vejle (42.333 kr.).")


@pytest.mark.parametrize(("benchmark", "saving", "expected"), [
    (Benchmark.COUNTRY, False,
     "Serviceudgifterne pr. indbygger i Odense var 43.796 kr. i 2022 mod et landsgennemsnit på 47.798 kr. Odense "
     "ligger allerede under landsgennemsnittet: at ligge på det niveau ville koste 824,3 mio. kr. mere om året, så "
     "der er intet råderum mod dette benchmark."),
    (Benchmark.REGION, True,
     "Serviceudgifterne pr. indbygger i Odense var 43.796 kr. i 2022 mod et gennemsnit på 47.798 kr. i Region "
     "Syddanmark. Hvis Odense lå på gennemsnittet i Region Syddanmark, ville udgiften være 824,3 mio. kr. lavere "
     "om året — det er råderummet."),
])
def test_savings_sentence(benchmark: Benchmark, saving: bool, expected: str) -> None:
    assert phrases.savings_sentence(forms(SERVICE), "Odense", "43.796 kr.", 2022, benchmark, "47.798 kr.",
                                    "Region Syddanmark", "824,3 mio. kr.", saving) == expected


@pytest.mark.parametrize(("metric_id", "bar", "rank", "trend"), [
    (POP, "Indbyggertallet i 2024", "Kommunerne med det højeste indbyggertal i 2024",
     "Udviklingen i indbyggertallet, 2015–2024"),
    (SERVICE, "Serviceudgifterne pr. indbygger i 2024",
     "Kommunerne med de højeste serviceudgifter pr. indbygger i 2024",
     "Udviklingen i serviceudgifterne pr. indbygger, 2015–2024"),
    (TAX, "Udskrivningsprocenten i 2024", "Kommunerne med den højeste udskrivningsprocent i 2024",
     "Udviklingen i udskrivningsprocenten, 2015–2024"),
])
def test_chart_titles(metric_id: str, bar: str, rank: str, trend: str) -> None:
    f = forms(metric_id)
    assert phrases.chart_title(f, 2024) == bar
    assert phrases.chart_title(f, 2024, national=True) == bar + " (rød linje: hele landet)"
    assert phrases.rank_title(f, "højeste", 2024, one=False) == rank
    assert phrases.trend_title(f, 2015, 2024) == trend


# -- through the assistant: the sentences a user reads ---------------------------------------------------------------
@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


@pytest.mark.parametrize(("question", "start"), [
    ("Hvilken kommune har flest indbyggere i 2024?", "København har det højeste indbyggertal i 2024: "),
    ("Hvilken kommune har de laveste serviceudgifter pr. indbygger i 2023?",
     "Vejle har de laveste serviceudgifter pr. indbygger i 2023: "),
    ("Hvilken kommune har den laveste udskrivningsprocent i 2022?",
     "Frederiksberg har den laveste udskrivningsprocent i 2022: "),
    ("Hvad var udskrivningsprocenten i Odense i 2023?", "Udskrivningsprocenten i Odense var 25,50 % i 2023, "),
    ("Hvor mange indbyggere havde Rebild i 2024?", "Indbyggertallet i Rebild var 30.937 i 2024, "),
    ("Hvordan har udskrivningsprocenten i København udviklet sig siden 2015?",
     "Udskrivningsprocenten i København gik fra "),
    ("Sammenlign serviceudgifterne pr. indbygger i Odense med nabokommunerne i 2023",
     "Serviceudgifterne pr. indbygger i Odense var 44.784 kr. i 2023, 9,2 % lavere end nabokommunernes "
     "gennemsnit (49.299 kr.). I hele landet var de 48.506 kr."),
])
def test_answers_read_as_written_by_a_person(assistant: Assistant, question: str, start: str) -> None:
    answer = assistant.ask(question)
    assert answer.status == "answer", answer.text
    assert answer.text.startswith(start), answer.text


def test_a_count_compared_with_its_neighbours_is_their_total(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign indbyggertallet i Gribskov med nabokommunerne i 2024")
    (group,) = [o for o in answer.observations if o.role == "group"]
    assert group.group == group.municipality == "Nabokommunerne i alt"
    assert "nabokommunerne tilsammen (" in answer.text and "gennemsnit" not in answer.text


# -- whose method a weighted group average follows: the figure's source, from the catalog -------------------------
def test_a_weighted_average_credits_the_ministry_only_for_its_own_figures() -> None:
    from semantic_layer.model import AVERAGE_METHOD_OWNERS

    catalog = load_catalog()
    weighted = [m for m in catalog.metrics if m.aggregation == Aggregation.WEIGHTED]
    assert {m.source for m in weighted} > {"noegletal"}  # Statistics Denmark's figures are weighted too
    for m in weighted:
        text = phrases.averaging_text(m)
        assert text.startswith(f"vægtet med {phrases.population_words(m)}"), (m.id, text)
        owner = AVERAGE_METHOD_OWNERS.get(m.source)
        assert text.endswith(f", som {owner} gør") if owner else "som " not in text, (m.id, m.source, text)
    regk = catalog.get("regk_groenne_omraader")
    assert regk is not None and phrases.averaging_sentence(regk) == "Gennemsnittet er vægtet med antal indbyggere."
    service = catalog.get(SERVICE)
    assert service is not None and phrases.averaging_sentence(service) == (
        "Gennemsnittet er vægtet med antal indbyggere, som ministeriet gør.")
