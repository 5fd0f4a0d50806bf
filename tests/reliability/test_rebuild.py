"""Atomic rebuild: rebuild the warehouse into the very path the assistant reads while questions keep coming.

Every answer in flight during the swap succeeds, and answers after the swap (on the new file) still work
and give the same numbers (same data in, same figures out).
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any

import pytest

from .conftest import MAIN_WAREHOUSE

QUESTIONS = [
    "Hvad var udskrivningsprocenten i Gentofte i 2023?",
    "Sammenlign serviceudgifterne pr. indbygger i Fredensborg med nabokommunerne i 2022",
    "Hvilke 5 kommuner har den laveste udskrivningsprocent i 2022?",
    "Hvor mange indbyggere havde Helsingør i 2020?",
    "Udviklingen i indbyggertallet i Odense fra 2016 til 2024",
]
ASKERS = 3
AFTER_SWAP = 15  # answers each asker must give after the swap


def _values(answer: Any) -> list[tuple[Any, ...]]:
    return sorted((o.metric, o.municipality_code or -1, o.year, o.value) for o in answer.observations)


def test_rebuild_while_answering(assistant: Any, reliability_settings: Any) -> None:
    from warehouse.build import build

    path = reliability_settings.warehouse_path
    if path.resolve() == MAIN_WAREHOUSE:
        pytest.skip("the assistant reads the developer's var/noegletal.duckdb; this test only rebuilds a test file")
    assert assistant.warehouse.path == path
    baseline = {q: _values(assistant.ask(q)) for q in QUESTIONS}
    inode_before = path.stat().st_ino

    swapped = threading.Event()
    stop = threading.Event()
    log: list[tuple[float, bool, str, str, str]] = []  # (time, after swap, question, status, text)
    mismatches: list[str] = []
    crashes: list[str] = []
    lock = threading.Lock()

    def asker(offset: int) -> None:
        after = 0
        i = offset
        try:
            while not stop.is_set() and after < AFTER_SWAP:
                question = QUESTIONS[i % len(QUESTIONS)]
                i += 1
                was_swapped = swapped.is_set()
                answer = assistant.ask(question)
                with lock:
                    log.append((time.perf_counter(), was_swapped, question, answer.status, answer.text[:120]))
                    if answer.status == "answer" and _values(answer) != baseline[question]:
                        mismatches.append(question)
                if was_swapped:
                    after += 1
        except BaseException:  # noqa: BLE001 - reported by the main thread
            crashes.append(traceback.format_exc())

    threads = [threading.Thread(target=asker, args=(k,), daemon=True) for k in range(ASKERS)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # answering before the build starts
    report = build(reliability_settings.data_dir, path)
    swapped.set()
    for thread in threads:
        thread.join(timeout=120)
    stop.set()

    assert not crashes, "\n".join(crashes)
    assert path.stat().st_ino != inode_before, "the build did not swap in a new file"
    during = [entry for entry in log if not entry[1]]
    after = [entry for entry in log if entry[1]]
    failed = [entry for entry in log if entry[3] != "answer"]
    assert len(during) > 0, "no answers were given while the warehouse was being rebuilt"
    assert len(after) >= ASKERS * AFTER_SWAP
    assert not failed, f"{len(failed)} of {len(log)} answers failed during/after the rebuild " \
                       f"({report.seconds:.1f} s): {failed[:3]}"
    assert not mismatches, f"numbers changed across the rebuild: {sorted(set(mismatches))}"
    # And a fresh question after the swap, on a new thread's connection, still works.
    assert assistant.ask("Hvad var grundskyldpromillen i Slagelse i 2021?").status == "answer"
