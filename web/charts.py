"""Chart specs for the page: the assistant's Vega-Lite spec, made responsive, or a choropleth map
of the 98 municipalities built here from the answer's observations."""

from __future__ import annotations

import copy
import textwrap
from collections import Counter
from typing import Any

from assistant.contract import Answer

GEO_URL = "/api/geo/kommuner.topojson"
GEO_OBJECT = "stdin"  # the TopoJSON object holding the municipality polygons
_COMPOSITE_KEYS = ("facet", "concat", "hconcat", "vconcat", "repeat")
_MISSING_COLOUR = "#d9d9d9"
_TITLE_WIDTH = 40  # characters per title line, so a title fits a phone


def chart_spec(answer: Answer) -> dict[str, Any] | None:
    """The Vega-Lite spec to embed for an answer, or None when it has no chart."""
    if answer.status != "answer":
        return None
    if answer.chart_kind == "map":
        if answer.chart and _uses_geo(answer.chart):
            return _legend_below(_responsive(copy.deepcopy(answer.chart)))
        return map_spec(answer)
    if answer.chart:
        return _responsive(copy.deepcopy(answer.chart))
    return None


def _uses_geo(spec: dict[str, Any]) -> bool:
    """True if the spec reads our TopoJSON from the URL the browser can fetch."""
    data = spec.get("data")
    return isinstance(data, dict) and data.get("url") == GEO_URL


def _responsive(spec: dict[str, Any]) -> dict[str, Any]:
    """Let a single-view chart follow its container's width (no horizontal scroll on a phone), and
    break a long title before its parenthesis so it is not cut on a narrow screen."""
    if not any(key in spec for key in _COMPOSITE_KEYS) and "width" not in spec:
        spec["width"] = "container"
        spec.setdefault("autosize", {"type": "fit-x", "contains": "padding"})
    title = spec.get("title")
    if isinstance(title, str):
        title = {"text": title}
    if isinstance(title, dict) and isinstance(title.get("text"), str) and len(title["text"]) > _TITLE_WIDTH:
        head, paren, tail = title["text"].partition(" (")
        lines = textwrap.wrap(head, _TITLE_WIDTH) + ([f"({tail}"] if paren else [])
        spec["title"] = {**title, "text": lines, "anchor": "start"}
    return spec


def _legend_below(spec: dict[str, Any]) -> dict[str, Any]:
    """A map's colour legend under the map, so the map keeps the width on a phone."""
    color = spec.get("encoding", {}).get("color")
    if isinstance(color, dict) and color.get("legend", {}) is not None:
        color["legend"] = {**color.get("legend", {}), "orient": "bottom", "direction": "horizontal",
                           "gradientLength": 220}
    return spec


def map_values(answer: Answer) -> list[dict[str, Any]]:
    """One record per municipality (codes 101-999) of the answer's most frequent year."""
    rows = [o for o in answer.observations if o.municipality_code and 100 < o.municipality_code < 1000]
    if not rows:
        return []
    year = Counter(o.year for o in rows).most_common(1)[0][0]
    return [
        {
            "code": o.municipality_code,
            "municipality": o.municipality,
            "year": o.year,
            "value": o.value,
            "display": o.display or ("mangler" if o.value is None else str(o.value)),
        }
        for o in rows
        if o.year == year
    ]


def map_spec(answer: Answer) -> dict[str, Any] | None:
    """A choropleth: polygons from GEO_URL joined on int(KOMKODE) = municipality_code."""
    values = map_values(answer)
    if not values:
        return None
    metric = answer.metric
    label = metric.short_name if metric else "Værdi"
    unit = metric.unit_label if metric else ""
    year = values[0]["year"]
    title = f"{metric.label if metric else label}, {year}"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": f"Kort over kommunerne: {title}",
        "title": {"text": title, "anchor": "start", "fontSize": 14},
        "width": "container",
        "height": 440,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"url": GEO_URL, "format": {"type": "topojson", "feature": GEO_OBJECT}},
        "transform": [
            {"calculate": "toNumber(datum.properties.KOMKODE)", "as": "code"},
            {
                "lookup": "code",
                "from": {"data": {"values": values}, "key": "code", "fields": ["value", "display"]},
            },
            {"calculate": "datum.display ? datum.display : 'mangler'", "as": "display"},
        ],
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.5, "invalid": None},
        "encoding": {
            "color": {
                "condition": {"test": "!isValid(datum.value)", "value": _MISSING_COLOUR},
                "field": "value",
                "type": "quantitative",
                "title": f"{label} ({unit})" if unit else label,
                "scale": {"scheme": "blues"},
                "legend": {"orient": "bottom", "direction": "horizontal", "gradientLength": 220},
            },
            "tooltip": [
                {"field": "properties.KOMNAVN", "type": "nominal", "title": "Kommune"},
                {"field": "display", "type": "nominal", "title": label},
            ],
        },
        "config": {"view": {"stroke": None}},
    }
