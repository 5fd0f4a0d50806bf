"""Danish formatting of raw values for the analyst SQL result, the CSV export and the Excel sheet."""

from __future__ import annotations

import math
from numbers import Number
from typing import Any

from assistant.formatting import number

# Columns whose integers are identifiers or years, never grouped with thousands separators.
_PLAIN_INT_HINTS = ("year", "aar", "år", "code", "kode", "_id", "id_", "komkode")


def _is_plain_int_column(name: str) -> bool:
    lowered = name.lower()
    return lowered in {"id", "year", "aar", "år"} or any(hint in lowered for hint in _PLAIN_INT_HINTS)


def danish_number(value: float | int, decimals: int | None = None, group: bool = True) -> str:
    """1234567.5 -> '1.234.567,5'; decimals=None trims trailing zeros (at most 4 decimals).

    Grouped numbers use the assistant's Danish format (assistant.formatting.number)."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and not math.isfinite(value):
        return "udefineret"
    if isinstance(value, int) or (decimals is None and float(value).is_integer() and abs(value) < 1e15):
        return number(int(value)) if group else str(int(value))
    places = 4 if decimals is None else decimals
    text = number(float(value), places) if group else f"{float(value):.{places}f}".replace(".", ",")
    if decimals is None and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def display_cell(value: Any, column: str = "") -> str:
    """A raw SQL cell in Danish for the analyst's result table ('NULL' for a missing value)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Number):
        return danish_number(value, group=not (isinstance(value, int) and _is_plain_int_column(column)))  # type: ignore[arg-type]
    return str(value)


def csv_cell(value: Any) -> str:
    """A raw cell for the ';'-separated CSV: numbers with a decimal comma and no grouping; None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return repr(value).replace(".", ",") if not value.is_integer() else str(int(value))
    return str(value)


def is_numeric(value: Any) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def sort_key(value: Any) -> str:
    """The raw value as a string for the browser's table sort (numbers stay parseable by JS)."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return str(value)
