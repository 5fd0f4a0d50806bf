"""Danish number and date formatting with Babel (locale da_DK): '52.300 kr.', '25,02 %', '15. marts 2024'."""

from __future__ import annotations

import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern

from semantic_layer.model import Metric, Unit

LOCALE = "da_DK"
UNIT_SUFFIX = {
    Unit.KR: " kr.", Unit.PCT: " %", Unit.PROMILLE: " promille", Unit.PER_100: "", Unit.PER_1000: "",
    Unit.PER_10000: "", Unit.COUNT: "", Unit.KM2: " km²", Unit.PER_KM2: " indb. pr. km²", Unit.INDEX: "",
    Unit.RATIO: "", Unit.YES_NO: "",
}
UNIT_LABEL = {
    Unit.KR: "kr.", Unit.PCT: "procent", Unit.PROMILLE: "promille", Unit.PER_100: "antal pr. 100",
    Unit.PER_1000: "antal pr. 1.000", Unit.PER_10000: "antal pr. 10.000", Unit.COUNT: "antal", Unit.KM2: "km²",
    Unit.PER_KM2: "indbyggere pr. km²", Unit.INDEX: "indeks (landsgennemsnit = 1)", Unit.RATIO: "forholdstal",
    Unit.YES_NO: "ja/nej",
}
STATUS_TEXT = {"missing": "mangler", "undefined": "udefineret"}


def rounded(value: float | int | Decimal, decimals: int = 0) -> Decimal:
    """The value as shown with `decimals` places: half away from zero, as Danes round ('0,125' -> '0,13'),
    on the shortest decimal form of a float; a result of zero has no sign ('-0,04' -> '0,0')."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    result = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def pattern(decimals: int, group: bool = True) -> str:
    """A CLDR number pattern: '#,##0.0' (grouped, one decimal) or '0.00' (ungrouped, two decimals)."""
    return ("#,##0" if group else "0") + ("." + "0" * decimals if decimals > 0 else "")


@lru_cache(maxsize=32)
def _pattern(decimals: int, group: bool) -> NumberPattern:
    """The parsed pattern (format_decimal would parse the pattern and the locale again for every number)."""
    return parse_pattern(pattern(decimals, group))


_LOCALE = Locale.parse(LOCALE)
_SYMBOLS = _LOCALE.number_symbols["latn"]
# Python's "," and "." and "-" in a formatted Decimal -> the locale's group, decimal and minus signs
_TO_LOCALE = str.maketrans({",": _SYMBOLS["group"], ".": _SYMBOLS["decimal"], "-": _SYMBOLS["minusSign"]})


def number(value: float | int | Decimal, decimals: int = 0, group: bool = True) -> str:
    """1234567.891 -> '1.234.567,9' (decimals=1); group=False -> '1234567,9'.

    The rounded Decimal is written by Python's exact Decimal formatting with the locale's symbols swapped in:
    the same text as Babel's pattern '#,##0.0' (tests/assistant/test_formatting.py checks it on random values),
    at a tenth of the cost, which an overview's 180 numbers notice."""
    if isinstance(value, float) and not math.isfinite(value):
        return format_decimal(value, locale=LOCALE)  # 'NaN', '∞'
    return format(rounded(value, decimals), ",f" if group else "f").translate(_TO_LOCALE)


def babel_number(value: float | int | Decimal, decimals: int = 0, group: bool = True) -> str:
    """`number` as Babel writes it (the reference the fast path is tested against)."""
    return _pattern(decimals, group).apply(rounded(value, decimals), _LOCALE)  # as format_decimal does


def value_text(value: float | None, metric: Metric, status: str = "value") -> str:
    if value is None:
        return STATUS_TEXT.get(status, "mangler")
    if metric.unit == Unit.YES_NO:
        return "ja" if value >= 0.5 else "nej"
    return number(value, metric.decimals) + UNIT_SUFFIX[metric.unit]


MILLION = 1_000_000


def in_millions(value: float) -> bool:
    """kroner() shows this amount in millions."""
    return abs(value) >= MILLION


def kroner(value: float) -> str:
    """Large amounts in millions: '824,3 mio. kr.'; small ones in whole kroner."""
    if in_millions(value):
        return number(value / MILLION, 1) + " mio. kr."
    return number(value, 0) + " kr."


def percent(value: float, decimals: int = 1) -> str:
    """12.345 -> '12,3 %' (the value is already in percent; Danish puts a space before the sign)."""
    return number(value, decimals) + " %"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def danish_date(value: str | date) -> str:
    """'2024-03-30' (or a date) -> '30. marts 2024'."""
    day = value if isinstance(value, date) else date.fromisoformat(value[:10])
    return format_date(day, format="d. MMMM y", locale=LOCALE)
