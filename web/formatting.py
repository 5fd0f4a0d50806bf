"""Danish formatting of raw values for the analyst SQL result, the CSV export and the Excel sheet."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from numbers import Number
from typing import Any

from babel.numbers import format_decimal

from assistant.formatting import LOCALE, danish_date, number

# Columns whose integers are identifiers or years, never grouped with thousands separators.
_PLAIN_INT_HINTS = ("year", "aar", "år", "code", "kode", "_id", "id_", "komkode")
_TRIMMED_PLACES = 4  # decimals=None: at most this many decimals, trailing zeros dropped


def _is_plain_int_column(name: str) -> bool:
    lowered = name.lower()
    return lowered in {"id", "year", "aar", "år"} or any(hint in lowered for hint in _PLAIN_INT_HINTS)


def danish_number(value: float | int | Decimal, decimals: int | None = None, group: bool = True) -> str:
    """1234567.5 -> '1.234.567,5'; decimals=None trims trailing zeros (at most 4 decimals).

    Grouped numbers use the assistant's Danish format (assistant.formatting.number, Babel's da_DK)."""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and not math.isfinite(value):
        return "udefineret"
    if isinstance(value, int) or (decimals is None and float(value).is_integer() and abs(float(value)) < 1e15):
        return number(int(value), group=group)
    if decimals is not None:
        return number(value, decimals, group=group)
    text = number(value, _TRIMMED_PLACES, group=group)
    return text.rstrip("0").rstrip(",") if "," in text else text


def da_date(value: str | date | None) -> str:
    """'2024-03-15' (or a date) -> '15. marts 2024' in Danish (Babel); unparseable text is returned as it is.

    The templates' `da_date` filter (web.views)."""
    if value is None:
        return ""
    try:
        return danish_date(value)
    except ValueError:
        return str(value)


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
        if value.is_integer():
            return str(int(value))
        # Every digit of the shortest exact form ('0,30000000000000004', never '1e-05'), decimal comma, no grouping.
        return format_decimal(value, format="0.#", decimal_quantization=False, locale=LOCALE)
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
