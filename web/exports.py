"""An answer's table as a ';'-separated CSV (UTF-8 with BOM, decimal comma) and as an Excel workbook."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from typing import Any

from assistant.contract import Answer, MetricCard

from .formatting import csv_cell, is_numeric

_PLAIN_NUMBER_KEYS = {"year", "aar", "år", "quarter", "kvartal", "code", "kode", "municipality_code", "komkode"}


def file_stem(answer: Answer, turn: int) -> str:
    """A safe ASCII file name such as 'noegletal-3-udskrivningsprocent'."""
    base = answer.metric.id if answer.metric else (answer.operation or "svar")
    ascii_base = unicodedata.normalize("NFKD", base.replace("ø", "oe").replace("æ", "ae").replace("å", "aa"))
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", ascii_base.encode("ascii", "ignore").decode()).strip("-").lower()
    return f"noegletal-{turn}-{slug or 'svar'}"


def table_csv(answer: Answer) -> bytes:
    """Header = column labels; cells = raw values (decimal comma, no grouping); empty = missing."""
    table = answer.table
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if table is not None:
        writer.writerow([c.label for c in table.columns])
        for row in table.rows:
            writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number_format(key: str, values: list[Any]) -> str | None:
    numbers = [v for v in values if is_numeric(v)]
    if not numbers:
        return None
    if key.lower() in _PLAIN_NUMBER_KEYS:
        return "0"
    if all(float(v).is_integer() for v in numbers):
        return "#,##0"
    return "#,##0.0#"


def _card_rows(card: MetricCard) -> list[tuple[str, str]]:
    rows = [
        ("Nøgletal", card.label),
        ("Definition", card.definition),
        ("Enhed", card.unit_label),
        ("Kilde", card.source),
        ("Dataudtræk", card.vintage or ""),
    ]
    rows += [(f"Databrud {b.year}", b.text) for b in card.breaks]
    return rows


def table_xlsx(answer: Answer) -> bytes:
    """Sheet 'Tabel' with raw numbers and Danish-looking number formats; sheet 'Om tallene' with
    the question, the answer, the definitions, the sources and the SQL."""
    # openpyxl (and the numpy it imports) only when someone downloads a workbook, not in every worker
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Tabel"
    table = answer.table
    if table is not None:
        ws.append([c.label for c in table.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([v if (v is None or is_numeric(v) or isinstance(v, str)) else str(v) for v in row])
        for idx, column in enumerate(table.columns, start=1):
            values = [row[idx - 1] for row in table.rows if len(row) >= idx]
            fmt = _number_format(column.key, values)
            letter = get_column_letter(idx)
            if fmt:
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
            width = max([len(column.label)] + [len(str(v)) for v in values if v is not None]) + 2
            ws.column_dimensions[letter].width = min(max(width, 8), 60)
        ws.freeze_panes = "A2"

    about = wb.create_sheet("Om tallene")
    about.append(["Spørgsmål", answer.question])
    about.append(["Svar", answer.text])
    for warning in answer.warnings:
        about.append(["Bemærk", warning])
    cards = answer.metrics or ([answer.metric] if answer.metric else [])
    for card in cards:
        about.append([])
        for key, value in _card_rows(card):
            about.append([key, value])
    if answer.sql:
        about.append([])
        about.append(["SQL", answer.sql])
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 100
    for row in about.iter_rows():
        row[0].font = Font(bold=True)
        if len(row) > 1:
            row[1].alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
