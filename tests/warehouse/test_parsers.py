"""Unit tests for the export parsers: Danish numbers, cell codes, mojibake, note references."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warehouse.errors import DataError
from warehouse.noegletal_export import Cell, parse_cell, parse_export_date, repair_mojibake, split_note_refs


@pytest.mark.parametrize(("raw", "expected"), [
    ("1.234,5", Cell(1234.5, "value")),
    ("623.404", Cell(623404.0, "value")),
    ("5.180.500", Cell(5180500.0, "value")),
    ("25,02", Cell(25.02, "value")),
    ("-3,5", Cell(-3.5, "value")),
    ("0", Cell(0.0, "value")),
    (" 12 ", Cell(12.0, "value")),
    (40467, Cell(40467.0, "value")),
    (24.38, Cell(24.38, "value")),
    ("M", Cell(None, "missing")),
    ("", Cell(None, "missing")),
    (None, Cell(None, "missing")),
    ("U", Cell(None, "undefined")),
    ("-", Cell(0.0, "zero")),
    ("JA", Cell(1.0, "yes")),
    ("NEJ", Cell(0.0, "no")),
])
def test_parse_cell(raw, expected):
    assert parse_cell(raw, "x.csv:1") == expected


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "12 kr", True])
def test_parse_cell_rejects_garbage_with_location(raw):
    with pytest.raises(DataError) as err:
        parse_cell(raw, "x.csv:17 (2019)")
    assert err.value.where == "x.csv:17 (2019)"
    assert "x.csv:17" in str(err.value)


@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=99))
def test_parse_cell_roundtrips_danish_format(whole, cents):
    sign = "-" if whole < 0 else ""
    grouped = f"{abs(whole):,}".replace(",", ".")
    text = f"{sign}{grouped},{cents:02d}"
    expected = (abs(whole) + cents / 100) * (-1 if whole < 0 else 1)
    cell = parse_cell(text, "x:1")
    assert cell.status == "value"
    assert cell.value == pytest.approx(expected)


@pytest.mark.parametrize(("broken", "fixed"), [
    ("K¯benhavn", "København"),
    ("Helsing¯r", "Helsingør"),
    ("Lyngby-TaarbÊk", "Lyngby-Taarbæk"),
    ("HvidovreÂ", "Hvidovreå"),
    ("Fredensborg", "Fredensborg"),
    ("København", "København"),
])
def test_repair_mojibake(broken, fixed):
    assert repair_mojibake(broken) == fixed


def test_repair_mojibake_is_idempotent_on_clean_danish():
    for name in ["Ærø", "Høje-Taastrup", "Aabenraa", "Tårnby", "Læsø"]:
        assert repair_mojibake(name) == name


@pytest.mark.parametrize(("text", "expected"), [
    ("Hillerød Kommune (3) (17)", ("Hillerød Kommune", (3, 17))),
    ("Gennemsnit (26)", ("Gennemsnit", (26,))),
    ("I alt (15)  ", ("I alt", (15,))),
    ("Udskrivningsprocent", ("Udskrivningsprocent", ())),
    ("Areal (km2) (abs)", ("Areal (km2) (abs)", ())),
    ("Serviceniveau (gns=1,00) (til 2018)", ("Serviceniveau (gns=1,00) (til 2018)", ())),
    ("Pladser (2) i (4) alt (5)", ("Pladser (2) i (4) alt", (5,))),
])
def test_split_note_refs(text, expected):
    assert split_note_refs(text) == expected


def test_parse_export_date():
    publisher, stamp = parse_export_date("Social- og Indenrigsministeriet d. 10. september 2019")
    assert publisher == "Social- og Indenrigsministeriet"
    assert (stamp.year, stamp.month, stamp.day) == (2019, 9, 10)
    assert parse_export_date("Ingen dato her") == (None, None)
