"""Build the DuckDB warehouse from the official exports: atomic, idempotent, checked."""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.dst_figures import (
    BIL707_FILE,
    CARS_FIGURE,
    CONTINUATIONS,
    DST,
    FOLK1AM_FILE,
    HFUDD11_FILES,
    INCOME_FIGURE,
    INDKP101_FILE,
    POPULATION_FIGURE,
    QUARTERLY,
    RATES,
    REGK31_ORIGIN,
    Continuation,
    Loaded,
    Quarterly,
    Rate,
    higher_education,
    population_continuation,
    quarterly,
    statbank_origin,
    yearly,
)
from warehouse.dst_figures import regk31 as regk31_figures
from warehouse.errors import DataError
from warehouse.noegletal_export import Export, parse_export
from warehouse.reference import parse_dst_long, parse_folk1a, parse_municipalities, parse_topojson_codes
from warehouse.regk31 import TABLE as REGK31_TABLE
from warehouse.regk31 import figure_label, parse_regk31_dir
from warehouse.schema import CURRENT_DDL, DDL
from warehouse.statbank import AreaCodes, StatbankData, parse_statbank, table_for

NOEGLETAL_ORIGIN = "Social- og Indenrigsministeriet, De Kommunale Nøgletal (noegletal.dk)"
# Where each file came from (the data README's provenance), by file-name pattern.
ORIGINS = [
    (r"noegletal_alle_.*\.csv$", NOEGLETAL_ORIGIN + "; via github.com/wdmdev/ML_proj_1 a58380d"),
    (r".*\.xlsx$", NOEGLETAL_ORIGIN + "; via github.com/AsgerIngemann/House-Prices e93074f"),
    (r"ledighed_pct.*\.csv$", "Danmarks Statistik AUP02; via github.com/DennisHedegreen/danish-politics-data"),
    (r"folk1a.*\.csv$", "Danmarks Statistik FOLK1A; via github.com/DennisHedegreen/danish-politics-data"),
    (r"kommuner\.csv$", "Kommuneliste med regioner og landnaboer, beregnet fra DAGI-grænserne"),
    (r"kommuner\.topojson$", "Geodatastyrelsen DAGI 1:500.000; via github.com/Neogeografen/dagi a1c1563"),
]
UNEMPLOYMENT_FIGURE = "Registrerede ledige i pct. af arbejdsstyrken"
OLD_AGE_FIGURE = "Antal 80+-årige"
TAX_BASE_FIGURE = "Statsgaranteret udskrivningsgrundlag pr. indb."
AREA_FIGURE = "Areal (km2) (abs)"
# Statistics Denmark writes English exonyms; everything else matches the Danish name.
DST_EXONYMS = {"Copenhagen": "København", "All Denmark": "Hele landet"}
SHARE_LABEL = re.compile(r"^Andel (\d+(?:-\d+|\+))-årige$")
# Notes (25) and (26): the pension age fell from 67 to 65 in 2004, so these groups switch in 2004.
SPLIT_GROUPS = {"17-64/66": ("17-66", "17-64", 2004), "65+/67+": ("67+", "65+", 2004)}
EXPECTED_MUNICIPALITIES = 98
CHECK_KBH_2019 = 623_404


@dataclass
class BuildReport:
    path: Path
    seconds: float = 0.0
    figures: int = 0
    municipalities: int = 0
    years: tuple[int, int] = (0, 0)
    cells_by_status: dict[str, int] = field(default_factory=dict)
    sources: int = 0

    def summary(self) -> str:
        cells = ", ".join(f"{k}: {v:,}".replace(",", ".") for k, v in sorted(self.cells_by_status.items()))
        return (f"Lager bygget: {self.path} på {self.seconds:.1f} s — {self.figures} nøgletal, "
                f"{self.municipalities} kommuner, år {self.years[0]}–{self.years[1]}, "
                f"{self.sources} kildefiler. Celler efter status: {cells}.")


