"""Chart specs for the page: the assistant's Vega-Lite spec, made to fit its container on any screen."""

from __future__ import annotations

import copy
import textwrap
from typing import Any

from assistant.contract import Answer

_COMPOSITE_KEYS = ("facet", "concat", "hconcat", "vconcat", "repeat")
_TITLE_WIDTH = 40  # characters per title line, so a title fits a phone


def chart_spec(answer: Answer) -> dict[str, Any] | None:
    """The Vega-Lite spec to embed for an answer (maps included), or None when it has no chart."""
    if answer.status != "answer" or not answer.chart:
        return None
    return _responsive(copy.deepcopy(answer.chart))


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
