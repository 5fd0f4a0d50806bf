"""Vega-Lite specs chosen by the operation: bars with a benchmark rule, lines, ranked bars, a map."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assistant.contract import Observation
from assistant.formatting import UNIT_LABEL
from semantic_layer import phrases
from semantic_layer.model import Metric
from semantic_layer.phrases import Period
from semantic_layer.spec import ComparisonKind, Operation, QuerySpec

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
TOPOJSON_URL = "/api/geo/kommuner.topojson"
DANISH_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " kr."]}


def _base(metric: Metric, title: str) -> dict[str, Any]:
    """The common spec; `title` comes from the phrase module (semantic_layer/phrases.py)."""
    return {"$schema": SCHEMA, "title": title, "width": "container", "config": {
        "locale": {"number": DANISH_FORMAT}, "axis": {"labelFontSize": 12, "titleFontSize": 12}}}


def _fmt(metric: Metric) -> str:
    return f",.{metric.decimals}f"


def period(o: Observation) -> Period:
    """The observation's year, or its quarter of the year."""
    return Period(o.year, o.quarter or 0)


def _points(observations: list[Observation], roles: tuple[str, ...]) -> list[dict[str, Any]]:
    """Chart data; "periode" orders and labels quarters ("2025K4", as Statistics Denmark writes them)."""
    return [{"område": o.municipality, "år": o.year, "værdi": o.value, "rolle": o.role, "kode": o.municipality_code,
             "vist": o.display} | ({"periode": f"{o.year}K{o.quarter}"} if o.quarter else {})
            for o in observations if o.role in roles and o.value is not None]


def shown_year(spec: QuerySpec, years: Iterable[Period], valued: Iterable[Period]) -> Period | None:
    """The one year (or quarter) a map or a ranking shows: the spec's if it asked for one and it is there, else
    the last with a value (else the last at all). A map or ranking over several periods would mix them."""
    present = set(years)
    asked = Period(spec.years.start or 0, spec.years.quarter or 0)
    if spec.years.kind == "single" and asked in present:
        return asked
    return max(set(valued) or present, default=None)


def _one_year(spec: QuerySpec, observations: list[Observation]) -> list[Observation]:
    """Only the shown period's observations (members, subjects, groups and the national figure alike)."""
    municipal = [o for o in observations if o.role in ("member", "subject")]
    year = shown_year(spec, (period(o) for o in municipal), (period(o) for o in municipal if o.value is not None))
    return observations if year is None else [o for o in observations if period(o) == year]


def _last_year(observations: list[Observation]) -> Period | None:
    """The period a chart without municipal values shows (the national figure's, "på landsplan")."""
    return max((period(o) for o in observations if o.year is not None), default=None)


