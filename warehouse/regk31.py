"""Statistics Denmark REGK31: the municipalities' net operating expenditure per inhabitant by function.

One file per accounting year (`regk31/2016.csv` …), as downloaded from the Statbank: comma-separated, quoted
text, no header row, columns price unit, expenditure type, function ("5.30.26 Personlig og praktisk hjælp …"),
area (Danish names: "Hele landet" and the 98 municipalities) and the value in whole kroner (may be negative).

A function that is 0 for every row of a year (the 5.30.xx elderly functions in 2016 and 2017, before they
existed in the chart of accounts) was not reported under that function that year: its cells are `missing`,
never a zero.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from warehouse.errors import DataError
from warehouse.statbank import COUNTRY, AreaCodes, not_a_page, read_text

TABLE = "REGK31"
PRICE_UNIT = "Pr. indbygger, løbende priser (kr.)"
EXPENDITURE_TYPE = "I alt (netto)"
FUNCTION = re.compile(r"^(\d\.\d\d\.\d\d) (.+)$")
FILE = re.compile(r"^(\d{4})\.csv$")
LABEL_SUFFIX = " (netto, kr. pr. indb.)"


def figure_label(function: str) -> str:
    """The warehouse label of a function's figure: the chart of accounts' own number and name."""
    return function + LABEL_SUFFIX


@dataclass(frozen=True)
class Regk31Cell:
    function: str  # "5.30.26 Personlig og praktisk hjælp og madservice til ældre omfattet af frit valg af leverandør"
    code: int  # 0 = Hele landet
    year: int
    value: float | None
    status: str  # value | zero | missing
    line: int


@dataclass
class Regk31Year:
    path: Path
    year: int
    cells: list[Regk31Cell]
    functions: list[str]
    not_reported: list[str]  # functions that are 0 in every row: missing, not zero


def parse_regk31(path: Path, areas: AreaCodes, expected_municipalities: Iterable[int],
                 text: str | None = None) -> Regk31Year:
    """One year's file (or `text` to be written as it: `noegletal update` checks a download before writing it);
    every problem is a DataError naming the file and line."""
    name = path.name
    match = FILE.match(name)
    if not match:
        raise DataError("filnavnet skal være regnskabsåret, fx 2024.csv", f"{name}:0")
    year = int(match.group(1))
    text = read_text(path) if text is None else not_a_page(text, name)
    raw: list[tuple[str, int, float, int]] = []
    functions: list[str] = []
    seen: dict[tuple[str, int], int] = {}
    for line, row in enumerate(csv.reader(text.splitlines()), start=1):
        where = f"{name}:{line}"
        if not row:
            continue
        if len(row) != 5:
            raise DataError(f"rækken har {len(row)} felter, ikke 5 (afkortet fil?)", where)
        unit, kind, function, area, value = (c.strip() for c in row)
        if unit != PRICE_UNIT:
            raise DataError(f"prisenheden er {unit!r}, forventede {PRICE_UNIT!r}", where)
        if kind != EXPENDITURE_TYPE:
            raise DataError(f"arten er {kind!r}, forventede {EXPENDITURE_TYPE!r}", where)
        if not FUNCTION.match(function):
            raise DataError(f"funktionen {function!r} har ikke formen '5.30.26 Navn'", where)
        area_kind, code = areas.code(area)
        if code is None:
            raise DataError(f"ukendt område {area!r}", where)
        try:
            amount = float(value)
        except ValueError as exc:
            raise DataError(f"ugyldig værdi {value!r}", where) from exc
        if (function, code) in seen:
            raise DataError(f"{area!r} står to gange for {function!r} (også linje {seen[(function, code)]})", where)
        seen[(function, code)] = line
        if function not in functions:
            functions.append(function)
        raw.append((function, code, amount, line))
    if not raw:
        raise DataError("filen har ingen rækker", f"{name}:1")
    expected = set(expected_municipalities) | {COUNTRY}
    for function in functions:
        present = {code for (f, code) in seen if f == function}
        if present != expected:
            missing = sorted(expected - present)
            raise DataError(f"funktionen {function!r} mangler områderne {missing[:10]} (afkortet fil?)",
                            f"{name}:{max(seen.values())}")
    not_reported = [f for f in functions if all(v == 0 for g, _, v, _ in raw if g == f)]
    cells = []
    for function, code, amount, line in raw:
        if function in not_reported:
            cells.append(Regk31Cell(function, code, year, None, "missing", line))
        else:
            cells.append(Regk31Cell(function, code, year, amount, "zero" if amount == 0 else "value", line))
    return Regk31Year(path, year, cells, functions, not_reported)


def parse_regk31_dir(directory: Path, areas: AreaCodes, expected_municipalities: Iterable[int]) -> list[Regk31Year]:
    """Every year's file; the same functions in every year."""
    paths = sorted(p for p in directory.glob("*.csv") if FILE.match(p.name))
    if not paths:
        raise DataError("ingen REGK31-filer (<år>.csv)", f"{directory}:0")
    expected = list(expected_municipalities)
    years = [parse_regk31(p, areas, expected) for p in paths]
    first = years[0]
    for other in years[1:]:
        if set(other.functions) != set(first.functions):
            added = sorted(set(other.functions) - set(first.functions))
            gone = sorted(set(first.functions) - set(other.functions))
            raise DataError(f"funktionerne skifter fra {first.year} til {other.year}: nye {added}, væk {gone}",
                            f"{other.path.name}:1")
    return years