def _origin(path: Path) -> str:
    for pattern, origin in ORIGINS:
        if re.search(pattern, path.name):
            return origin
    return "ukendt oprindelse"


def _name_key(name: str) -> str:
    """Names differ between sources only in hyphens, spaces and case ('Høje-Taastrup', 'Høje Taastrup')."""
    return re.sub(r"[\s\-]+", " ", name).strip().casefold()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _export_frames(export: Export, source_id: str, known: set[int]) -> tuple[list[dict], list[dict], list[dict]]:
    fact_rows: list[dict] = []
    national_rows: list[dict] = []
    figure_rows: list[dict] = []
    seen: dict[str, int] = {}
    for block in export.blocks:
        where = f"{export.path.name}:{block.line}"
        if block.label in seen:
            raise DataError(f"nøgletallet {block.label!r} findes to gange (også linje {seen[block.label]})", where)
        seen[block.label] = block.line
        codes = [row.code for row in block.rows]
        if len(set(codes)) != EXPECTED_MUNICIPALITIES or len(codes) != EXPECTED_MUNICIPALITIES:
            raise DataError(f"nøgletallet {block.label!r} har {len(set(codes))} forskellige kommuner, "
                            f"ikke {EXPECTED_MUNICIPALITIES}", where)
        years_with_values = []
        for row in block.rows:
            if row.code not in known:
                raise DataError(f"ukendt kommunekode {row.code} ({row.name})", f"{export.path.name}:{row.line}")
            refs = ",".join(str(r) for r in row.note_refs)
            for year, cell in row.cells.items():
                fact_rows.append({"figure": block.label, "source_id": source_id, "municipality_code": row.code,
                                  "year": year, "value": cell.value, "status": cell.status, "note_refs": refs})
                if cell.value is not None:
                    years_with_values.append(year)
        if block.national is not None:
            for year, cell in block.national.cells.items():
                national_rows.append({"figure": block.label, "source_id": source_id, "year": year,
                                      "value": cell.value, "status": cell.status})
        figure_rows.append({
            "figure": block.label, "source_id": source_id,
            "national_kind": block.national_kind if block.national is not None else "none",
            "note_refs": ",".join(str(r) for r in (block.national.note_refs if block.national else ())),
            "first_year": min(years_with_values, default=None), "last_year": max(years_with_values, default=None),
            "source_line": block.line,
        })
    return fact_rows, national_rows, figure_rows


