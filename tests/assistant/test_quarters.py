"""Quarterly figures in answers, on the real warehouse: no period answers the latest quarter and says which; a year
answers the annual form and says how it is formed (mean of the quarters for a stock, sum for a flow); quarters
follow the conversation; every number stays traceable."""

from __future__ import annotations

import pytest

from assistant.contract import Answer
from assistant.service import Assistant
from noegletal.wiring import get_assistant
from tests.assistant.test_traceable import derived_not_shown, untraceable

ODENSE = 461


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def subject(answer: Answer) -> list[tuple[int, int | None, float | None]]:
    return [(o.year, o.quarter, o.value) for o in answer.observations if o.role == "subject"]


def traceable(answer: Answer) -> None:
    assert answer.status == "answer", answer.text
    assert not untraceable(answer), [str(u) for u in untraceable(answer)]
    assert not derived_not_shown(answer)


def test_a_question_without_a_period_answers_the_latest_quarter(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange kontanthjælpsmodtagere har Odense?")
    traceable(answer)
    assert subject(answer) == [(2025, 4, 527.0)]  # AUK01, Odense 2025Q4
    assert answer.text.startswith("Antallet af nettoledige kontanthjælpsmodtagere i Odense var 527 i 4. kvartal 2025")
    assert "Årstallet" not in answer.text
    assert answer.metric is not None and answer.metric.id == "kontanthjaelpsmodtagere_kvartal"
    assert answer.metric.source_file == "dst/auk01_social_assistance.csv"
    national = [o for o in answer.observations if o.role == "national"]
    assert [(o.year, o.quarter) for o in national] == [(2025, 4)]
    assert answer.table is not None and [c.label for c in answer.table.columns] == ["Område", "År", "Kvartal", "Værdi"]
    assert answer.table.display[0] == ["Odense", "2025", "4. kvartal", "527"]


def test_a_year_answers_the_mean_of_four_quarters_for_a_stock(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange kontanthjælpsmodtagere har Odense i 2024?")
    traceable(answer)
    assert subject(answer) == [(2024, None, 482.75)]  # (475 + 478 + 489 + 489) / 4, never their sum
    assert "var 483 i 2024" in answer.text
    assert answer.text.endswith("Årstallet er gennemsnittet af årets fire kvartaler.")
    assert answer.metric is not None and answer.metric.id == "kontanthjaelpsmodtagere_aarsgns"


def test_a_year_answers_the_sum_of_four_quarters_for_a_flow(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange forbrydelser blev anmeldt i Odense i 2024?")
    traceable(answer)
    assert subject(answer) == [(2024, None, 17071.0)]
    assert "17.071 i 2024" in answer.text and "Årstallet er summen af årets fire kvartaler." in answer.text


def test_one_named_quarter(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange forbrydelser blev anmeldt i Odense i 2. kvartal 2024?")
    traceable(answer)
    assert subject(answer) == [(2024, 2, 4450.0)]
    assert "4.450 i 2. kvartal 2024" in answer.text


def test_the_last_8_quarters_as_a_trend(assistant: Assistant) -> None:
    answer = assistant.ask("udviklingen i anmeldte forbrydelser i Odense de seneste 8 kvartaler")
    traceable(answer)
    assert answer.operation == "trend"
    assert [(y, q) for y, q, _ in subject(answer)] == [(y, q) for y in (2024, 2025) for q in range(1, 5)]
    assert "gik fra 3.652 i 1. kvartal 2024 til 4.588 i 4. kvartal 2025" in answer.text
    assert answer.chart is not None and answer.chart["encoding"]["x"]["field"] == "periode"
    assert answer.chart["data"]["values"][0]["periode"] == "2024K1"
    assert answer.chart["title"].endswith("1. kvartal 2024–4. kvartal 2025")


def test_a_group_average_of_quarters_is_weighted(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign kontanthjælpsmodtagere pr. 1.000 indbyggere i Odense med nabokommunerne")
    traceable(answer)
    assert {(o.year, o.quarter) for o in answer.observations} == {(2025, 4)}
    assert "i 4. kvartal 2025" in answer.text and "vægtet med antal indbyggere." in answer.text
    assert "ministeriet" not in answer.text  # a Statistics Denmark figure: the ministry's method is not its source


def test_an_incomplete_year_has_no_annual_value_and_says_why(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange fuldtidsansatte lønmodtagere havde bopæl i Odense i 2025?")
    assert answer.status == "refuse"
    assert "Der findes tal for årene 2008–2024" in answer.text
    assert "2025 har kun tal til og med 3. kvartal 2025" in answer.text


def test_a_quarter_without_data_names_the_quarters_there_are(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor mange fuldtidsansatte lønmodtagere havde bopæl i Odense i 4. kvartal 2025?")
    assert answer.status == "refuse"
    assert "Der findes tal for perioden 1. kvartal 2008–3. kvartal 2025" in answer.text


def test_follow_ups_pick_the_form_by_their_period(assistant: Assistant) -> None:
    first = assistant.ask("Hvor mange kontanthjælpsmodtagere har Odense?")
    year = assistant.ask("Hvad med 2024?", first.conversation_id)
    traceable(year)
    assert year.metric is not None and year.metric.id == "kontanthjaelpsmodtagere_aarsgns"
    assert subject(year) == [(2024, None, 482.75)]
    quarter = assistant.ask("og 3. kvartal?", first.conversation_id)  # of the year last shown
    traceable(quarter)
    assert quarter.metric is not None and quarter.metric.id == "kontanthjaelpsmodtagere_kvartal"
    assert [(y, q) for y, q, _ in subject(quarter)] == [(2024, 3)]
    other = assistant.ask("og i Aalborg?", quarter.conversation_id)
    assert [(o.municipality_code, o.year, o.quarter) for o in other.observations if o.role == "subject"] == [
        (851, 2024, 3)]


def test_a_range_of_quarters(assistant: Assistant) -> None:
    answer = assistant.ask("Hvordan har antallet af kontanthjælpsmodtagere i Odense udviklet sig fra 1. kvartal 2023 "
                           "til 3. kvartal 2025?")
    traceable(answer)
    assert answer.operation == "trend"
    assert [(y, q) for y, q, _ in subject(answer)] == [
        (y, q) for y in (2023, 2024, 2025) for q in range(1, 5) if (y, q) <= (2025, 3)]
    assert answer.text.startswith("Antallet af nettoledige kontanthjælpsmodtagere i Odense gik fra 424 i 1. kvartal "
                                  "2023 til 535 i 3. kvartal 2025")
    assert ("years", "fra 1. kvartal 2023 til 3. kvartal 2025") in [(u.kind, u.meaning) for u in answer.understood]


def test_since_a_quarter_runs_to_the_latest_quarter(assistant: Assistant) -> None:
    answer = assistant.ask("Hvordan har antallet af kontanthjælpsmodtagere i Odense udviklet sig siden "
                           "2. kvartal 2024?")
    traceable(answer)
    assert [(y, q) for y, q, _ in subject(answer)][0] == (2024, 2)
    assert [(y, q) for y, q, _ in subject(answer)][-1] == (2025, 4)
    assert "gik fra 454 i 2. kvartal 2024 til 527 i 4. kvartal 2025" in answer.text


@pytest.mark.parametrize("question", ["Hvor mange kontanthjælpsmodtagere var der i Odense i 2024K3?",
                                      "Hvor mange kontanthjælpsmodtagere var der i Odense i 3. kvt. 2024?"])
def test_short_forms_of_a_quarter(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    traceable(answer)
    assert subject(answer) == [(2024, 3, 542.0)]
    assert "var 542 i 3. kvartal 2024" in answer.text


def test_a_range_of_quarters_without_data_names_the_quarters_there_are(assistant: Assistant) -> None:
    answer = assistant.ask("Hvordan har antallet af fuldtidsansatte lønmodtagere i Odense udviklet sig fra 4. kvartal "
                           "2025 til 2. kvartal 2026?")
    assert answer.status == "refuse"
    assert "i perioden 4. kvartal 2025–2. kvartal 2026" in answer.text
    assert "Der findes tal for perioden 1. kvartal 2008–3. kvartal 2025" in answer.text


def test_a_range_of_quarters_of_a_figure_without_quarters_says_it_answers_years(assistant: Assistant) -> None:
    answer = assistant.ask("Hvordan har udskrivningsprocenten i Odense udviklet sig fra 1. kvartal 2020 til "
                           "3. kvartal 2023?")
    traceable(answer)
    assert [y for y, _, _ in subject(answer)] == [2020, 2021, 2022, 2023]
    assert "opgøres kun for hele år, ikke pr. kvartal; svaret gælder hele år" in answer.text
    assert "kvartal" not in answer.text.split(". ")[0]  # the numbers are whole years, written as years
