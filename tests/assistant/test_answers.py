"""The assistant against the real warehouse: Danish text, numbers, observations, cards, warnings."""

from __future__ import annotations

import re

import pytest

from assistant.contract import Answer
from assistant.formatting import danish_date, kroner, number
from assistant.service import Assistant
from noegletal.wiring import get_assistant


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def obs(answer: Answer, code: int | None, year: int | None = None, role: str | None = None) -> list:
    return [o for o in answer.observations if o.municipality_code == code
            and (year is None or o.year == year) and (role is None or o.role == role)]


def test_danish_number_format() -> None:
    assert number(53149) == "53.149"
    assert number(25.5, 1) == "25,5"
    assert number(1234567.891, 2) == "1.234.567,89"
    assert kroner(-824_323_956) == "-824,3 mio. kr."
    assert danish_date("2024-03-30") == "30. marts 2024"


def test_value_answer_names_figure_year_and_national(assistant: Assistant) -> None:
    answer = assistant.ask("Hvad var udskrivningsprocenten i Gentofte i 2023?")
    assert answer.status == "answer" and answer.operation == "value"
    (gentofte,) = obs(answer, 157, 2023)
    (national,) = obs(answer, 0, 2023)
    assert gentofte.value == pytest.approx(24.17) and gentofte.display == "24,17 %"
    assert national.value == pytest.approx(25.02)
    assert "Gentofte" in answer.text and "2023" in answer.text and "24,17 %" in answer.text
    assert "procentpoint lavere end landsgennemsnittet" in answer.text  # rates differ in points, not %
    assert answer.metric is not None and answer.metric.label == "Udskrivningsprocent"
    assert answer.metric.vintage == "2024-03-30" and answer.metric.source_file.endswith(".xlsx")
    assert answer.sql and "Udskrivningsprocent" in answer.sql
    assert answer.table is not None and ["Gentofte", "2023", "24,17 %"] in answer.table.display


def test_money_answer_compares_in_percent_and_warns_about_budget_year(assistant: Assistant) -> None:
    answer = assistant.ask("Serviceudgifter pr. indbygger i Fredensborg i 2023")
    assert "53.149 kr." in answer.text and "9,6 % højere end landsgennemsnittet" in answer.text
    assert not answer.text.endswith("..")
    assert any("budget" in w and "30. marts 2024" in w for w in answer.warnings)


