"""`noegletal eval`: every development question through Assistant.ask in-process, judged like score.py.

The judging rules are imported from the shared runner (`score.py` beside the gold file, or
../shared/questions/score.py) so the in-process score and the HTTP score cannot drift apart; a copy of
the rules is the fallback when that file is missing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from warehouse.settings import REPO_ROOT

Judge = Callable[[dict[str, Any], dict[str, Any]], str | None]
MIN_ACCURACY = 0.95
REGION_CODES = {1081, 1082, 1083, 1084, 1085}


def _load_score_module(gold_path: Path) -> ModuleType | None:
    for candidate in (gold_path.parent / "score.py", REPO_ROOT.parent / "shared" / "questions" / "score.py"):
        if candidate.is_file():
            spec = importlib.util.spec_from_file_location("shared_questions_score", candidate)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    return None


# -- fallback copy of score.py's rules (used only when the shared file is missing) -------------------------
def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return abs(a - b) <= max(0.051, 0.005 * abs(b))


def _judge_copy(case: dict[str, Any], ans: dict[str, Any]) -> str | None:
    status = ans.get("status")
    obs = ans.get("observations") or []
    kind = case["kind"]
    if kind == "clarify":
        return None if status == "clarify" else f"wanted clarify, got {status}"
    if kind == "refuse":
        return None if status in ("refuse", "clarify") else f"wanted refuse, got {status} with {len(obs)} observations"
    if status != "answer":
        return f"wanted answer, got {status}"
    if kind == "definition":
        card = json.dumps(ans.get("metric") or {}, ensure_ascii=False)
        return None if case["figure"] in card else f"definition card lacks {case['figure']!r}"
    if kind == "overview":
        mine = {o.get("metric") for o in obs if o.get("municipality_code") == case["code"]}
        national = [o for o in obs if o.get("municipality_code") == 0]
        return None if len(mine) >= 8 and national else f"overview: {len(mine)} figures, {len(national)} national rows"
    if kind == "savings":
        want = case["savings"]
        text = (ans.get("text") or "").replace("\u00a0", " ")
        millions = f"{abs(want) / 1e6:.1f}".replace(".", ",")
        said = any(_close(o.get("value"), want) or _close(o.get("value"), abs(want)) for o in obs) or millions in text
        if not said:
            return f"savings {want:,.0f} kr. neither in observations nor as '{millions} mio.' in the text"
    if kind == "rank":
        rows = [o for o in obs if o.get("year") == case["year"] and o.get("municipality_code") not in (0, None)
                and o.get("municipality_code") not in REGION_CODES and o.get("value") is not None]
        rows.sort(key=lambda o: o["value"], reverse=case["order"] == "desc")
        got = [o["value"] for o in rows[: case["n"]]]
        want = case["top_values"]
        ok = len(got) == len(want) and all(_close(g, w) for g, w in zip(got, want, strict=False))
        return None if ok else f"top {case['n']}: got {got} want {want}"
    missing = []
    for g in case.get("values", []):
        hit = [o for o in obs if o.get("municipality_code") == g["code"] and o.get("year") == g["year"]]
        if not any(_close(o.get("value"), g["value"]) for o in hit):
            missing.append(f"{g['code']}/{g['year']}={g['value']} (saw {[o.get('value') for o in hit]})")
    return None if not missing else "missing " + "; ".join(missing[:4])


def get_judge(gold_path: Path) -> tuple[Judge, str]:
    """score.py's judge() when available (and where it came from), else the copy above."""
    module = _load_score_module(gold_path)
    if module is not None and callable(getattr(module, "judge", None)):
        return module.judge, str(module.__file__)
    return _judge_copy, "bench/evaluate.py (copy of score.py's rules)"


def load_gold(gold_path: Path) -> dict[str, Any]:
    text = gold_path.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text) if gold_path.suffix == ".json" else yaml.safe_load(text)
    data.setdefault("cases", [])
    data.setdefault("conversations", [])
    return data


def evaluate(gold_path: Path) -> int:
    """Run the gold file's cases and conversations in-process; print failures and accuracy; 0 if >= 95 %."""
    from assistant.service import get_assistant

    if not gold_path.is_file():
        print(f"Fejl: spørgsmålsfilen {gold_path} findes ikke.", file=sys.stderr)
        return 2
    gold = load_gold(gold_path)
    judge, source = get_judge(gold_path)
    assistant = get_assistant()
    results: list[tuple[dict[str, Any], str | None]] = []
    times: list[float] = []

    def run(question: str, conversation_id: str | None) -> dict[str, Any]:
        started = time.perf_counter()
        answer = assistant.ask(question, conversation_id)
        times.append(time.perf_counter() - started)
        return answer.model_dump(mode="json")

    for case in gold["cases"]:
        results.append((case, judge(case, run(case["q"], None))))
    for conversation in gold["conversations"]:
        cid: str | None = None
        for turn in conversation:
            answer = run(turn["q"], cid)
            cid = answer.get("conversation_id") or cid
            results.append((turn, judge(turn, answer)))

    by_kind: dict[str, list[int]] = {}
    for case, why in results:
        tally = by_kind.setdefault(case["kind"], [0, 0])
        tally[0] += why is None
        tally[1] += 1
        if why:
            print(f"FAIL [{case['kind']}] {case['q']}: {why}")
    for kind, (ok, n) in sorted(by_kind.items()):
        print(f"  {kind:10s} {ok}/{n}")
    ok = sum(why is None for _, why in results)
    total = max(len(results), 1)
    times.sort()
    median_ms = times[len(times) // 2] * 1000 if times else 0.0
    print(f"accuracy {ok}/{len(results)} = {ok / total:.1%}; median latency {median_ms:.1f} ms (in-process); "
          f"judged by {source}")
    return 0 if ok / total >= MIN_ACCURACY else 1
