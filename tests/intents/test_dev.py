"""Parse-level check of every dev question (figure, municipalities, years, status); >= 95 % must pass.

`refuse` cases may come back as a spec whose years lie beyond the data: the caller refuses those
("2040" -> which years exist), the parser only extracts years.
"""

from __future__ import annotations

import yaml

from tests.intents.conftest import DEV

LAST_DATA_YEAR = 2025


def _check(parser, catalog, case, result) -> str | None:
    kind = case["kind"]
    spec = result.spec
    if kind == "clarify":
        return None if result.status == "clarify" and result.options else f"want clarify, got {result.status}"
    if kind == "refuse":
        if result.status in {"refuse", "clarify"}:
            return None
        if spec is not None and spec.years.start and spec.years.start > LAST_DATA_YEAR:
            return None
        return f"want refuse, got {result.status}"
    if result.status != "spec" or spec is None:
        return f"want spec, got {result.status}: {result.question}"
    if kind == "overview":
        return None if spec.operation == "overview" and spec.subject == case["code"] else f"overview {spec}"
    metric = catalog.get(spec.metric.id) if spec.metric else None
    if metric is None or metric.label != case["figure"]:
        return f"figure {metric.label if metric else None!r} != {case['figure']!r}"
    if kind == "definition":
        return None if spec.operation == "definition" else f"op {spec.operation}"
    if kind == "rank":
        ok = (spec.operation == "rank" and spec.rank_n == case["n"] and spec.rank_order == case["order"]
              and spec.rank_region == case["region"] and spec.years.start == case["year"])
        return None if ok else f"rank {spec}"
    values = case.get("values") or []
    codes = [v["code"] for v in values if v["code"] != 0]
    years = sorted({v["year"] for v in values})
    if kind == "neighbours":
        if spec.comparison.kind != "neighbours" or spec.subject != codes[0]:
            return f"neighbours {spec}"
    elif codes and list(spec.municipalities) != list(dict.fromkeys(codes)):
        return f"municipalities {spec.municipalities} != {codes}"
    if kind == "latest":
        return None if spec.years.kind == "latest" else f"years {spec.years}"
    if kind == "savings" and spec.operation != "savings":
        return f"op {spec.operation}"
    if any(v["code"] == 0 for v in values) and kind == "answer" and spec.comparison.kind != "country":
        return f"comparison {spec.comparison}"
    if len(years) == 1 and not (spec.years.start == years[0] and spec.years.kind == "single"):
        return f"years {spec.years} != {years}"
    if len(years) > 1 and not (spec.years.start == years[0] and spec.years.end == years[-1]):
        return f"years {spec.years} != {years}"
    return None


def test_dev_questions(parser, catalog):
    dev = yaml.safe_load(DEV.read_text(encoding="utf-8"))
    failures, total = [], 0
    for case in dev["cases"]:
        total += 1
        err = _check(parser, catalog, case, parser.parse(case["q"]))
        if err:
            failures.append(f"{case['q']}: {err}")
    for conv in dev["conversations"]:
        context = None
        for case in conv:
            total += 1
            result = parser.parse(case["q"], context)
            err = _check(parser, catalog, case, result)
            if err:
                failures.append(f"{case['q']} (samtale): {err}")
            context = result.spec or context
    accuracy = 1 - len(failures) / total
    print(f"\ndev.yaml parse accuracy: {accuracy:.1%} ({total - len(failures)}/{total})")
    for f in failures:
        print("  FAIL", f)
    assert accuracy >= 0.95, "\n".join(failures)
