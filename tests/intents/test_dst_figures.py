"""Statistics Denmark figures (INDKP101, BIL707, HFUDD11, REGK31, years of AUK01, STRAF11, LBESK69): the parser
finds each in several phrasings, and a question that fits a REGK31 function and a noegletal.dk figure alike asks
back."""

from __future__ import annotations

import pytest

from semantic_layer.loader import load_catalog

NEW_FILES = ("dst_levevilkaar.yaml", "regk31.yaml", "dst_kvartal.yaml")
NEW = [m for m in load_catalog().metrics if m.file in NEW_FILES]
PHRASINGS = [
    ("disponibel_indkomst_pr_person", "Hvad er den disponible indkomst pr. person i Gentofte i 2023?"),
    ("disponibel_indkomst_pr_person", "Gennemsnitsindkomsten i Lolland"),
    ("disponibel_indkomst_pr_person", "Disponibel indkomst i Aarhus 2020"),
    ("personbiler_i_alt", "Hvor mange personbiler er der i Vejle?"),
    ("personbiler_i_alt", "Bilbestanden i Herning i 2025"),
    ("personbiler_i_alt", "Antal biler i Aalborg 2026"),
    ("personbiler_pr_1000", "Personbiler pr. 1.000 indbyggere i Lejre"),
    ("personbiler_pr_1000", "Hvad er biltætheden i København?"),
    ("personbiler_pr_1000", "Hvor mange biler pr. 1.000 indbyggere har Gentofte i 2024?"),
    ("andel_15_69_videregaaende_uddannelse", "Andel 15-69-årige med videregående uddannelse i Gentofte 2022"),
    ("andel_15_69_videregaaende_uddannelse", "Hvor mange af de 15-69-årige i Lolland har en videregående uddannelse?"),
    ("regk_groenne_omraader", "Hvad bruger Aarhus på grønne områder pr. indbygger?"),
    ("regk_groenne_omraader", "Udgifter til parker og grønne områder i Odense 2023"),
    ("regk_idraetsanlaeg", "Hvad bruger Herning på idrætsanlæg?"),
    ("regk_idraetsanlaeg", "Udgifter til stadion og idrætsanlæg pr. indbygger i Brøndby"),
    ("regk_vejvedligeholdelse", "Hvad bruger Viborg på vejvedligeholdelse?"),
    ("regk_vejvedligeholdelse", "Udgifter til vedligeholdelse af veje pr. indbygger i Thisted 2024"),
    ("regk_busdrift", "Hvad bruger Odense på busdrift pr. indbygger?"),
    ("regk_busdrift", "Udgifter til busdrift i Læsø i 2022"),
    ("regk_folkeskoler", "Nettoudgifter til folkeskoler pr. indbygger i Vejle"),
    ("regk_folkeskoler", "Hvad bruger Vejle netto på folkeskoler pr. indbygger i 2024?"),
    ("regk_sfo", "Hvad bruger Gentofte på skolefritidsordninger pr. indbygger?"),
    ("regk_sfo", "Udgifter til skolefritidsordninger i Roskilde 2023"),
    ("regk_specialskoler", "Hvad bruger Køge på specialskoler?"),
    ("regk_specialskoler", "Udgifter til specialundervisning pr. indbygger i Holbæk"),
    ("regk_bidrag_privatskoler", "Hvad betaler Gentofte i bidrag for elever på private skoler pr. indbygger?"),
    ("regk_bidrag_privatskoler", "Bidrag til staten for privatskoleelever i Aabenraa"),
    ("regk_folkebiblioteker", "Hvad bruger Odense på folkebiblioteker pr. indbygger i 2024?"),
    ("regk_folkebiblioteker", "Udgifter til folkebiblioteker pr. indbygger i Horsens 2023"),
    ("regk_medfinansiering", "Hvad betaler Odense netto i medfinansiering af sundhedsvæsenet pr. indbygger?"),
    ("regk_medfinansiering", "Udgifter til medfinansiering af sundhedsvæsenet pr. indbygger i Esbjerg 2024"),
    ("regk_tandpleje", "Hvad bruger Randers på tandpleje?"),
    ("regk_tandpleje", "Udgifter til kommunal tandpleje pr. indbygger i Kolding"),
    ("regk_daginstitutioner", "Hvad bruger Aarhus på daginstitutioner pr. indbygger?"),
    ("regk_daginstitutioner", "Udgifter til daginstitutioner i Silkeborg i 2024"),
    ("regk_forebyggelse_boern_unge", "Hvad bruger Slagelse på forebyggende indsatser for børn og unge?"),
    ("regk_forebyggelse_boern_unge", "Udgifter til forebyggende indsatser for børn og unge pr. indbygger i Næstved"),
    ("regk_plejefamilier", "Hvad bruger Guldborgsund på plejefamilier?"),
    ("regk_plejefamilier", "Udgifter til plejefamilier pr. indbygger i Svendborg 2023"),
    ("regk_hjemmepleje", "Hvad bruger Hjørring på hjemmepleje?"),
    ("regk_hjemmepleje", "Udgifter til hjemmepleje pr. indbygger i Vejle"),
    ("regk_hjemmepleje", "Hvad bruger Odense på hjemmehjælp pr. indbygger i 2023?"),
    ("regk_pleje_omsorg", "Hvad bruger Hjørring på pleje og omsorg af ældre?"),
    ("regk_pleje_omsorg", "Udgifter til pleje og omsorg af ældre pr. indbygger i Faxe"),
    ("regk_hjemmesygepleje", "Hvad bruger Frederikshavn på hjemmesygepleje?"),
    ("regk_hjemmesygepleje", "Udgifter til hjemmesygepleje pr. indbygger i Skive 2024"),
    ("regk_stofmisbrug", "Hvad bruger København på behandling af stofmisbrug?"),
    ("regk_stofmisbrug", "Udgifter til misbrugsbehandling pr. indbygger i Odense"),
    ("regk_foertidspension", "Hvad bruger Lolland på førtidspension tilkendt fra 1. juli 2014 pr. indbygger?"),
    ("regk_foertidspension", "Udgifter til nye førtidspensioner pr. indbygger i Lolland"),
    ("regk_kontant_uddannelseshjaelp", "Hvad bruger Odense på kontant- og uddannelseshjælp?"),
    ("regk_kontant_uddannelseshjaelp", "Udgifter til uddannelseshjælp pr. indbygger i Aalborg"),
    ("regk_dagpenge", "Hvad bruger Esbjerg på dagpenge til forsikrede ledige?"),
    ("regk_dagpenge", "Udgifter til a-dagpenge pr. indbygger i Esbjerg 2024"),
    ("regk_fleksjob", "Hvad bruger Vejle på fleksjob?"),
    ("regk_fleksjob", "Udgifter til fleksjob og løntilskud pr. indbygger i Herning"),
    ("regk_beskaeftigelsesindsats", "Hvad bruger Odense på den kommunale beskæftigelsesindsats pr. indbygger?"),
    ("regk_beskaeftigelsesindsats", "Driftsudgifter til beskæftigelsesindsatsen i Aarhus 2024"),
    ("regk_kommunalbestyrelse", "Hvad bruger Læsø på kommunalbestyrelsen pr. indbygger?"),
    ("regk_kommunalbestyrelse", "Udgifter til kommunalbestyrelsesmedlemmer i Fanø"),
    ("regk_sekretariat_forvaltninger", "Hvad bruger Gentofte på sekretariat og forvaltninger pr. indbygger?"),
    ("regk_sekretariat_forvaltninger", "Udgifter til sekretariat og forvaltninger i Rudersdal 2024"),
    # A year asks for the annual form (mean or sum of four quarters), no period for the latest quarter.
    ("kontanthjaelpsmodtagere_aarsgns", "Hvad er det årlige antal nettoledige kontanthjælpsmodtagere i Aarhus i 2024?"),
    ("kontanthjaelpsmodtagere_aarsgns", "Gennemsnitligt antal kontanthjælpsmodtagere i Lolland 2023"),
    ("kontanthjaelpsmodtagere_pr_1000_aarsgns", "Nettoledige kontanthjælpsmodtagere pr. 1.000 indbyggere i Ærø 2023"),
    ("kontanthjaelpsmodtagere_pr_1000_aarsgns",
     "Hvor mange kontanthjælpsmodtagere er der pr. 1.000 indbyggere i Odense i 2025?"),
    ("anmeldte_forbrydelser_aar", "Hvor mange forbrydelser blev anmeldt i Odense i 2025?"),
    ("anmeldte_forbrydelser_aar", "Anmeldte forbrydelser i alt i Aalborg 2024"),
    ("anmeldte_forbrydelser_pr_1000_aar", "Anmeldte forbrydelser pr. 1.000 indbyggere i København i 2024"),
    ("anmeldte_forbrydelser_pr_1000_aar", "Hvad var kriminalitetsniveauet i Ishøj sidste år?"),
    ("fuldtidsansatte_aarsgns", "Hvor mange fuldtidsansatte lønmodtagere havde bopæl i Herning i 2023?"),
    ("fuldtidsansatte_aarsgns", "Antal fuldtidsansatte lønmodtagere med bopæl i Vejle i 2024"),
    ("fuldtidsansatte_pr_1000_aarsgns", "Fuldtidsansatte lønmodtagere pr. 1.000 indbyggere i Billund i 2022"),
    ("fuldtidsansatte_pr_1000_aarsgns", "Hvor mange lønmodtagere pr. 1.000 indbyggere var der i Gentofte i 2024?"),
    ("kontanthjaelpsmodtagere_kvartal", "Hvor mange kontanthjælpsmodtagere har Odense?"),
    ("kontanthjaelpsmodtagere_kvartal", "Nettoledige kontanthjælpsmodtagere i Aalborg i 3. kvartal 2025"),
    ("kontanthjaelpsmodtagere_pr_1000_kvartal", "Nettoledige kontanthjælpsmodtagere pr. 1.000 indbyggere i Lolland"),
    ("kontanthjaelpsmodtagere_pr_1000_kvartal", "Kontanthjælpsmodtagere pr. 1.000 indbyggere i Odense seneste kvartal"),
    ("anmeldte_forbrydelser_kvartal", "Hvor mange forbrydelser blev anmeldt i Odense?"),
    ("anmeldte_forbrydelser_kvartal", "Anmeldte forbrydelser i Aalborg i 2. kvartal 2025"),
    ("anmeldte_forbrydelser_pr_1000_kvartal", "Anmeldte forbrydelser pr. 1.000 indbyggere i København"),
    ("anmeldte_forbrydelser_pr_1000_kvartal", "Hvad er kriminalitetsniveauet i Ishøj?"),
    ("fuldtidsansatte_kvartal", "Hvor mange fuldtidsansatte lønmodtagere har bopæl i Herning?"),
    ("fuldtidsansatte_kvartal", "Antal fuldtidsansatte lønmodtagere i Vejle i 1. kvartal 2025"),
    ("fuldtidsansatte_pr_1000_kvartal", "Fuldtidsansatte lønmodtagere pr. 1.000 indbyggere i Billund"),
    ("fuldtidsansatte_pr_1000_kvartal", "Hvor mange lønmodtagere pr. 1.000 indbyggere er der i Gentofte?"),
]


