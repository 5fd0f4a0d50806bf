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
import pandas as pd

from warehouse.errors import DataError
from warehouse.noegletal_export import Export, parse_export
from warehouse.reference import parse_dst_long, parse_folk1a, parse_municipalities, parse_topojson_codes
from warehouse.schema import CURRENT_DDL, DDL

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
POPULATION_FIGURE = "Indbyggertal 1. januar"
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
            "national_figures", "population_by_age")}

    def source(self, path: Path, rows: int, publisher: str | None = None, export_date: object = None) -> str:
        source_id = path.name
        self.tables["sources"].append({
            "source_id": source_id, "file": str(path.relative_to(self.data_dir)), "origin": _origin(path),
            "publisher": publisher, "export_date": export_date, "sha256": _sha256(path), "rows_loaded": rows})
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
            self.source(path, len(facts) + len(national), export.publisher, export.export_date)
        members = [m for m in reference if m.code in in_exports]
        self.tables["municipalities"] = [{"municipality_code": m.code, "municipality_name": m.name,
                                          "region_code": m.region_code} for m in members]
        self.tables["regions"] = [{"region_code": c, "region_name": n}
                                  for c, n in sorted({(m.region_code, m.region_name) for m in members})]
        self.tables["neighbours"] = [{"municipality_code": m.code, "neighbour_code": n}
                                     for m in members for n in m.neighbours if n in in_exports]
        self._load_dst({m.name: m.code for m in members} | {r["region_name"]: r["region_code"]
                                                            for r in self.tables["regions"]})
        topo = self.data_dir / "geo" / "kommuner.topojson"
        codes = parse_topojson_codes(topo)
        missing = sorted(in_exports - set(codes))
        if missing:
            raise DataError(f"grænserne mangler kommunekoderne {missing}", f"{topo.name}:1")
        self.source(topo, len(codes))

    def _load_dst(self, by_name: dict[str, int]) -> None:
        by_name = {_name_key(k): v for k, v in (by_name | {"Hele landet": 0}).items()}
        path = self.data_dir / "dst" / "ledighed_pct_2007_2024.csv"
        rows = parse_dst_long(path)
        source_id = self.source(path, len(rows), "Danmarks Statistik", None)
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
        source_id = self.source(path, len(ages), "Danmarks Statistik", None)
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

    def _add_figure(self, label: str, source_id: str, facts: list[dict], kind: str) -> None:
        years = [f["year"] for f in facts if f["value"] is not None]
        self.tables["facts"] += facts
        self.tables["figures"].append({"figure": label, "source_id": source_id, "national_kind": kind,
                                       "note_refs": "", "first_year": min(years), "last_year": max(years),
                                       "source_line": 1})


DERIVED_SQL = """
INSERT INTO current_vintage
SELECT f.figure, f.source_id, s.export_date FROM figures AS f JOIN sources AS s USING (source_id)
QUALIFY row_number() OVER (PARTITION BY f.figure ORDER BY s.export_date DESC NULLS LAST, f.source_id) = 1;
"""


def _derive(con: duckdb.DuckDBPyConnection) -> None:
    """Current vintage, population and the weighting groups (population x published age share)."""
    con.execute(DERIVED_SQL)
    con.execute(CURRENT_DDL)
    con.execute("""
        INSERT INTO population
        SELECT municipality_code, year, value FROM observations WHERE figure = ? AND value IS NOT NULL
    """, [POPULATION_FIGURE])
    con.execute("INSERT INTO population SELECT 0, year, sum(population) FROM population GROUP BY year")
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


def build(data_dir: Path, target: Path, progress: Callable[[str], None] = lambda _: None) -> BuildReport:
    """Parse every source, write a new DuckDB file beside the target, check it, then swap it in."""
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
            for table, rows in loader.tables.items():
                if rows:
                    progress(f"  skriver {table} ({len(rows):,} rækker)".replace(",", "."))
                    frame = pd.DataFrame(rows)  # noqa: F841 - read by DuckDB's replacement scan
                    columns = ", ".join(rows[0].keys())
                    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM frame")
            _derive(con)
            _check(con)
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
