"""Key figures built from Statistics Denmark's tables: the Statbank pulls in dst/ and REGK31 in regk31/.

Each figure is one table's own statistic with the table code as its source; the country is code 0 with the
published "All Denmark"/"Hele landet" value. A rate per 1,000 inhabitants divides a count by the population on
1 January of the same year (`population`; the country's by the population of the whole country), so it is
derived in the build after the population is known (see `RATES` and warehouse/build.py).

The population itself ("Indbyggertal 1. januar", noegletal.dk to 2024) continues with FOLK1AM's January values
(`CONTINUATIONS`): the build checks they equal noegletal.dk's figure for every municipality in every year both
hold, and fails if not, so the later years are the same statistic, not a splice of two definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.errors import DataError
from warehouse.regk31 import TABLE as REGK31
from warehouse.regk31 import Regk31Year, figure_label
from warehouse.statbank import BY_FILE, COUNTRY, HFUDD_LEVELS, StatbankData

DST = "Danmarks Statistik"
VIA_DST = "via github.com/DennisHedegreen/danish-politics-data 3156d9b"
VIA_REGK31 = "via github.com/marieleth/marieleth--hvad-bruger-din-kommune-pengene-paa 18c5cc1"
REGK31_ORIGIN = (f"{DST}, Statistikbanken {REGK31} (kommunernes regnskaber: nettodriftsudgifter pr. indbygger "
                 f"efter funktion, løbende priser); {VIA_REGK31}")

POPULATION_FIGURE = "Indbyggertal 1. januar"
INCOME_FIGURE = "Gns. disponibel indkomst pr. person"
CARS_FIGURE = "Personbiler i alt 1. januar"
CARS_PER_1000_FIGURE = "Personbiler pr. 1.000 indb."
HIGHER_EDUCATION_FIGURE = "Andel 15-69-årige med videregående uddannelse"
HIGHER_EDUCATION_GROUP = "15-69"  # HFUDD11 covers residents aged 15-69: the weight of group averages
HIGHER_LEVELS = ("h40", "h50", "h60", "h70", "h80")

FOLK1AM_FILE = "folk1am_population_by_municipality.csv"
INDKP101_FILE = "indkp101_income_by_municipality.csv"
BIL707_FILE = "bil707_cars_by_municipality.csv"
HFUDD11_FILES = {key: f"hfudd11_{key}.csv" for key in HFUDD_LEVELS}


def statbank_origin(file: str) -> str:
    spec = BY_FILE[file]
    return f"{DST}, Statistikbanken {spec.table} ({spec.what}); {VIA_DST}"


@dataclass(frozen=True)
class Rate:
    """A count per `per` inhabitants: count / population 1 January of the same year x per."""

    figure: str
    count: str
    per: float


@dataclass(frozen=True)
class Continuation:
    """A later source carrying a figure on past its vintage's last year, once the build has checked that the two
    agree exactly in every municipality and year both hold."""

    figure: str
    source_file: str
    what: str  # Danish: how the later source measures the figure


@dataclass(frozen=True)
class Quarterly:
    """A quarterly Statbank count, its rate per 1,000 inhabitants, and the year formed from four quarters.

    A stock (recipients, employees: people at a time) forms a year as the mean of its four quarters, never the
    sum; a flow (offences reported in the quarter) as the sum. A year without all four quarters has no value.
    Rates divide by the population 1 January of the same year, as every other rate here (the monthly population
    exists only from October 2021)."""

    file: str
    count: str  # quarterly count
    rate: str  # quarterly rate per 1,000 inhabitants
    year_count: str  # the year's count: mean or sum of the four quarters
    year_rate: str  # the year's count per 1,000 inhabitants 1 January
    annual: str  # mean | sum

    @property
    def aggregate(self) -> str:
        return "avg" if self.annual == "mean" else "sum"


AUK01_FILE = "auk01_social_assistance.csv"
STRAF11_FILE = "straf11_crime_by_municipality.csv"
LBESK69_FILE = "lbesk69_employees_by_municipality.csv"
QUARTERLY: tuple[Quarterly, ...] = (
    Quarterly(AUK01_FILE, "Kontanthjælpsmodtagere (nettoledige), kvartal",
              "Kontanthjælpsmodtagere (nettoledige) pr. 1.000 indb., kvartal",
              "Kontanthjælpsmodtagere (nettoledige), gns. af 4 kvartaler",
              "Kontanthjælpsmodtagere (nettoledige) pr. 1.000 indb., gns. af 4 kvartaler", "mean"),
    Quarterly(STRAF11_FILE, "Anmeldte forbrydelser i alt, kvartal", "Anmeldte forbrydelser pr. 1.000 indb., kvartal",
              "Anmeldte forbrydelser i alt, sum af 4 kvartaler",
              "Anmeldte forbrydelser pr. 1.000 indb., sum af 4 kvartaler", "sum"),
    Quarterly(LBESK69_FILE, "Fuldtidsansatte (bopæl), kvartal", "Fuldtidsansatte (bopæl) pr. 1.000 indb., kvartal",
              "Fuldtidsansatte (bopæl), gns. af 4 kvartaler",
              "Fuldtidsansatte (bopæl) pr. 1.000 indb., gns. af 4 kvartaler", "mean"),
)
RATES: tuple[Rate, ...] = (Rate(CARS_PER_1000_FIGURE, CARS_FIGURE, 1000.0),
                           *(Rate(q.year_rate, q.year_count, 1000.0) for q in QUARTERLY))
CONTINUATIONS: tuple[Continuation, ...] = (
    Continuation(POPULATION_FIGURE, FOLK1AM_FILE, "FOLK1AM: befolkningen den 1. januar (månedens første dag)"),
)

Fact = dict[str, object]
AddSource = Callable[..., str]


@dataclass
class Loaded:
    """Rows for the warehouse tables, as build._Loader collects them."""

    facts: list[Fact]
    national: list[Fact]
    figures: list[Fact]
    groups: list[Fact]
    monthly: list[Fact]
    quarterly: list[Fact] = field(default_factory=list)
    quarterly_national: list[Fact] = field(default_factory=list)


def _fact(figure: str, source_id: str, code: int, year: int, value: float | None, status: str | None = None) -> Fact:
    if status is None:
        status = "missing" if value is None else ("zero" if value == 0 else "value")
    return {"figure": figure, "source_id": source_id, "municipality_code": code, "year": year, "value": value,
            "status": status, "note_refs": ""}


def _figure(figure: str, source_id: str, facts: list[Fact], kind: str) -> Fact:
    years = [int(str(f["year"])) for f in facts if f["value"] is not None]
    if not years:
        raise DataError(f"nøgletallet {figure!r} har ingen tal", f"{source_id}:1")
    return {"figure": figure, "source_id": source_id, "national_kind": kind, "note_refs": "",
            "first_year": min(years), "last_year": max(years), "source_line": 1}


def yearly(figure: str, data: StatbankData, source_id: str, out: Loaded, kind: str = "average") -> None:
    """A yearly table as one figure: the municipalities' values and the published All Denmark value."""
    facts = [_fact(figure, source_id, c.code, c.year, c.value) for c in data.cells if c.code != COUNTRY]
    out.facts += facts
    out.national += [{"figure": figure, "source_id": source_id, "year": c.year, "value": c.value,
                      "status": "missing" if c.value is None else "value"} for c in data.cells if c.code == COUNTRY]
    out.figures.append(_figure(figure, source_id, facts, kind))