class _Loader:
    """Collects rows for each table, then writes them in one go."""

    def __init__(self, data_dir: Path, progress: Callable[[str], None]) -> None:
        self.data_dir = data_dir
        self.progress = progress
        self.tables: dict[str, list[dict]] = {k: [] for k in (
            "regions", "municipalities", "neighbours", "sources", "source_notes", "figures", "facts",
            "national_figures", "population_by_age", "population_by_month", "population_groups",
            "quarterly_observations", "quarterly_national")}

    def source(self, path: Path, rows: int, publisher: str | None = None, export_date: object = None, *,
               origin: str | None = None, series: str | None = None, period: str | None = None,
               source_id: str | None = None) -> str:
        source_id = source_id or path.name
        self.tables["sources"].append({
            "source_id": source_id, "file": str(path.relative_to(self.data_dir)), "origin": origin or _origin(path),
            "publisher": publisher, "export_date": export_date, "sha256": _sha256(path), "rows_loaded": rows,
            "series": series or source_id, "period": period})
        return source_id

    def load(self) -> None:
        ref_path = self.data_dir / "reference" / "kommuner.csv"
        reference = parse_municipalities(ref_path)
        self.source(ref_path, len(reference))
        exports = sorted((self.data_dir / "noegletal").glob("*.csv")) + sorted(
            (self.data_dir / "noegletal").glob("*.xlsx"))
        if not exports:
            raise DataError("ingen nøgletalseksporter (*.csv, *.xlsx)", f"{self.data_dir / 'noegletal'}:0")
        known = {m.code for m in reference}
        in_exports: set[int] = set()
        for path in exports:
            self.progress(f"  læser {path.name}")
            export = parse_export(path)
            source_id = path.name
            # Blocks first: a truncated file names its incomplete block, not a missing date on line 1.
            facts, national, figures = _export_frames(export, source_id, known)
            if export.export_date is None:
                raise DataError("eksportdatoen mangler (kan ikke bestemme årgang)", f"{path.name}:1")
            in_exports |= {row.code for block in export.blocks for row in block.rows if row.code is not None}
            self.tables["facts"] += facts
            self.tables["national_figures"] += national
            self.tables["figures"] += figures
            self.tables["source_notes"] += [{"source_id": source_id, "note_ref": k, "note_text": v}
                                            for k, v in export.notes.items()]
            self.tables["source_notes"] += [{"source_id": source_id, "note_ref": None, "note_text": text}
                                            for text in export.legend]
            self.source(path, len(facts) + len(national), export.publisher, export.export_date,
                        period=f"{min(export.years)}–{max(export.years)}" if export.years else None)
        members = [m for m in reference if m.code in in_exports]
        self.tables["municipalities"] = [{"municipality_code": m.code, "municipality_name": m.name,
                                          "region_code": m.region_code} for m in members]
        self.tables["regions"] = [{"region_code": c, "region_name": n}
                                  for c, n in sorted({(m.region_code, m.region_name) for m in members})]
        self.tables["neighbours"] = [{"municipality_code": m.code, "neighbour_code": n}
                                     for m in members for n in m.neighbours if n in in_exports]
        self._load_dst({m.name: m.code for m in members} | {r["region_name"]: r["region_code"]
                                                            for r in self.tables["regions"]})
        areas = AreaCodes({m.name: m.code for m in members})
        codes = sorted(m.code for m in members)
        self._load_statbank(areas, codes)
        self._load_regk31(areas, codes)
        topo = self.data_dir / "geo" / "kommuner.topojson"
        topo_codes = parse_topojson_codes(topo)
        missing = sorted(in_exports - set(topo_codes))
        if missing:
            raise DataError(f"grænserne mangler kommunekoderne {missing}", f"{topo.name}:1")
        self.source(topo, len(topo_codes))

    def _load_dst(self, by_name: dict[str, int]) -> None:
        by_name = {_name_key(k): v for k, v in (by_name | {"Hele landet": 0}).items()}
        path = self.data_dir / "dst" / "ledighed_pct_2007_2024.csv"
        rows = parse_dst_long(path)
        source_id = self.source(path, len(rows), "Danmarks Statistik", None,
                                period=f"{min(r[1] for r in rows)}–{max(r[1] for r in rows)}" if rows else None)
        facts = []
        for name, year, value, line in rows:
            code = by_name.get(_name_key(DST_EXONYMS.get(name, name)))
            if code is None:
                raise DataError(f"ukendt kommunenavn {name!r}", f"{path.name}:{line}")
            facts.append({"figure": UNEMPLOYMENT_FIGURE, "source_id": source_id, "municipality_code": code,
                          "year": year, "value": value, "status": "value" if value is not None else "missing",
                          "note_refs": ""})
        self._add_figure(UNEMPLOYMENT_FIGURE, source_id, facts, "none")
        path = self.data_dir / "dst" / "folk1a_65plus_enkeltaar.csv"
        ages = parse_folk1a(path)
        source_id = self.source(path, len(ages), "Danmarks Statistik", None,
                                period=f"{min(a[2] for a in ages)}–{max(a[2] for a in ages)}" if ages else None)
        totals: dict[tuple[int, int], int] = {}
        for name, age, year, persons in ages:
            code = by_name.get(_name_key(DST_EXONYMS.get(name, name)))
            if code is None:
                continue  # Christiansø is counted by DST but is no municipality in the key figures
            self.tables["population_by_age"].append({"area_code": code, "age": age, "year": year,
                                                     "persons": persons})
            if age >= 80:
                totals[(code, year)] = totals.get((code, year), 0) + persons
        facts = [{"figure": OLD_AGE_FIGURE, "source_id": source_id, "municipality_code": code, "year": year,
                  "value": float(v), "status": "value", "note_refs": ""}
                 for (code, year), v in sorted(totals.items()) if code >= 100 and code not in range(1081, 1086)]
        national = [{"figure": OLD_AGE_FIGURE, "source_id": source_id, "year": year, "value": float(v),
                     "status": "value"} for (code, year), v in sorted(totals.items()) if code == 0]
        self.tables["national_figures"] += national
        self._add_figure(OLD_AGE_FIGURE, source_id, facts, "total")

    def _statbank(self, file: str, areas: AreaCodes, codes: list[int]) -> tuple[StatbankData, str]:
        path = self.data_dir / "dst" / file
        self.progress(f"  læser {file}")
        data = parse_statbank(path, table_for(file), areas, codes)
        spec = data.spec
        source_id = self.source(path, len(data.cells), DST, None, origin=statbank_origin(file),
                                series=spec.table if spec.table == "HFUDD11" else file, period=data.period)
        return data, source_id

    def _load_statbank(self, areas: AreaCodes, codes: list[int]) -> None:
        """FOLK1AM (the population's continuation), INDKP101, BIL707, HFUDD11, and AUK01, STRAF11, LBESK69."""
        out = Loaded([], [], [], [], [])
        data, source_id = self._statbank(FOLK1AM_FILE, areas, codes)
        population_continuation(data, source_id, out)
        data, source_id = self._statbank(INDKP101_FILE, areas, codes)
        yearly(INCOME_FIGURE, data, source_id, out)
        data, source_id = self._statbank(BIL707_FILE, areas, codes)
        yearly(CARS_FIGURE, data, source_id, out, kind="total")
        levels: dict[str, StatbankData] = {}
        total_id = ""
        for key, file in HFUDD11_FILES.items():
            levels[key], source_id = self._statbank(file, areas, codes)
            total_id = source_id if key == "tot" else total_id
        higher_education(levels, total_id, out)
        for spec in QUARTERLY:
            data, source_id = self._statbank(spec.file, areas, codes)
            quarterly(spec, data, source_id, out)
        self.tables["facts"] += out.facts
        self.tables["national_figures"] += out.national
        self.tables["figures"] += out.figures
        self.tables["population_groups"] += out.groups
        self.tables["population_by_month"] += out.monthly
        self.tables["quarterly_observations"] += out.quarterly
        self.tables["quarterly_national"] += out.quarterly_national

    def _load_regk31(self, areas: AreaCodes, codes: list[int]) -> None:
        directory = self.data_dir / "regk31"
        self.progress(f"  læser {directory.name}/ ({REGK31_TABLE})")
        years = parse_regk31_dir(directory, areas, codes)
        # one file per accounting year, named by the year: the id says the table too ('regk31/2024.csv')
        source_ids = {y.path: self.source(y.path, len(y.cells), DST, None, origin=REGK31_ORIGIN,
                                          series=REGK31_TABLE, period=str(y.year),
                                          source_id=f"{directory.name}/{y.path.name}") for y in years}
        for year in years:
            self.tables["source_notes"] += [
                {"source_id": source_ids[year.path], "note_ref": None,
                 "note_text": f"{figure_label(f)}: {year.year}: 0 kr. i alle kommuner og i hele landet — intet "
                              f"konteret på funktionen det år (fx før den kom i kontoplanen); vist som manglende, "
                              f"ikke som 0 kr."} for f in year.not_reported]
        out = Loaded([], [], [], [], [])
        regk31_figures(years, source_ids, out)
        self.tables["facts"] += out.facts
        self.tables["national_figures"] += out.national
        self.tables["figures"] += out.figures

    def _add_figure(self, label: str, source_id: str, facts: list[dict], kind: str) -> None:
        years = [f["year"] for f in facts if f["value"] is not None]
        self.tables["facts"] += facts
        self.tables["figures"].append({"figure": label, "source_id": source_id, "national_kind": kind,
                                       "note_refs": "", "first_year": min(years), "last_year": max(years),
                                       "source_line": 1})


