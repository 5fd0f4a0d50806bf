"""`noegletal eval`: every development question through Assistant.ask in-process, judged like score.py.

The judging rules are imported from the shared runner (`score.py` beside the gold file, or
../shared/questions/score.py), so the in-process score and the HTTP score cannot drift apart.
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

from noegletal.settings import REPO_ROOT

Judge = Callable[[dict[str, Any], dict[str, Any]], str | None]
MIN_ACCURACY = 0.95


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


def get_judge(gold_path: Path) -> tuple[Judge, str] | None:
    """score.py's judge() and where it came from; None when the shared runner is missing."""
    module = _load_score_module(gold_path)
    if module is not None and callable(getattr(module, "judge", None)):
        return module.judge, str(module.__file__)
    return None


def load_gold(gold_path: Path) -> dict[str, Any]:
    text = gold_path.read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text) if gold_path.suffix == ".json" else yaml.safe_load(text)
    data.setdefault("cases", [])
    data.setdefault("conversations", [])
    return data


def evaluate(gold_path: Path) -> int:
    """Run the gold file's cases and conversations in-process; print failures and accuracy; 0 if >= 95 %."""
    from noegletal.wiring import get_assistant

    if not gold_path.is_file():
        print(f"Fejl: spørgsmålsfilen {gold_path} findes ikke.", file=sys.stderr)
        return 2
    gold = load_gold(gold_path)
    found = get_judge(gold_path)
    if found is None:
        print(f"Fejl: score.py (den fælles bedømmer) findes ikke ved {gold_path.parent}.", file=sys.stderr)
        return 2
    judge, source = found
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
