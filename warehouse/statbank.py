"""Statistics Denmark (Statbank) tables in the API's CSV layout: what each file holds and how it is read.

Every table here is a raw Statbank pull with English labels (`lang=en`): `;`-separated, UTF-8 with BOM, long
format with one row per area and period and the value in `INDHOLD`. The area column holds "All Denmark", the
five regions, the 98 municipalities and in some tables the eleven provinces, Christiansø and rows for people
or events without a municipality ("Not stated", "Abroad"). Only the country (code 0) and the 98 municipalities
are kept; the others are recognised by name and left out, and any other name is an error.

`TABLES` is the one description of each file, used by the build (to read it) and by `noegletal update`
(to download it again from the Statbank API with the same variables).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.errors import DataError

COUNTRY = 0
VALUE_COLUMN = "INDHOLD"
TIME_COLUMN = "TID"
# Rows that are not one of the 98 municipalities or the country, by DST's English label.
NOT_MUNICIPALITIES = re.compile(r"^(Region |Province )")
UNALLOCATED = frozenset({"Not stated", "Not stated municipality", "Abroad", "Outside Denmark"})
CHRISTIANSOE = "Christiansø"  # counted by DST, but no municipality among the key figures
# Statistics Denmark writes English exonyms; everything else matches the Danish name.
EXONYMS = {"Copenhagen": "København"}
PERIOD = {
    "year": re.compile(r"^(\d{4})$"),
    "quarter": re.compile(r"^(\d{4})Q([1-4])$"),
    "month": re.compile(r"^(\d{4})M(0[1-9]|1[0-2])$"),
}
MISSING = frozenset({"..", "...", ""})  # DST: not available / confidential


@dataclass(frozen=True)
class StatbankTable:
    """One Statbank extract: the table, its file here, and the one value of every variable but area and time."""

    table: str  # the Statbank table code, e.g. "FOLK1AM"
    file: str  # the file name in the data directory's dst/
    area: str  # the area variable: OMRÅDE, BOPOMR or BOPKOM
    fixed: tuple[tuple[str, str], ...]  # (variable, English label) for every other variable, in column order
    frequency: str  # year | quarter | month
    what: str  # Danish, for messages and the sources table
    columns: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("columns required")

    @property
    def url(self) -> str:
        return f"https://www.statistikbanken.dk/{self.table}"


def _table(table: str, file: str, columns: str, area: str, fixed: Mapping[str, str], frequency: str,
           what: str) -> StatbankTable:
    return StatbankTable(table, file, area, tuple(fixed.items()), frequency, what, tuple(columns.split(";")))


HFUDD_LEVELS = {
    "tot": "Total",
    "h40": "H40 Short cycle higher education",
    "h50": "H50 Vocational bachelors educations",
    "h60": "H60 Bachelors programs",
    "h70": "H70 Masters programs",
    "h80": "H80 PhD programs",
}
TABLES: tuple[StatbankTable, ...] = (
    _table("FOLK1AM", "folk1am_population_by_municipality.csv", "OMRÅDE;KØN;ALDER;TID;INDHOLD", "OMRÅDE",
           {"KØN": "Total", "ALDER": "Age, total"}, "month", "befolkningen den 1. i hver måned"),
    _table("INDKP101", "indkp101_income_by_municipality.csv", "OMRÅDE;ENHED;KOEN;INDKOMSTTYPE;TID;INDHOLD",
           "OMRÅDE", {"ENHED": "Average income for all people (DKK)", "KOEN": "Men and women, total",
                      "INDKOMSTTYPE": "1 Disposable income (2+30-31-32-35)"}, "year",
           "gennemsnitlig disponibel indkomst for alle personer (kr.)"),
    _table("BIL707", "bil707_cars_by_municipality.csv", "OMRÅDE;BILTYPE;TID;INDHOLD", "OMRÅDE",
           {"BILTYPE": "Passenger cars, total"}, "year", "personbiler i alt 1. januar"),
    *(_table("HFUDD11", f"hfudd11_{key}.csv", "BOPOMR;HERKOMST;HFUDD;ALDER;KØN;TID;INDHOLD", "BOPOMR",
             {"HERKOMST": "Total", "HFUDD": label, "ALDER": "Age, total", "KØN": "Total"}, "year",
             "befolkningen 15-69 år efter højeste fuldførte uddannelse; én fil pr. niveau: i alt og H40-H80")
      for key, label in HFUDD_LEVELS.items()),
    _table("AUK01", "auk01_social_assistance.csv", "OMRÅDE;YDELSESTYPE;KØN;ALDER;TID;INDHOLD", "OMRÅDE",
           {"YDELSESTYPE": "Net unemployed recipients of social assistance", "KØN": "Total",
            "ALDER": "Age, total"}, "quarter", "nettoledige kontanthjælpsmodtagere (personer)"),
    _table("STRAF11", "straf11_crime_by_municipality.csv", "OMRÅDE;OVERTRÆD;TID;INDHOLD", "OMRÅDE",
           {"OVERTRÆD": "Nature of the offence, total"}, "quarter", "anmeldte forbrydelser i alt"),
    _table("LBESK69", "lbesk69_employees_by_municipality.csv", "TAL;BOPKOM;KØN;TID;INDHOLD", "BOPKOM",
           {"TAL": "Full-time employees", "KØN": "Total"}, "quarter", "fuldtidsansatte efter bopælskommune"),
)
BY_FILE = {t.file: t for t in TABLES}


def table_for(file: str) -> StatbankTable:
    return BY_FILE[file]


@dataclass(frozen=True)
class StatCell:
    code: int  # 0 = All Denmark, else the municipality code
    year: int
    part: int | None  # quarter or month; None for a yearly table
    value: float | None  # None when DST publishes '..'
    line: int


@dataclass
class StatbankData:
    spec: StatbankTable
    path: Path
    cells: list[StatCell]
    periods: list[str]  # as written in TID, in file order
    skipped: dict[str, int]  # rows left out, by kind (regions, provinces, unallocated, Christiansø)

    @property
    def period(self) -> str:
        """First and last period, e.g. '2021M10–2026M02'."""
        return f"{self.periods[0]}–{self.periods[-1]}" if self.periods else ""

    def by(self, code: int) -> dict[tuple[int, int | None], float | None]:
        return {(c.year, c.part): c.value for c in self.cells if c.code == code}


def name_key(name: str) -> str:
    """Names differ between sources only in hyphens, spaces and case ('Høje-Taastrup', 'Høje Taastrup')."""
    return re.sub(r"[\s\-]+", " ", name).strip().casefold()


class AreaCodes:
    """Maps Statistics Denmark's area labels (English or Danish) to the country (0) or a municipality code."""

    def __init__(self, municipalities: Mapping[str, int]) -> None:
        self._codes = {name_key(n): c for n, c in municipalities.items()}

    def code(self, label: str) -> tuple[str, int | None]:
        """(kind, code): kind is country | municipality | region | province | unallocated | christiansoe | unknown."""
        label = label.strip()
        if label in ("All Denmark", "Hele landet"):
            return "country", COUNTRY
        if label == CHRISTIANSOE:
            return "christiansoe", None
        if label in UNALLOCATED:
            return "unallocated", None
        if NOT_MUNICIPALITIES.match(label):
            return ("region" if label.startswith("Region ") else "province"), None
        code = self._codes.get(name_key(EXONYMS.get(label, label)))
        return ("municipality", code) if code is not None else ("unknown", None)