def test_every_new_figure_has_phrasings():
    assert {m.id for m in NEW} == {mid for mid, _ in PHRASINGS}


@pytest.mark.parametrize(("metric_id", "question"), PHRASINGS)
def test_phrasing_finds_the_figure(parser, metric_id, question):
    result = parser.parse(question)
    assert result.status == "spec", (result.question, result.options)
    assert result.spec.metric.id == metric_id, result.steps
    assert len(result.spec.municipalities) == 1


@pytest.mark.parametrize("metric", NEW, ids=lambda m: m.id)
def test_question_form_parses_back(parser, metric):
    result = parser.parse(metric.forms.ask("Høje-Taastrup"))
    assert result.status == "spec" and result.spec.metric.id == metric.id, (result.status, result.options)
    assert result.spec.municipalities == (169,)


def test_year_is_kept(parser):
    result = parser.parse("Hvad bruger Odense på hjemmepleje pr. indbygger i 2023?")
    assert result.spec.metric.id == "regk_hjemmepleje" and result.spec.years.start == 2023


SCHOOLS = {"regk_folkeskoler", "udg_folkeskoleomraadet_pr_indb"}


@pytest.mark.parametrize(("question", "options"), [
    ("Hvad bruger Odense på folkeskoler pr. indbygger?", SCHOOLS),
    ("Hvad er udgifterne til folkeskoler pr. indbygger i Vejle?", SCHOOLS),
])
def test_a_question_fitting_a_function_and_a_noegletal_figure_asks_back(parser, catalog, question, options):
    result = parser.parse(question)
    assert result.status == "clarify"
    offered = {m.id for m in catalog.metrics if any(m.forms.ask("Odense") in o or m.forms.ask("Vejle") in o
                                                   for o in result.options)}
    assert options <= offered, result.options


