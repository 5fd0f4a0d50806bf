"""The Statbank and REGK31 parsers: real files read, broken ones refused with file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warehouse.errors import DataError
from warehouse.reference import parse_municipalities
from warehouse.regk31 import parse_regk31
from warehouse.statbank import TABLES, AreaCodes, parse_statbank, table_for

BIL707 = "bil707_cars_by_municipality.csv"


@pytest.fixture(scope="module")
def areas(data_dir: Path) -> tuple[AreaCodes, list[int]]:
    reference = [m for m in parse_municipalities(data_dir / "reference" / "kommuner.csv") if m.code != 411]
    return AreaCodes({m.name: m.code for m in reference}), sorted(m.code for m in reference)


@pytest.mark.parametrize("spec", TABLES, ids=lambda t: t.file)
def test_every_file_parses_with_98_municipalities_and_the_country(data_dir, areas, spec):
    codes, expected = areas
    data = parse_statbank(data_dir / "dst" / spec.file, spec, codes, expected)
    assert {c.code for c in data.cells} == set(expected) | {0}
    assert len(data.cells) == len(data.periods) * 99
    # regions, provinces, Christiansø and rows without a municipality are recognised and left out
    assert set(data.skipped) <= {"region", "province", "christiansoe", "unallocated"}


def test_copenhagen_and_hoeje_taastrup_are_mapped(data_dir, areas):
    codes, expected = areas
    data = parse_statbank(data_dir / "dst" / BIL707, table_for(BIL707), codes, expected)
    assert data.by(101)[(2026, None)] == 173_745  # "Copenhagen"
    assert data.by(169)[(2026, None)] == 55_840  # "Høje-Taastrup"
    assert data.by(0)[(2026, None)] == 2_914_000  # "All Denmark"
    assert data.skipped["province"] == 11 * 20 and data.skipped["christiansoe"] == 20


def _broken(tmp_path: Path, data_dir: Path, edit) -> Path:
    text = (data_dir / "dst" / BIL707).read_text(encoding="utf-8-sig")
    path = tmp_path / BIL707
    path.write_text(edit(text), encoding="utf-8-sig")
    return path


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: "<!DOCTYPE html><html><body>Error 500</body></html>", ["HTML"]),
    (lambda t: t.replace("OMRÅDE;BILTYPE;TID;INDHOLD", "OMRÅDE;BILTYPE;KØN;TID;INDHOLD", 1), ["kolonner", ":1"]),
    (lambda t: t[: t.index("Aalborg;Passenger cars, total;2026;") + 20], ["felter", "afkortet"]),
    (lambda t: "\n".join(t.splitlines()[:-30]) + "\n", ["mangler", "afkortet"]),
    (lambda t: t.replace("Odense;", "Odence;", 1), ["ukendt område", "Odence"]),
    (lambda t: t.replace("Odense;Passenger cars, total", "Odense;Vans, total", 1), ["BILTYPE", "Vans"]),
    (lambda t: t.replace("Odense;Passenger cars, total;2010;", "Odense;Passenger cars, total;2010;x", 1),
     ["ugyldig værdi"]),
    (lambda t: t.replace(";2010;", ";2010Q1;", 1), ["2010Q1", "year"]),
])
def test_broken_statbank_file_is_refused_with_location(tmp_path, data_dir, areas, edit, words):
    codes, expected = areas
    path = _broken(tmp_path, data_dir, edit)
    with pytest.raises(DataError) as err:
        parse_statbank(path, table_for(BIL707), codes, expected)
    assert err.value.where.startswith(BIL707 + ":")
    for word in words:
        assert word in str(err.value), (word, str(err.value))


def test_dst_missing_marker_is_missing_not_zero(tmp_path, data_dir, areas):
    codes, expected = areas
    path = _broken(tmp_path, data_dir, lambda t: re.sub(r"(?m)^(Odense;Passenger cars, total;2010;)\d+$", r"\1..", t))
    data = parse_statbank(path, table_for(BIL707), codes, expected)
    assert data.by(461)[(2010, None)] is None
    assert data.by(461)[(2011, None)] is not None


def test_regk31_year_parses_and_marks_unreported_functions_missing(data_dir, areas):
    codes, expected = areas
    year = parse_regk31(data_dir / "regk31" / "2016.csv", codes, expected)
    assert year.year == 2016 and len(year.functions) == 25 and len(year.cells) == 25 * 99
    assert [f[:7] for f in year.not_reported] == ["5.30.26", "5.30.27", "5.30.28"]
    home = [c for c in year.cells if c.function.startswith("5.30.26")]
    assert {c.status for c in home} == {"missing"} and {c.value for c in home} == {None}


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: t[: t.rindex('"Aalborg"') + 5], ["felter"]),
    (lambda t: "\r\n".join(t.splitlines()[:-1]) + "\r\n", ["mangler", "afkortet"]),
    (lambda t: t.replace('"Odense"', '"Odence"', 1), ["ukendt område"]),
    (lambda t: t.replace("løbende priser", "faste priser", 1), ["prisenheden"]),
])
def test_broken_regk31_file_is_refused_with_location(tmp_path, data_dir, areas, edit, words):
    codes, expected = areas
    text = (data_dir / "regk31" / "2024.csv").read_text(encoding="utf-8")
    path = tmp_path / "2024.csv"
    path.write_text(edit(text), encoding="utf-8", newline="")
    with pytest.raises(DataError) as err:
        parse_regk31(path, codes, expected)
    assert err.value.where.startswith("2024.csv:")
    for word in words:
        assert word in str(err.value), (word, str(err.value))