# The newest vintage of each figure not yet chosen; its files are the chosen file's series (REGK31: every year).
VINTAGE_SQL = """
INSERT INTO current_vintage
SELECT f.figure, f.source_id, s.export_date FROM figures AS f JOIN sources AS s USING (source_id)
WHERE f.frequency = 'year' AND f.figure NOT IN (SELECT figure FROM current_vintage)
QUALIFY row_number() OVER (PARTITION BY f.figure
                           ORDER BY s.export_date DESC NULLS LAST, f.last_year DESC NULLS LAST, f.source_id) = 1;
INSERT INTO vintage_parts
SELECT f.figure, f.source_id, f.first_year, f.last_year, 'vintage', NULL
FROM figures AS f JOIN sources AS s USING (source_id)
JOIN current_vintage AS c ON c.figure = f.figure JOIN sources AS cs ON cs.source_id = c.source_id
WHERE s.series = cs.series AND f.frequency = 'year' AND f.figure NOT IN (SELECT figure FROM vintage_parts);
"""


def _continue(con: duckdb.DuckDBPyConnection, cont: Continuation) -> None:
    """Carry a figure on with a later source, after checking that both agree in every cell both hold."""
    base = con.execute("""SELECT source_id, last_year FROM vintage_parts WHERE figure = ? AND kind = 'vintage'""",
                       [cont.figure]).fetchall()
    source = cont.source_file
    if len(base) != 1:
        raise DataError(f"{cont.figure!r} har ikke én gældende fil at fortsætte", f"{source}:1")
    base_id, base_last = base[0]
    overlap = con.execute("""
        SELECT b.year, count(*) AS cells, count(*) FILTER (WHERE b.value IS DISTINCT FROM n.value) AS differ,
               any_value(CASE WHEN b.value IS DISTINCT FROM n.value
                         THEN b.municipality_code || ': ' || b.value || ' mod ' || n.value END) AS example
        FROM facts AS b JOIN facts AS n ON n.figure = b.figure AND n.municipality_code = b.municipality_code
          AND n.year = b.year
        WHERE b.figure = ? AND b.source_id = ? AND n.source_id = ? AND b.value IS NOT NULL
        GROUP BY b.year ORDER BY b.year""", [cont.figure, base_id, source]).fetchall()
    if not overlap:
        raise DataError(f"kontrol fejlede: {source} og {base_id} har ingen fælles år for {cont.figure!r}, så "
                        f"det kan ikke kontrolleres, at det er samme opgørelse", f"{source}:1")
    for year, cells, differ, example in overlap:
        if differ or cells != EXPECTED_MUNICIPALITIES:
            raise DataError(f"kontrol fejlede: {cont.figure!r} {year} i {source} afviger fra {base_id} i "
                            f"{differ} af {cells} kommuner (fx kommune {example}); ikke samme opgørelse",
                            f"{source}:1")
    years = ", ".join(str(y) for y, *_ in overlap)
    checked = (f"{cont.what}; lig med {base_id} for alle {EXPECTED_MUNICIPALITIES} kommuner i {years}")
    con.execute("""
        INSERT INTO vintage_parts
        SELECT figure, source_id, min(year), max(year), 'continuation', ? FROM facts
        WHERE figure = ? AND source_id = ? AND year > ? AND value IS NOT NULL GROUP BY figure, source_id""",
                [checked, cont.figure, source, base_last])


