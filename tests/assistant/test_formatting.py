"""Danish numbers and dates through Babel (da_DK), and the derived figures an answer lists beside its text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.formatting import babel_number, danish_date, kroner, number, percent, rounded
from assistant.service import Assistant
from noegletal.wiring import get_assistant
from web.formatting import csv_cell, da_date, danish_number, display_cell


def test_numbers_in_danish() -> None:
    assert number(52300) == "52.300"
    assert number(1234.5, 1) == "1.234,5"
    assert number(25.02, 2) == "25,02"
    assert number(1234567.891, 2) == "1.234.567,89"
    assert number(1234567.5, 1, group=False) == "1234567,5"
    assert percent(25.02, 2) == "25,02 %"
    assert kroner(52_300) == "52.300 kr." and kroner(193_600_000) == "193,6 mio. kr."


def test_rounding_is_half_away_from_zero_and_never_shows_minus_zero() -> None:
    assert number(0.125, 2) == "0,13" and number(2.5) == "3" and number(-2.5) == "-3"
    assert number(1.005, 2) == "1,01"  # the shortest form of the float, as the data has it
    assert number(-0.04, 1) == "0,0" and str(rounded(-0.04, 1)) == "0.0"


@settings(max_examples=2000, deadline=None)
@given(value=st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e13, max_value=1e13),
                       st.integers(min_value=-10**12, max_value=10**12),
                       st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9,
                                   max_value=10**9)),
       decimals=st.integers(min_value=0, max_value=4), group=st.booleans())
def test_the_fast_number_writes_what_babel_writes(value, decimals, group) -> None:
    """number() formats the rounded Decimal itself; Babel's pattern is the reference, sign and grouping included."""
    assert number(value, decimals, group) == babel_number(value, decimals, group)


def test_dates_in_danish() -> None:
    assert danish_date("2024-03-15") == "15. marts 2024"
    assert danish_date(date(2024, 12, 1)) == "1. december 2024"
    assert da_date("2024-03-15") == "15. marts 2024" and da_date(date(2023, 5, 2)) == "2. maj 2023"
    assert da_date(None) == "" and da_date("ukendt") == "ukendt"


def test_web_cells() -> None:
    assert danish_number(1234567.5) == "1.234.567,5" and danish_number(2.50) == "2,5"
    assert danish_number(1.00001) == "1" and danish_number(-0.00001) == "0"
    assert danish_number(12345, group=False) == "12345" and danish_number(3.14159, 2) == "3,14"
    assert danish_number(float("nan")) == "udefineret" and danish_number(True) == "ja"
    assert display_cell(2023, "year") == "2023" and display_cell(53149, "value") == "53.149"
    assert display_cell(None) == "NULL"
    assert csv_cell(1234.5) == "1234,5" and csv_cell(1e-05) == "0,00001" and csv_cell(3.0) == "3"
    assert csv_cell(float("inf")) == "" and csv_cell(None) == ""


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def test_difference_is_listed_with_its_calculation(assistant: Assistant) -> None:
    answer = assistant.ask("Serviceudgifter pr. indbygger i Fredensborg i 2023")
    (item,) = [d for d in answer.derived if d.label == "forskel i procent"]
    assert item.display == "9,6 %" and item.display in answer.text and item.unit == "%"
    assert item.value == pytest.approx((53149 - 48506) / 48506 * 100, abs=0.05)
    assert item.how == "(Fredensborg − hele landet) / hele landet × 100"
    assert [(i.name, i.year, i.display) for i in item.inputs] == [
        ("Fredensborg", 2023, "53.149 kr."), ("Hele landet", 2023, "48.506 kr.")]


def test_rank_and_count_are_listed(assistant: Assistant) -> None:
    answer = assistant.ask("Sammenlign serviceudgifterne i Gribskov med nabokommunerne i 2023")
    labels = {d.label: d for d in answer.derived}
    assert labels["placering"].display == "nr. 4" and labels["antal kommuner i sammenligningen"].value == 5
    assert "nr. 4 af 5" in answer.text


def test_savings_is_listed_in_kroner(assistant: Assistant) -> None:
    answer = assistant.ask("Hvor meget kunne Odense spare på serviceudgifterne, "
                           "hvis de lå på landsgennemsnittet i 2022?")
    labels = {d.label: d for d in answer.derived}
    assert labels["råderum"].value == pytest.approx(-824_323_956, abs=1)
    assert labels["råderum"].display == "824,3 mio. kr." and labels["nævnerpopulation"].display == "205.978"
    assert answer.model_dump()["derived"]  # part of the JSON contract