def population_continuation(data: StatbankData, source_id: str, out: Loaded) -> None:
    """FOLK1AM: January values as facts of the population figure (used only after the check), every month to
    `population_by_month` (the country is DST's All Denmark, which includes Christiansø's ~90 residents)."""
    for c in data.cells:
        assert c.part is not None
        if c.value is None:
            raise DataError(f"befolkningstallet mangler for {c.year}M{c.part:02d}", f"{data.path.name}:{c.line}")
        out.monthly.append({"area_code": c.code, "year": c.year, "month": c.part, "persons": int(c.value)})
        if c.part == 1 and c.code != COUNTRY:
            out.facts.append(_fact(POPULATION_FIGURE, source_id, c.code, c.year, c.value))


def higher_education(levels: dict[str, StatbankData], source_id: str, out: Loaded) -> None:
    """HFUDD11: H40-H80 (short cycle to PhD) over all residents 15-69 years, in percent; the totals are also
    the weights of group averages (population group '15-69')."""
    total = levels["tot"]
    parts = [levels[k] for k in HIGHER_LEVELS]
    facts: list[Fact] = []
    for cell in total.cells:
        key = (cell.year, cell.part)
        values = [p.by(cell.code).get(key) for p in parts]
        if cell.value is None or any(v is None for v in values):
            share = None
        elif cell.value == 0:
            raise DataError("ingen indbyggere 15-69 år", f"{total.path.name}:{cell.line}")
        else:
            share = 100.0 * sum(v for v in values if v is not None) / cell.value
        if cell.code == COUNTRY:
            out.national.append({"figure": HIGHER_EDUCATION_FIGURE, "source_id": source_id, "year": cell.year,
                                 "value": share, "status": "missing" if share is None else "value"})
            continue
        facts.append(_fact(HIGHER_EDUCATION_FIGURE, source_id, cell.code, cell.year, share))
        if cell.value is not None:
            out.groups.append({"group_id": HIGHER_EDUCATION_GROUP, "municipality_code": cell.code,
                               "year": cell.year, "persons": cell.value, "basis_year": cell.year})
    for part in parts:
        if {(c.code, c.year) for c in part.cells} != {(c.code, c.year) for c in total.cells}:
            raise DataError("uddannelsesniveauerne dækker ikke de samme områder og år som totalen",
                            f"{part.path.name}:1")
    out.facts += facts
    out.figures.append(_figure(HIGHER_EDUCATION_FIGURE, source_id, facts, "average"))


