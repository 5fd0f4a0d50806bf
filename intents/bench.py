"""Parse-time benchmark over the table-driven cases and the dev questions: `python -m intents.bench`."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

from intents import Parser, places_from_csv
from semantic_layer.loader import load_catalog

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "intents" / "cases.yaml"
DEV = Path("/work/shared/questions/dev.yaml")
KOMMUNER = Path("/work/shared/data/reference/kommuner.csv")


def questions() -> list[str]:
    qs: list[str] = []
    if CASES.exists():
        for case in yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]:
            qs += [case["q"]] + ([case["context"]] if case.get("context") else [])
    if DEV.exists():
        dev = yaml.safe_load(DEV.read_text(encoding="utf-8"))
        qs += [c["q"] for c in dev["cases"]] + [t["q"] for conv in dev["conversations"] for t in conv]
    return qs


def main() -> int:
    t0 = time.perf_counter()
    parser = Parser(load_catalog(), places_from_csv(KOMMUNER))
    print(f"start-up: {time.perf_counter() - t0:.2f} s")
    qs = questions()
    for q in qs[:50]:  # warm the caches once, as a running server would be
        parser.parse(q)
    times = []
    for q in qs:
        t = time.perf_counter()
        parser.parse(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{len(times)} questions: median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
