"""Table-driven cases (cases.yaml): each asserts only the keys it names.

`context` is one question (or a list, in order) parsed first; the last spec becomes the context.
`metric` may be an id or an official label; `comparison` a kind or {kind, region_code}.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))["cases"]


def _context(parser, ctx):
    spec = None
    for q in [ctx] if isinstance(ctx, str) else (ctx or []):
        spec = parser.parse(q, spec).spec or spec
    return spec


def check(parser, catalog, case) -> list[str]:
    result = parser.parse(case["q"], _context(parser, case.get("context")))
    exp, spec, errs = case["expect"], result.spec, []
    want_status = exp.get("status", "spec")
    if result.status != want_status:
        return [f"status {result.status} ({result.question}) != {want_status}"]
    if want_status == "clarify":
        if len(result.options) < exp.get("options_min", 2):
            errs.append(f"options {result.options}")
        for must in exp.get("options_contain", []):
            if not any(must in o for o in result.options):
                errs.append(f"no option with {must!r}: {result.options}")
    if want_status == "refuse" and not result.examples:
        errs.append("refusal without examples")
    if "question_contains" in exp and exp["question_contains"] not in (result.question or ""):
        errs.append(f"question {result.question!r}")
    if spec is None:
        return errs
    if "operation" in exp and spec.operation.value != exp["operation"]:
        errs.append(f"operation {spec.operation.value} != {exp['operation']}")
    if "metric" in exp:
        m = catalog.get(spec.metric.id) if spec.metric else None
        if m is None or exp["metric"] not in {m.id, m.label}:
            errs.append(f"metric {m.id if m else None} != {exp['metric']}")
    if "municipalities" in exp and list(spec.municipalities) != exp["municipalities"]:
        errs.append(f"municipalities {list(spec.municipalities)} != {exp['municipalities']}")
    if "comparison" in exp:
        want = exp["comparison"] if isinstance(exp["comparison"], dict) else {"kind": exp["comparison"]}
        got = {"kind": spec.comparison.kind.value, "region_code": spec.comparison.region_code}
        if any(got[k] != v for k, v in want.items()):
            errs.append(f"comparison {got} != {want}")
    if "years" in exp:
        got = spec.years.model_dump()
        if any(got[k] != v for k, v in exp["years"].items()):
            errs.append(f"years {got} != {exp['years']}")
    for key in ("rank_n", "rank_order", "rank_region"):
        if key in exp and getattr(spec, key) != exp[key]:
            errs.append(f"{key} {getattr(spec, key)} != {exp[key]}")
    if "benchmark" in exp and spec.benchmark.value != exp["benchmark"]:
        errs.append(f"benchmark {spec.benchmark.value} != {exp['benchmark']}")
    if "note_contains" in exp and not any(exp["note_contains"] in n for n in result.notes):
        errs.append(f"notes {result.notes}")
    if "step_kind" in exp and exp["step_kind"] not in {s.kind for s in result.steps}:
        errs.append(f"steps {[s.kind for s in result.steps]}")
    return errs


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:60] for c in CASES])
def test_case(parser, catalog, case):
    errs = check(parser, catalog, case)
    assert not errs, f"{case['q']}: " + "; ".join(errs)


def test_case_pass_rate(parser, catalog):
    failed = [c["q"] for c in CASES if check(parser, catalog, c)]
    rate = 1 - len(failed) / len(CASES)
    print(f"\ncases.yaml: {len(CASES)} cases, pass rate {rate:.1%}")
    assert rate >= 0.95, failed