def regk31(years: list[Regk31Year], source_ids: dict[Path, str], out: Loaded) -> list[str]:
    """REGK31: one figure per function; each year's file is that year's source. Returns the figure labels."""
    labels = [figure_label(f) for f in years[0].functions]
    for year in years:
        source_id = source_ids[year.path]
        for function in year.functions:
            label = figure_label(function)
            facts = [_fact(label, source_id, c.code, c.year, c.value, c.status)
                     for c in year.cells if c.function == function and c.code != COUNTRY]
            out.facts += facts
            out.national += [{"figure": label, "source_id": source_id, "year": c.year, "value": c.value,
                              "status": c.status} for c in year.cells if c.function == function and c.code == COUNTRY]
            values = [int(str(f["year"])) for f in facts if f["value"] is not None]
            out.figures.append({"figure": label, "source_id": source_id, "national_kind": "average",
                                "note_refs": "", "first_year": min(values, default=None),
                                "last_year": max(values, default=None), "source_line": 1})
    return labels


def quarterly(spec: Quarterly, data: StatbankData, source_id: str, out: Loaded) -> None:
    """The quarterly counts as published (the country: All Denmark); rates and years are derived in the build."""
    for c in data.cells:
        status = "missing" if c.value is None else ("zero" if c.value == 0 else "value")
        if c.code == COUNTRY:
            out.quarterly_national.append({"figure": spec.count, "year": c.year, "quarter": c.part, "value": c.value,
                                           "status": status, "source_id": source_id})
        else:
            out.quarterly.append({"figure": spec.count, "municipality_code": c.code, "year": c.year,
                                  "quarter": c.part, "value": c.value, "status": status, "source_id": source_id})
    years = [c.year for c in data.cells if c.value is not None]
    out.figures.append({"figure": spec.count, "source_id": source_id, "national_kind": "total", "note_refs": "",
                        "first_year": min(years), "last_year": max(years), "source_line": 1,
                        "frequency": "quarter"})