def _rate(con: duckdb.DuckDBPyConnection, rate: Rate) -> None:
    """A count per `per` inhabitants 1 January of the same year, in facts like any other figure; the country's
    from the published All Denmark count and the whole country's population."""
    parts = """FROM facts AS f JOIN vintage_parts AS p ON p.figure = f.figure AND p.source_id = f.source_id
                JOIN population AS pop ON pop.municipality_code = f.municipality_code AND pop.year = f.year
                WHERE f.figure = ? AND (p.kind = 'vintage' OR f.year BETWEEN p.first_year AND p.last_year)"""
    con.execute(f"""INSERT INTO facts SELECT ?, f.source_id, f.municipality_code, f.year,
                    f.value * ? / pop.population, f.status, f.note_refs {parts}""", [rate.figure, rate.per, rate.count])
    con.execute("""
        INSERT INTO national_figures SELECT ?, n.source_id, n.year, n.value * ? / pop.population, n.status
        FROM national_figures AS n JOIN vintage_parts AS p ON p.figure = n.figure AND p.source_id = n.source_id
        JOIN population AS pop ON pop.municipality_code = 0 AND pop.year = n.year
        WHERE n.figure = ? AND (p.kind = 'vintage' OR n.year BETWEEN p.first_year AND p.last_year)""",
                [rate.figure, rate.per, rate.count])
    con.execute("""
        INSERT INTO figures SELECT ?, source_id, 'average', '', min(year) FILTER (WHERE value IS NOT NULL),
               max(year) FILTER (WHERE value IS NOT NULL), 1, 'year'
        FROM facts WHERE figure = ? GROUP BY source_id""", [rate.figure, rate.figure])