def chart_for(spec: QuerySpec, observations: list[Observation],
              metric: Metric) -> tuple[dict[str, Any] | None, str | None]:
    unit = UNIT_LABEL[metric.unit]
    y_title = phrases.axis_title(metric.forms, unit)
    op = spec.operation
    if op in (Operation.OVERVIEW,) or not observations:
        return None, None
    if spec.comparison.kind == ComparisonKind.REGIONS and op != Operation.TREND:
        return _regions_bars(spec, observations, metric, y_title), "rank" if op == Operation.RANK else "bar"
    if op in (Operation.DISTRIBUTION, Operation.RANK):
        observations = _one_year(spec, observations)
    if op == Operation.DISTRIBUTION:
        values = _points(observations, ("member", "subject"))
        year = _last_year([o for o in observations if o.role in ("member", "subject") and o.value is not None]) \
            or _last_year(observations)
        chart = _base(metric, phrases.chart_title(metric.forms, year)) | {
            "height": 420,
            "data": {"url": TOPOJSON_URL, "format": {"type": "topojson", "feature": "stdin"}},
            "transform": [
                {"calculate": "toNumber(datum.properties.KOMKODE)", "as": "kode"},
                {"lookup": "kode", "from": {"data": {"values": values}, "key": "kode",
                                            "fields": ["værdi", "område", "vist"]}},
            ],
            "projection": {"type": "mercator"},
            "layer": [
                {"mark": {"type": "geoshape", "fill": "#d9d9d9", "stroke": "#ffffff", "strokeWidth": 0.4},
                 "encoding": {"tooltip": [{"field": "properties.KOMNAVN", "title": "Kommune (ingen værdi)"}]}},
                {"transform": [{"filter": "isValid(datum['værdi'])"}],
                 "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4},
                 "encoding": {
                     "color": {"field": "værdi", "type": "quantitative", "title": unit,
                               "scale": {"scheme": "blues"},
                               # Below the map, so the map keeps the full width on a phone.
                               "legend": {"format": _fmt(metric), "orient": "bottom", "direction": "horizontal",
                                          "gradientLength": 220}},
                     "tooltip": [{"field": "område", "title": "Kommune"}, {"field": "vist", "title": "Værdi"}]}},
            ],
        }
        return chart, "map"
    if op == Operation.TREND or (len({period(o) for o in observations}) > 1 and op != Operation.RANK):
        lines = ("subject", "member", "group", "national")
        shown = [o for o in observations if o.role in lines and o.value is not None]
        values = _points(shown, lines)
        periods = [period(o) for o in shown]
        quarters = any(p.quarter for p in periods)
        title = phrases.trend_title(metric.forms, min(periods, default=None), max(periods, default=None))
        chart = _base(metric, title) | {
            "height": 280, "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "periode", "type": "ordinal", "title": "Kvartal"} if quarters else
                     {"field": "år", "type": "ordinal", "title": "År"},
                "y": {"field": "værdi", "type": "quantitative", "title": y_title, "axis": {"format": _fmt(metric)},
                      "scale": {"zero": False}},
                "color": {"field": "område", "type": "nominal", "title": "Område"},
                "tooltip": [{"field": "område"}, {"field": "år"}, {"field": "vist", "title": "Værdi"}],
            },
        }
        return chart, "line"
    roles = ("subject", "member", "group", "benchmark") if op != Operation.RANK else ("subject", "member")
    values = _points(observations, roles)
    if op == Operation.RANK:
        values = [v for v in values if v["rolle"] == "member" or v["rolle"] == "subject"]
    national = next((o for o in observations if o.role == "national" and o.value is not None), None)
    order = "-x" if op != Operation.RANK or spec.rank_order == "desc" else "x"
    layers: list[dict[str, Any]] = [{
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "område", "type": "nominal", "sort": order, "title": None},
            "x": {"field": "værdi", "type": "quantitative", "title": y_title, "axis": {"format": _fmt(metric)}},
            "color": {"field": "rolle", "type": "nominal", "legend": None,
                      "scale": {"domain": ["subject", "member", "group", "benchmark"],
                                "range": ["#1f4e79", "#8fb3d9", "#e0a030", "#e0a030"]}},
            "tooltip": [{"field": "område", "title": "Område"}, {"field": "vist", "title": "Værdi"}],
        }}]
    if national is not None:
        layers.append({"data": {"values": [{"værdi": national.value, "vist": national.display}]},
                       "mark": {"type": "rule", "color": "#b22222", "strokeWidth": 2, "strokeDash": [6, 3]},
                       "encoding": {"x": {"field": "værdi", "type": "quantitative"},
                                    "tooltip": [{"field": "vist", "title": "Hele landet"}]}})
    year = max((period(o) for o in observations if o.role in roles and o.value is not None),
               default=_last_year(observations))
    if op == Operation.RANK:
        title = phrases.rank_title(metric.forms, phrases.extreme(spec.rank_order), year, one=len(values) == 1,
                                   national=national is not None)
    else:
        title = phrases.chart_title(metric.forms, year, national=national is not None)
    chart = _base(metric, title) | {"height": {"step": 22}, "data": {"values": values}, "layer": layers}
    return chart, "rank" if op == Operation.RANK else "bar"


def _regions_bars(spec: QuerySpec, observations: list[Observation], metric: Metric, y_title: str) -> dict[str, Any]:
    """The five regions as bars (highest first, or in the ranking's order) with the country as a red rule; the
    writer has already kept one year."""
    values = _points(observations, ("group",))
    national = next((o for o in observations if o.role == "national" and o.value is not None), None)
    order = "x" if spec.operation == Operation.RANK and spec.rank_order == "asc" else "-x"
    layers: list[dict[str, Any]] = [{
        "mark": {"type": "bar", "tooltip": True, "color": "#1f4e79"},
        "encoding": {
            "y": {"field": "område", "type": "nominal", "sort": order, "title": None},
            "x": {"field": "værdi", "type": "quantitative", "title": y_title, "axis": {"format": _fmt(metric)}},
            "tooltip": [{"field": "område", "title": "Region"}, {"field": "vist", "title": "Værdi"}],
        }}]
    if national is not None:
        layers.append({"data": {"values": [{"værdi": national.value, "vist": national.display}]},
                       "mark": {"type": "rule", "color": "#b22222", "strokeWidth": 2, "strokeDash": [6, 3]},
                       "encoding": {"x": {"field": "værdi", "type": "quantitative"},
                                    "tooltip": [{"field": "vist", "title": "Hele landet"}]}})
    year = max((period(o) for o in observations if o.role == "group" and o.value is not None),
               default=_last_year(observations))
    title = phrases.regions_title(metric.forms, year, national=national is not None)
    return _base(metric, title) | {"height": {"step": 22}, "data": {"values": values}, "layer": layers}
