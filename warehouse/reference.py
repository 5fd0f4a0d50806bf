"""Parsers for the reference list, the Statistics Denmark extracts and the TopoJSON boundaries."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from warehouse.errors import DataError


@dataclass(frozen=True)
class Municipality:
    code: int
    name: str
    region_code: int
    region_name: str
    neighbours: tuple[int, ...]


def _read_text(path: Path) -> str:
    if not path.exists():
        raise DataError("filen findes ikke", f"{path}:0")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise DataError("filen er ikke gyldig UTF-8 (forkert tegnsæt)", f"{path.name}:{line}") from exc


def parse_municipalities(path: Path) -> list[Municipality]:
    """kommuner.csv: code, name, region and land neighbours (';'-joined codes)."""
    rows = list(csv.DictReader(_read_text(path).splitlines()))
    required = {"kommunekode", "kommunenavn", "regionskode", "regionsnavn", "naboer_koder"}
    if not rows or not required <= set(rows[0]):
        raise DataError(f"mangler kolonnerne {sorted(required)}", f"{path.name}:1")
    result = []
    for line, row in enumerate(rows, start=2):
        try:
            neighbours = tuple(int(c) for c in (row["naboer_koder"] or "").split(";") if c.strip())
            result.append(
                Municipality(int(row["kommunekode"]), row["kommunenavn"].strip(), int(row["regionskode"]),
                             row["regionsnavn"].strip(), neighbours)
            )
        except (TypeError, ValueError) as exc:
            raise DataError(f"ugyldig række ({exc})", f"{path.name}:{line}") from exc
    return result


def parse_dst_long(path: Path) -> list[tuple[str, int, float | None, int]]:
    """A 'municipality,year,value' extract: (name, year, value, line)."""
    reader = csv.DictReader(_read_text(path).splitlines())
    if reader.fieldnames is None or not {"municipality", "year", "value"} <= set(reader.fieldnames):
        raise DataError("forventede kolonnerne municipality,year,value", f"{path.name}:1")
    out = []
    for line, row in enumerate(reader, start=2):
        try:
            value = float(row["value"]) if row["value"] not in ("", "..", None) else None
            out.append((row["municipality"].strip(), int(row["year"]), value, line))
        except (TypeError, ValueError) as exc:
            raise DataError(f"ugyldig række ({exc})", f"{path.name}:{line}") from exc
    return out


def parse_folk1a(path: Path) -> list[tuple[str, int, int, int]]:
    """FOLK1A by single age: (area name, age, year, persons). Quarter TID '2019Q1' -> 2019 (1 January)."""
    reader = csv.DictReader(_read_text(path).splitlines(), delimiter=";")
    needed = {"OMRÅDE", "ALDER", "TID", "INDHOLD"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise DataError(f"forventede kolonnerne {sorted(needed)}", f"{path.name}:1")
    out = []
    for line, row in enumerate(reader, start=2):
        try:
            age = int(row["ALDER"].split()[0])
            year = int(row["TID"][:4])
            out.append((row["OMRÅDE"].strip(), age, year, int(row["INDHOLD"])))
        except (AttributeError, TypeError, ValueError, IndexError) as exc:
            raise DataError(f"ugyldig række ({exc})", f"{path.name}:{line}") from exc
    return out


def parse_topojson_codes(path: Path) -> dict[int, str]:
    """Municipality codes and names in the TopoJSON boundaries (several features per code for islands)."""
    try:
        topo = json.loads(_read_text(path))
        objects = topo["objects"]
        geometries = next(iter(objects.values()))["geometries"]
        return {int(g["properties"]["KOMKODE"]): g["properties"]["KOMNAVN"] for g in geometries}
    except (ValueError, KeyError, StopIteration, TypeError) as exc:
        raise DataError(f"ugyldig TopoJSON ({type(exc).__name__}: {exc})", f"{path.name}:1") from exc