def _year_of_quarters(con: duckdb.DuckDBPyConnection, spec: Quarterly) -> None:
    """The year of a quarterly count: mean (a stock) or sum (a flow) of its four quarters; only complete years."""
    agg = spec.aggregate
    value = f"{agg}(value)"
    status = f"CASE WHEN {value} = 0 THEN 'zero' ELSE 'value' END"
    con.execute(f"""
        INSERT INTO facts SELECT ?, any_value(source_id), municipality_code, year, {value}, {status}, ''
        FROM quarterly_observations WHERE figure = ? GROUP BY municipality_code, year
        HAVING count(value) = 4""", [spec.year_count, spec.count])
    con.execute(f"""
        INSERT INTO national_figures SELECT ?, any_value(source_id), year, {value}, 'value'
        FROM quarterly_national WHERE figure = ? GROUP BY year HAVING count(value) = 4""",
                [spec.year_count, spec.count])
    con.execute("""
        INSERT INTO figures SELECT ?, source_id, 'total', '', min(year), max(year), 1, 'year'
        FROM facts WHERE figure = ? GROUP BY source_id""", [spec.year_count, spec.year_count])


def _quarterly_rate(con: duckdb.DuckDBPyConnection, spec: Quarterly) -> None:
    """A quarter's count per 1,000 inhabitants 1 January of its year; the country's over the whole country."""
    con.execute("""
        INSERT INTO quarterly_observations
        SELECT ?, q.municipality_code, q.year, q.quarter, q.value * 1000 / p.population, q.status, q.source_id
        FROM quarterly_observations AS q JOIN population AS p
          ON p.municipality_code = q.municipality_code AND p.year = q.year
        WHERE q.figure = ?""", [spec.rate, spec.count])
    con.execute("""
        INSERT INTO quarterly_national
        SELECT ?, q.year, q.quarter, q.value * 1000 / p.population, q.status, q.source_id
        FROM quarterly_national AS q JOIN population AS p ON p.municipality_code = 0 AND p.year = q.year
        WHERE q.figure = ?""", [spec.rate, spec.count])
    con.execute("""
        INSERT INTO figures SELECT ?, source_id, 'average', '', min(year), max(year), 1, 'quarter'
        FROM quarterly_observations WHERE figure = ? GROUP BY source_id""", [spec.rate, spec.rate])


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    """Years of quarterly figures, current vintage (and checked continuations), population, rates, then the
    weighting groups."""
    for spec in QUARTERLY:
        _year_of_quarters(con, spec)
    con.execute(VINTAGE_SQL)
    for cont in CONTINUATIONS:
        _continue(con, cont)
    con.execute("""
        INSERT INTO population
        SELECT f.municipality_code, f.year, f.value FROM facts AS f
        JOIN vintage_parts AS p ON p.figure = f.figure AND p.source_id = f.source_id
        WHERE f.figure = ? AND f.value IS NOT NULL
          AND (p.kind = 'vintage' OR f.year BETWEEN p.first_year AND p.last_year)
    """, [POPULATION_FIGURE])
    con.execute("INSERT INTO population SELECT 0, year, sum(population) FROM population GROUP BY year")
    for rate in RATES:
        _rate(con, rate)
    for spec in QUARTERLY:
        _quarterly_rate(con, spec)
    con.execute(VINTAGE_SQL)
    con.execute(CURRENT_DDL)
    con.execute("""INSERT INTO population_groups
        SELECT 'indbyggere', municipality_code, year, population, year FROM population WHERE municipality_code > 0""")
    shares = [(label, m.group(1)) for (label,) in con.execute("SELECT figure FROM current_vintage").fetchall()
              if (m := SHARE_LABEL.match(label))]
    scaled: list[tuple[str, str, float | None]] = [(label, group, 0.01) for label, group in shares]
    scaled += [(TAX_BASE_FIGURE, "skattegrundlag", 1.0), (AREA_FIGURE, "areal", None)]
    for label, group, factor in scaled:
        # Nearest published year of the share (or per-inhabitant amount); the basis year says which.
        value = "s.value" if factor is None else f"p.population * s.value * {factor}"
        con.execute(f"""
            INSERT INTO population_groups
            SELECT ?, p.municipality_code, p.year, {value}, s.year
            FROM population AS p JOIN observations AS s
              ON s.municipality_code = p.municipality_code AND s.figure = ? AND s.value IS NOT NULL
            WHERE p.municipality_code > 0
            QUALIFY row_number() OVER (PARTITION BY p.municipality_code, p.year
                                       ORDER BY abs(s.year - p.year), s.year DESC) = 1
        """, [group, label])
    for group, (before, after, switch) in SPLIT_GROUPS.items():
        con.execute("""
            INSERT INTO population_groups
            SELECT ?, municipality_code, year, persons, basis_year FROM population_groups
            WHERE (group_id = ? AND year < ?) OR (group_id = ? AND year >= ?)
        """, [group, before, switch, after, switch])


