"""Parsers for noegletal.dk exports (CSV and Excel), written for the export format, not for one file.

An export is a sequence of blocks, one per key figure: a name line, one row per municipality
(`<Navn> Kommune (notes);<code>;<year cells>`), then `Gennemsnit (notes)` or `I alt (notes)` with the
ministry's national figure. A legend, numbered notes and a dated signature line close the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from warehouse.errors import DataError

CELL_STATUS = ("value", "zero", "missing", "undefined", "yes", "no")
MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
NOTE_REF = re.compile(r"\s*\((\d+)\)")
DATE_LINE = re.compile(r"d\.\s*(\d{1,2})\.\s*([a-zæøå]+)\s+(\d{4})", re.IGNORECASE)
SHEET_STAMP = re.compile(r"(\d{1,2})([A-Z][a-z]{2})(\d{4})")
SHEET_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
NOTE_LINE = re.compile(r"^\((\d+)\)\s+(.*)$")


@dataclass(frozen=True)
class Cell:
    value: float | None
    status: str


@dataclass
class Row:
    name: str
    code: int | None
    cells: dict[int, Cell]
    note_refs: tuple[int, ...]
    line: int


@dataclass
class Block:
    label: str
    line: int
    rows: list[Row] = field(default_factory=list)
    national: Row | None = None
    national_kind: str = "average"  # "average" for Gennemsnit, "total" for I alt


@dataclass
class Export:
    path: Path
    years: list[int]
    blocks: list[Block]
    notes: dict[int, str]
    legend: list[str]
    export_date: date | None
    publisher: str | None


def repair_mojibake(text: str) -> str:
    """Undo the Excel export's encoding slip (UTF-8 text read as Mac Roman, shown as cp1252: ø -> ¯)."""
    if not any(ch in text for ch in "¯ÊÂ¯ÿ∆≈"):
        return text
    try:
        return text.encode("mac_roman").decode("cp1252")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def split_note_refs(text: str) -> tuple[str, tuple[int, ...]]:
    """'Hillerød Kommune (3) (17)' -> ('Hillerød Kommune', (3, 17))."""
    refs: list[int] = []
    stripped = text.rstrip()
    while True:
        match = re.search(r"\s*\((\d+)\)$", stripped)
        if not match:
            break
        refs.insert(0, int(match.group(1)))
        stripped = stripped[: match.start()].rstrip()
    return stripped, tuple(refs)


def parse_cell(raw: Any, where: str) -> Cell:
    """Parse one export cell; Danish number format, and the codes M, U, -, JA and NEJ."""
    if raw is None:
        return Cell(None, "missing")
    if isinstance(raw, bool):
        raise DataError(f"uventet sandhedsværdi {raw!r}", where)
    if isinstance(raw, int | float):
        return Cell(float(raw), "value")
    text = str(raw).strip()
    upper = text.upper()
    if upper in ("", "M"):
        return Cell(None, "missing")
    if upper == "U":
        return Cell(None, "undefined")
    if text == "-":
        return Cell(0.0, "zero")
    if upper == "JA":
        return Cell(1.0, "yes")
    if upper == "NEJ":
        return Cell(0.0, "no")
    normalized = text.replace(".", "").replace(",", ".")
    try:
        return Cell(float(normalized), "value")
    except ValueError as exc:
        raise DataError(f"ukendt celleværdi {text!r}", where) from exc


def parse_export_date(text: str) -> tuple[str | None, date | None]:
    match = DATE_LINE.search(text)
    if not match or match.group(2).lower() not in MONTHS:
        return None, None
    publisher = text[: match.start()].strip() or None
    return publisher, date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))


def _parse_rows(path: Path, rows: Sequence[tuple[int, list[Any]]]) -> Export:
    """Shared block parser over (line number, cells) pairs from either CSV or Excel."""
    years: list[int] = []
    blocks: list[Block] = []
    notes: dict[int, str] = {}
    legend: list[str] = []
    export_date: date | None = None
    publisher: str | None = None
    section = "header"
    current: Block | None = None
    for line, cells in rows:
        first = repair_mojibake(str(cells[0]).strip()) if cells and cells[0] is not None else ""
        second = cells[1] if len(cells) > 1 else None
        second_text = "" if second is None else str(second).strip()
        where = f"{path.name}:{line}"
        if section == "header" and second_text == "Kom.nr":
            years = [int(float(str(c))) for c in cells[2:] if c not in (None, "")]
            section = "blocks"
            continue
        if section == "header":
            continue
        if first.startswith("Tegnforklaring"):
            section = "legend"
            continue
        if first.startswith("Noter"):
            section = "notes"
            continue
        if section in ("legend", "notes", "tail"):
            if not first:
                continue
            _, stamp = parse_export_date(first)
            if stamp is not None:
                publisher, export_date = parse_export_date(first)
                continue
            if section == "legend":
                legend.append(first)
            elif section == "notes":
                match = NOTE_LINE.match(first)
                if match:
                    notes[int(match.group(1))] = match.group(2).strip()
                else:
                    section = "tail"
            continue
        if not first and not second_text:
            continue
        name, refs = split_note_refs(first)
        is_national = name in ("Gennemsnit", "I alt")
        if second_text == "" and not is_national:
            current = Block(label=name, line=line)
            blocks.append(current)
            continue
        if current is None:
            raise DataError("rækker før det første nøgletals navn", where)
        values = list(cells[2 : 2 + len(years)])
        if len(values) < len(years):
            raise DataError(
                f"rækken har {len(values)} årskolonner, men overskriften har {len(years)} (afkortet fil?)", where
            )
        parsed = {year: parse_cell(raw, f"{where} ({year})") for year, raw in zip(years, values, strict=True)}
        if is_national:
            current.national = Row(name, 0, parsed, refs, line)
            current.national_kind = "total" if name == "I alt" else "average"
            continue
        try:
            code = int(float(second_text))
        except ValueError as exc:
            raise DataError(f"ugyldig kommunekode {second_text!r}", where) from exc
        current.rows.append(Row(name, code, parsed, refs, line))
    if not years:
        raise DataError("fandt ingen overskrift med 'Kom.nr' og årstal (forkert filformat?)", f"{path.name}:1")
    return Export(path, years, blocks, notes, legend, export_date, publisher)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise DataError("filen er ikke gyldig UTF-8 (forkert tegnsæt)", f"{path.name}:{line}") from exc
    for number, cells in enumerate(csv.reader(text.splitlines(), delimiter=";"), start=1):
        yield number, [c if c != "" else None for c in cells]


def parse_csv_export(path: Path) -> Export:
    return _parse_rows(path, list(_csv_rows(path)))


def parse_xlsx_export(path: Path) -> Export:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for broken files
        raise DataError(f"kan ikke læse Excel-filen ({type(exc).__name__}: {exc})", f"{path.name}:1") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [(i, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)]
        title = sheet.title
    finally:
        workbook.close()
    export = _parse_rows(path, rows)
    if export.export_date is None:
        # Report sheets are named like 'nwRap-30Mar2024-123740': the export's own time stamp.
        match = SHEET_STAMP.search(title)
        if match and match.group(2) in SHEET_MONTHS:
            export.export_date = date(int(match.group(3)), SHEET_MONTHS[match.group(2)], int(match.group(1)))
    return export


def parse_export(path: Path) -> Export:
    if path.suffix.lower() == ".csv":
        return parse_csv_export(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_xlsx_export(path)
    raise DataError(f"ukendt filtype {path.suffix!r}", f"{path.name}:1")