def test_population_has_no_budget_warning(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange indbyggere havde Rebild i 2024?")
    assert obs(answer, 840, 2024)[0].value == 30937
    assert not any("budget" in w for w in answer.warnings)


def test_neighbour_comparison_lists_members_and_weighted_average(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign serviceudgifterne i Gribskov med nabokommunerne i 2023")
    codes = {o.municipality_code for o in answer.observations if o.role in ("subject", "member")}
    assert codes == {270, 210, 217, 219, 260}
    (group,) = [o for o in answer.observations if o.role == "group"]
    assert group.municipality_code is None and group.group == "Nabokommunernes gennemsnit"
    weights = {210: 40_811, 217: 63_358, 219: 51_953, 260: 31_545}  # not used for the check below
    assert len(weights) == 4
    members = [o.value for o in answer.observations if o.role == "member"]
    assert min(members) < group.value < max(members)
    assert "vægtet med antal indbyggere" in answer.text and "nr. " in answer.text
    assert answer.chart is not None and answer.chart_kind == "bar"


def test_trend_states_change_in_kroner_and_percent(assistant: Assistant) -> None:
    answer = assistant.ask("Hvordan har udgifterne til dagtilbud pr. 0-13-årig udviklet sig i Odense "
                           "fra 2015 til 2023?")
    years = sorted({o.year for o in obs(answer, 461)})
    assert years == list(range(2015, 2024))
    first, last = obs(answer, 461, 2015)[0].value, obs(answer, 461, 2023)[0].value
    assert f"{number(last - first)} kr." in answer.text
    assert re.search(r"\(\d+,\d %\)", answer.text)
    assert answer.chart_kind == "line"
    assert "bruttoudgifter" in answer.text  # the headline figure was chosen, and the answer says so


def test_rank_says_position(assistant: Assistant) -> None:
    answer = assistant.ask("Hvilke 5 kommuner har den laveste udskrivningsprocent i 2022?")
    ranked = sorted((o for o in answer.observations if o.role in ("member", "subject")), key=lambda o: o.value)
    assert [o.value for o in ranked[:5]] == pytest.approx([22.8, 23.09, 23.1, 23.4, 23.6])
    assert answer.text.startswith("De 5 kommuner med den laveste udskrivningsprocent i 2022: ")
    assert "deler 5.-pladsen" in answer.text  # Gladsaxe and Glostrup tie at 23,6 %
    assert answer.table.columns[0].label == "Nr."


def test_savings_states_amount_and_assumptions(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor meget kunne Odense spare på serviceudgifterne, "
                           "hvis de lå på landsgennemsnittet i 2022?")
    (saving,) = [o for o in answer.observations if o.role == "savings"]
    assert saving.value == pytest.approx(-824_323_956, abs=1)
    assert "824,3 mio. kr." in answer.text and "Forudsætter" in answer.text and "205.978" in answer.text


def test_distribution_has_all_municipalities_and_a_map(assistant: Assistant) -> None:
    answer = assistant.ask("Vis anmeldte indbrud pr. 1.000 indbyggere for alle kommuner på et kort")
    assert len({o.municipality_code for o in answer.observations if o.role == "member"}) == 98
    assert answer.chart_kind == "map" and answer.chart["data"]["url"].endswith("kommuner.topojson")


def test_overview_covers_themes_against_neighbours_and_country(assistant: Assistant) -> None:
    answer = assistant.ask("Giv mig et overblik over Kerteminde")
    mine = {o.metric for o in answer.observations if o.municipality_code == 440}
    assert len(mine) >= 12
    assert {o.metric for o in answer.observations if o.municipality_code == 0} >= mine - {"indbyggertal"}
    assert len({c.theme for c in answer.metrics}) >= 8
    assert answer.text.startswith("Overblik over Kerteminde")


def test_overview_prefers_recent_figures_and_shows_their_years(assistant: Assistant) -> None:
    answer = assistant.ask("Giv mig et overblik over Vejle")
    years = {o.metric: o.year for o in answer.observations if o.role == "subject"}
    # each theme with a figure of 2024 or later shows it, not the noegletal.dk figure that ends in 2019
    assert years["regk_pleje_omsorg"] == 2024 and "udg_aeldre_pr_67plus" not in years
    assert years["regk_folkeskoler"] == 2024 and years["indbyggertal"] == 2026
    assert years["kontanthjaelpsmodtagere_pr_1000_aarsgns"] == 2025  # the annual form of the quarterly figure
    assert years["langfristet_gaeld_pr_indb"] == 2019  # no newer figure covers the theme
    assert {c.id for c in answer.metrics} == set(years)  # the cards of the figures shown, no others
    # the table shows each row's year, and it is the figure's own year (neighbours and country alike)
    assert [c.key for c in answer.table.columns][:3] == ["metric", "municipality", "year"]
    shown = {c.short_name: c.id for c in answer.metrics}
    for raw, display in zip(answer.table.rows, answer.table.display, strict=True):
        assert display[2] == str(raw[2]) == str(years[shown[raw[0]]])
    # the text says the figures are from different years, and which year each is from
    assert "Tallene er fra forskellige år (2019–2026)" in answer.text
    assert "2019: langfristet gæld pr. indbygger" in answer.text and "2026: indbyggertal" in answer.text
    assert re.search(r"Gunstigt: .*\(2025: -\d+,\d %", answer.text)


def test_definition_card(assistant: Assistant) -> None:
    answer = assistant.ask("Hvad betyder grundskyldpromille?")
    assert answer.status == "answer" and answer.metric.label == "Grundskyldpromille"
    assert answer.metric.unit == "promille" and answer.metric.definition in answer.text
    assert answer.metric.source_url and answer.metric.first_year == 1993


def test_follow_ups_keep_context(assistant: Assistant) -> None:
    first = assistant.ask("Hvad var udskrivningsprocenten i Aarhus i 2022?")
    second = assistant.ask("Og i Aalborg?", first.conversation_id)
    third = assistant.ask("Hvad med 2018?", first.conversation_id)
    assert obs(second, 851, 2022)[0].value == pytest.approx(25.4)
    assert obs(third, 851, 2018)[0].value == pytest.approx(25.4)
    assert [a.question for a in assistant.history(first.conversation_id)][-3:] == [
        "Hvad var udskrivningsprocenten i Aarhus i 2022?", "Og i Aalborg?", "Hvad med 2018?"]


def test_missing_cell_is_shown_as_missing_not_zero(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign indikator for konkurrenceudsættelse på hkt 2 i Næstved "
                           "med nabokommunerne i 2018")
    (vordingborg,) = obs(answer, 390, 2018)
    assert vordingborg.value is None and vordingborg.status == "missing" and vordingborg.display == "mangler"
    assert any("Vordingborg" in w and "mangler" in w for w in answer.warnings)
    (group,) = [o for o in answer.observations if o.role == "group"]
    others = [o.value for o in answer.observations if o.role == "member" and o.value is not None]
    assert group.value == pytest.approx(sum(others) / len(others))  # the members with a value; never a 0
    lonely = assistant.ask("Sammenlign indikator for konkurrenceudsættelse på hkt 2 i Lolland "
                           "med nabokommunerne i 2015")
    assert "kan ikke beregnes" in lonely.text  # Lolland's only neighbour is missing that year


def test_year_without_data_is_refused_with_available_years(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange indbyggere havde Vejle i 2040?")
    assert answer.status == "refuse" and "1993–2026" in answer.text and not answer.observations


def test_clarify_and_refuse(assistant: Assistant) -> None:
    clarify = assistant.ask("Hvad er taksten i Aarhus?")
    assert clarify.status == "clarify" and len(clarify.clarification.options) >= 2
    refuse = assistant.ask("Hvad bliver vejret i morgen?")
    assert refuse.status == "refuse" and refuse.examples