def _check(con: duckdb.DuckDBPyConnection) -> None:
    def one(sql: str, *params: object) -> object:
        row = con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    kbh = one("SELECT population FROM population WHERE municipality_code = 101 AND year = 2019")
    if kbh != CHECK_KBH_2019:
        raise DataError(f"kontrol fejlede: København 1. januar 2019 = {kbh}, forventet {CHECK_KBH_2019}",
                        "indbyggertal:2019")
    total = one("SELECT population FROM population WHERE municipality_code = 0 AND year = 2024")
    summed = one("SELECT sum(population) FROM population WHERE municipality_code > 0 AND year = 2024")
    count = one("SELECT count(*) FROM population WHERE municipality_code > 0 AND year = 2024")
    if total != summed or count != EXPECTED_MUNICIPALITIES:
        raise DataError(f"kontrol fejlede: landets befolkning 2024 ({total}) er ikke summen af "
                        f"{EXPECTED_MUNICIPALITIES} kommuner ({summed}, {count} kommuner)", "indbyggertal:2024")
    mismatch = one("""
        SELECT count(*) FROM national AS n JOIN (
            SELECT year, sum(population) AS s FROM population WHERE municipality_code > 0 GROUP BY year) AS p
          USING (year) WHERE n.figure = ? AND n.value IS NOT NULL AND abs(n.value - p.s) > 0.5""",
                   POPULATION_FIGURE)
    if mismatch:
        raise DataError(f"kontrol fejlede: {mismatch} år hvor 'I alt' for indbyggertal ikke er summen", "national")
    gaps = one("""SELECT count(*) FROM (SELECT year FROM population WHERE municipality_code > 0 GROUP BY year
                  HAVING count(*) <> ?)""", EXPECTED_MUNICIPALITIES)
    if gaps:
        raise DataError(f"kontrol fejlede: {gaps} år hvor indbyggertallet ikke dækker alle "
                        f"{EXPECTED_MUNICIPALITIES} kommuner", "indbyggertal:0")
    spliced = one("""SELECT count(*) FROM (SELECT figure, municipality_code, year FROM observations
                     GROUP BY ALL HAVING count(*) > 1)""")
    if spliced:
        raise DataError(f"kontrol fejlede: {spliced} celler findes i to filer af samme nøgletal", "observations:0")
    nameless = one("SELECT count(*) FROM observations WHERE municipality IS NULL")
    if nameless:  # observations.municipality is copied from municipalities: every cell's code must be there
        raise DataError(f"kontrol fejlede: {nameless} celler har en kommunekode uden for kommunelisten",
                        "observations:0")
    unlike = one("""SELECT count(*) FROM (SELECT figure, municipality_code, year, value, status FROM latest_cells
                    EXCEPT SELECT figure, municipality_code, year, value, status FROM observations)""")
    unflagged = one("""SELECT count(*) FROM (SELECT figure, municipality_code, max(year) AS year FROM observations
                       WHERE value IS NOT NULL GROUP BY ALL) AS l
                       LEFT JOIN latest_cells AS c USING (figure, municipality_code, year)
                       WHERE c.is_latest IS DISTINCT FROM true""")
    if unlike or unflagged:  # latest_cells is a subset of observations holding every latest year
        raise DataError(f"kontrol fejlede: latest_cells afviger fra observations ({unlike} celler, {unflagged} "
                        f"seneste år)", "latest_cells:0")


