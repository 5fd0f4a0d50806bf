"""Danish number formatting: '52.300 kr.', '12,5 %', '4,8 promille', 'mangler'."""

from __future__ import annotations

from semantic_layer.model import Metric, Unit

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


def number(value: float, decimals: int = 0) -> str:
    """1234567.891 -> '1.234.567,9' (decimals=1)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def value_text(value: float | None, metric: Metric, status: str = "value") -> str:
    if value is None:
        return STATUS_TEXT.get(status, "mangler")
    if metric.unit == Unit.YES_NO:
        return "ja" if value >= 0.5 else "nej"
    return number(value, metric.decimals) + UNIT_SUFFIX[metric.unit]


def kroner(value: float) -> str:
    """Large amounts in millions: '824,3 mio. kr.'; small ones in whole kroner."""
    if abs(value) >= 1_000_000:
        return number(value / 1_000_000, 1) + " mio. kr."
    return number(value, 0) + " kr."


def percent(value: float, decimals: int = 1) -> str:
    return number(value, decimals) + " %"


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def danish_date(iso: str) -> str:
    """'2024-03-30' -> '30. marts 2024'."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    return f"{day}. {MONTHS[month - 1]} {year}"