@pytest.mark.parametrize(("question", "metric_id"), [
    ("Hvad bruger Hjørring på ældre pr. 67+-årig?", "udg_aeldre_pr_67plus"),
    ("Hvad bruger Hjørring på hjemmepleje pr. indbygger?", "regk_hjemmepleje"),
    ("Hvad bruger Lolland på førtidspension pr. 17-64-årig?", "udg_foertidspension_pr_17_64"),
    ("Hvad betaler Odense i aktivitetsbestemt medfinansiering af sundhedsvæsenet pr. indbygger?",
     "udg_medfinansiering_sundhed_pr_indb"),
    ("Hvad bruger Odense på biblioteker pr. indbygger?", "biblioteksudgifter_pr_indb"),
    ("Hvor stor en andel af de 25-64-årige i Odense har en videregående uddannelse?",
     "andel_25_64_videregaaende_uddannelse"),
])
def test_the_words_decide_between_overlapping_figures(parser, question, metric_id):
    result = parser.parse(question)
    assert result.status == "spec" and result.spec.metric.id == metric_id, (result.status, result.options)


def test_recipients_counted_are_the_latest_quarter_and_the_old_rate_keeps_its_words(parser):
    """"Hvor mange kontanthjælpsmodtagere" asks for a count: AUK01's latest quarter, not noegletal.dk's rate per
    100 17-64-årige (to 2019), which its own words still find."""
    result = parser.parse("Hvor mange kontanthjælpsmodtagere har Odense?")
    assert result.status == "spec" and result.spec.metric.id == "kontanthjaelpsmodtagere_kvartal"
    assert result.spec.years.kind == "latest" and result.spec.years.in_quarters
    rate = parser.parse("Hvor mange kontanthjælpsmodtagere er der pr. 100 17-64-årige i Odense?")
    assert rate.status == "spec" and rate.spec.metric.id == "kontanthjaelpsmodtagere_pr_100"


def test_municipal_staff_stays_staff(parser):
    result = parser.parse("Hvor mange fuldtidsansatte har Odense i alt pr. 1.000 indbyggere?")
    assert result.status == "spec" and result.spec.metric.id == "personaleforbrug_pr_1000"
