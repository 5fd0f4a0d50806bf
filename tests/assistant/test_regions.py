"""All five regions in an answer, on the real warehouse: one sentence naming the highest and the lowest region
(Danish numbers), the country, how a region's figure is made, a table of the regions and a bar (or line) chart;
a ranking, a trend, a quarterly figure, missing data said aloud; every shown number traceable."""

from __future__ import annotations

import pytest

from assistant.contract import Answer
from assistant.service import Assistant
from noegletal.wiring import get_assistant
from semantic_layer.spec import REGION_CODES
from tests.assistant.test_quarters import traceable


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def regions(answer: Answer) -> list[tuple[int | None, str, float | None]]:
    return [(o.municipality_code, o.municipality, o.value) for o in answer.observations if o.role == "group"]


def test_compare_the_regions_weighted(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign regionerne på serviceudgifterne i 2023")
    traceable(answer)
    assert answer.text == (
        "Serviceudgifterne pr. indbygger var højest i Region Hovedstaden (50.266 kr.) og lavest i Region Midtjylland "
        "(45.724 kr.) i 2023. I hele landet var de 48.506 kr. Hver regions tal er dens kommuners gennemsnit "
        "vægtet med antal indbyggere (summen af tællerne delt med summen af nævnerne), som ministeriet gør.")
    assert sorted(code for code, _, _ in regions(answer)) == list(REGION_CODES)
    assert answer.table is not None and [row[0] for row in answer.table.display] == [
        "Region Hovedstaden", "Region Sjælland", "Region Nordjylland", "Region Syddanmark", "Region Midtjylland",
        "Hele landet"]
    assert answer.chart_kind == "bar" and answer.chart is not None
    assert answer.chart["title"] == "Serviceudgifterne pr. indbygger i regionerne i 2023 (rød linje: hele landet)"
    assert len(answer.chart["data"]["values"]) == 5
    assert answer.sql.count("GROUP BY") >= 1 and "region_code" in answer.sql


def test_statistics_denmark_figure_is_said_neutrally(assistant: Assistant) -> None:
    answer = assistant.ask("Hvilke regioner har den laveste disponible indkomst?")
    traceable(answer)
    assert "ministeriet" not in answer.text
    assert answer.text.startswith("Regionerne efter den gennemsnitlige disponible indkomst pr. person i 2024, "
                                  "laveste først: Region Nordjylland (261.832 kr.), Region Syddanmark")
    assert "vægtet med antal indbyggere (summen af tællerne delt med summen af nævnerne)." in answer.text


def test_which_region_is_highest(assistant: Assistant) -> None:
    answer = assistant.ask("Hvilken region har de højeste udgifter til folkeskolen pr. elev?")
    traceable(answer)
    assert answer.text.startswith("Region Hovedstaden har de højeste udgifter til folkeskolen pr. elev af regionerne "
                                  "i 2019 (64.206 kr.); lavest er Region Sjælland (61.181 kr.).")
    assert "uvægtede gennemsnit" in answer.text
    assert answer.chart_kind == "rank" and answer.table is not None
    assert [row[0] for row in answer.table.display][:5] == ["1.", "2.", "3.", "4.", "5."]


def test_rank_by_population_is_the_sum(assistant: Assistant) -> None:
    answer = assistant.ask("Ranger regionerne efter indbyggertal")
    traceable(answer)
    assert "højeste først: Region Hovedstaden (1.947.120), Region Midtjylland (1.383.261)" in answer.text
    assert "Hver regions tal er summen af dens kommuners tal." in answer.text
    assert sum(v for _, _, v in regions(answer) if v) == pytest.approx(
        next(o.value for o in answer.observations if o.role == "national"))


def test_the_first_three_regions(assistant: Assistant) -> None:
    answer = assistant.ask("Hvilke tre regioner har de højeste serviceudgifter?")
    traceable(answer)
    assert answer.text.startswith("De 3 regioner med de højeste serviceudgifter pr. indbygger i 2023: Region "
                                  "Hovedstaden (50.266 kr.), Region Sjælland (49.708 kr.), Region Nordjylland "
                                  "(48.833 kr.).")


def test_trend_of_the_regions_is_a_line_chart(assistant: Assistant) -> None:
    answer = assistant.ask("Hvordan har serviceudgifterne udviklet sig i regionerne siden 2015?")
    traceable(answer)
    assert answer.text.startswith("Fra 2015 til 2023 steg serviceudgifterne pr. indbygger mest i Region Sjælland "
                                  "(8.543 kr., 20,8 %) og mindst i Region Hovedstaden (7.294 kr., 17,0 %).")
    assert "I hele landet steg serviceudgifterne pr. indbygger med 18,6 % i samme periode." in answer.text
    assert answer.chart_kind == "line"
    assert {o.year for o in answer.observations} == set(range(2015, 2024))


def test_a_quarterly_figure_by_region(assistant: Assistant) -> None:
    answer = assistant.ask("Kontanthjælpsmodtagere pr. 1.000 indbyggere i regionerne")
    traceable(answer)
    assert "i 4. kvartal 2025" in answer.text and "ministeriet" not in answer.text
    assert {(o.year, o.quarter) for o in answer.observations} == {(2025, 4)}


def test_missing_regions_are_said_never_zero(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign regionerne på udgiftsbehov (hovedstaden) pr. indbygger i 2006")
    traceable(answer)
    assert "Region Nordjylland, Region Midtjylland og Region Syddanmark har ingen tal i 2006." in answer.text
    assert "I Region Sjælland mangler tal for 12 af 17 kommuner; gennemsnittet er over de andre." in answer.text
    missing = [o for o in answer.observations if o.role == "group" and o.value is None]
    assert len(missing) == 3 and all(o.display == "mangler" for o in missing)


def test_follow_up_in_a_conversation(assistant: Assistant) -> None:
    first = assistant.ask("Hvad er udskrivningsprocenten i Aarhus?")
    answer = assistant.ask("Sammenlign regionerne", first.conversation_id)
    traceable(answer)
    assert answer.text.startswith("Udskrivningsprocenten var højest i Region Nordjylland (25,75 %) og lavest i "
                                  "Region Hovedstaden (24,34 %) i 2023.")
    assert "vægtet med udskrivningsgrundlaget" in answer.text
    again = assistant.ask("Hvad med 2019?", answer.conversation_id)
    traceable(again)
    assert {o.year for o in again.observations} == {2019} and len(regions(again)) == 5
    back = assistant.ask("Og i Aarhus?", again.conversation_id)
    traceable(back)
    assert [o.municipality_code for o in back.observations if o.role == "subject"] == [751]