def read_text(path: Path) -> str:
    if not path.exists():
        raise DataError("filen findes ikke", f"{path}:0")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("filen er ikke gyldig UTF-8 (forkert tegnsæt)", f"{path.name}:{line}") from exc
    return not_a_page(text, path.name)


def not_a_page(text: str, name: str) -> str:
    """Refuse an HTML, XML or JSON page (an error page saved or served in place of the table)."""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if head.startswith(("<!doctype", "<html", "<?xml", "{", "[")):
        raise DataError("filen er ikke en Statbank-CSV (HTML, XML eller JSON, fx en fejlside)", f"{name}:1")
    return text


def parse_value(raw: str, where: str) -> float | None:
    text = raw.strip()
    if text in MISSING:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise DataError(f"ugyldig værdi {raw!r} i {VALUE_COLUMN}", where) from exc


def parse_statbank(path: Path, spec: StatbankTable, areas: AreaCodes, expected_municipalities: Iterable[int],
                   text: str | None = None) -> StatbankData:
    """Read one Statbank CSV; every problem is a DataError naming the file and line.

    Checks: the header is exactly the table's columns; every non-area variable has its one expected label; every
    period is of the table's frequency; every period holds the country and exactly the expected municipalities,
    once each; every area label is known.
    """
    name = path.name
    text = read_text(path) if text is None else not_a_page(text, name)
    lines = text.splitlines()
    if not lines:
        raise DataError("filen er tom", f"{name}:1")
    header = next(csv.reader([lines[0]], delimiter=";"))
    if tuple(h.strip() for h in header) != spec.columns:
        raise DataError(f"uventede kolonner {header} (forventede {list(spec.columns)} fra {spec.table})",
                        f"{name}:1")
    index = {c: i for i, c in enumerate(spec.columns)}
    pattern = PERIOD[spec.frequency]
    cells: list[StatCell] = []
    periods: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    skipped: dict[str, int] = {}
    for line, row in enumerate(csv.reader(lines[1:], delimiter=";"), start=2):
        where = f"{name}:{line}"
        if not row:
            continue
        if len(row) != len(spec.columns):
            raise DataError(f"rækken har {len(row)} felter, ikke {len(spec.columns)} (afkortet fil?)", where)
        for variable, label in spec.fixed:
            if row[index[variable]].strip() != label:
                raise DataError(f"{variable} er {row[index[variable]]!r}, forventede {label!r}", where)
        tid = row[index[TIME_COLUMN]].strip()
        match = pattern.match(tid)
        if not match:
            raise DataError(f"perioden {tid!r} er ikke {spec.frequency} (fx {_example(spec.frequency)})", where)
        kind, code = areas.code(row[index[spec.area]])
        if kind == "unknown":
            raise DataError(f"ukendt område {row[index[spec.area]]!r}", where)
        value = parse_value(row[index[VALUE_COLUMN]], where)
        if tid not in periods:
            periods.append(tid)
        if code is None:
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        if (code, tid) in seen:
            raise DataError(f"området {row[index[spec.area]]!r} står to gange for {tid} (også linje "
                            f"{seen[(code, tid)]})", where)
        seen[(code, tid)] = line
        year = int(match.group(1))
        part = int(match.group(2)) if spec.frequency != "year" else None
        cells.append(StatCell(code, year, part, value, line))
    if not cells:
        raise DataError("filen har ingen rækker med tal", f"{name}:2")
    expected = set(expected_municipalities) | {COUNTRY}
    for tid in periods:
        present = {code for code, t in seen if t == tid}
        if present != expected:
            missing = sorted(expected - present)
            extra = sorted(present - expected)
            more = " …" if len(missing) > 10 else ""
            unknown = f" og har ukendte {extra}" if extra else ""
            raise DataError(f"perioden {tid} mangler områderne {missing[:10]}{more}{unknown} (afkortet fil?)",
                            f"{name}:{len(lines)}")
    return StatbankData(spec, path, cells, periods, skipped)


def _example(frequency: str) -> str:
    return {"year": "2024", "quarter": "2025Q4", "month": "2026M01"}[frequency]