Precompute = Callable[[duckdb.DuckDBPyConnection, Callable[[str], None]], object]


def build(data_dir: Path, target: Path, progress: Callable[[str], None] = lambda _: None,
          precompute: Precompute | None = None) -> BuildReport:
    """Parse every source, write a new DuckDB file beside the target, check it, then swap it in.

    `precompute` fills the precomputed tables (overview_rows, derived_tables) on the checked new file before the
    swap. It comes from the caller (noegletal/precompute.py) because their statements are the catalog's, which the
    warehouse does not know; without it those tables stay empty and the answers compute everything live."""
    import pandas as pd  # only the build needs it: a server worker imports this module but never builds

    started = time.perf_counter()
    if not data_dir.is_dir():
        raise DataError("datamappen findes ikke (sæt NOEGLETAL_DATA_DIR)", f"{data_dir}:0")
    loader = _Loader(data_dir, progress)
    loader.load()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute(DDL)
            for row in loader.tables["figures"]:
                row.setdefault("frequency", "year")
            for table, rows in loader.tables.items():
                if rows:
                    progress(f"  skriver {table} ({len(rows):,} rækker)".replace(",", "."))
                    frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB's replacement scan
                    columns = ", ".join(rows[0].keys())
                    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame")
            _derive(con)
            _check(con)
            if precompute is not None:
                precompute(con, progress)
            report = BuildReport(path=target)
            report.figures = int(con.execute("SELECT count(*) FROM current_vintage").fetchone()[0])  # type: ignore[index]
            report.municipalities = int(con.execute("SELECT count(*) FROM municipalities").fetchone()[0])  # type: ignore[index]
            lo, hi = con.execute("SELECT min(year), max(year) FROM observations").fetchone()  # type: ignore[misc]
            report.years = (int(lo), int(hi))
            report.cells_by_status = dict(con.execute(
                "SELECT status, count(*) FROM observations GROUP BY status").fetchall())
            report.sources = int(con.execute("SELECT count(*) FROM sources").fetchone()[0])  # type: ignore[index]
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report
