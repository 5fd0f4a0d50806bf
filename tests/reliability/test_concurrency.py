"""32 conversations at once: each follow-up must concern its own conversation's municipality (no cross-talk)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

N = 32
REGION_CODES = {1081, 1082, 1083, 1084, 1085}
FOLLOW_UPS = ("Og hvad med 2019?", "Sammenlign med nabokommunerne")
Ask = Callable[[str, str | None], dict[str, Any]]


def _conversation(ask: Ask, barrier: threading.Barrier, index: int, name: str) -> dict[str, Any]:
    barrier.wait()
    first = ask(f"Hvad var udskrivningsprocenten i {name} i 2022?", None)
    barrier.wait()
    follow_up = FOLLOW_UPS[index % 2]
    second = ask(follow_up, first["conversation_id"])
    return {"first": first, "second": second, "follow_up": follow_up}


def _run(ask: Ask, municipalities: list[Any]) -> list[dict[str, Any]]:
    barrier = threading.Barrier(N, timeout=120)
    with ThreadPoolExecutor(max_workers=N) as pool:
        futures = [pool.submit(_conversation, ask, barrier, i, m.name) for i, m in enumerate(municipalities)]
        return [f.result(timeout=300) for f in futures]


def _check(results: list[dict[str, Any]], municipalities: list[Any]) -> None:
    problems = []
    for result, municipality in zip(results, municipalities, strict=True):
        code, name = municipality.code, municipality.name
        first, second = result["first"], result["second"]
        if first["status"] != "answer" or not any(
                o["municipality_code"] == code and o["year"] == 2022 for o in first["observations"]):
            problems.append(f"{name}: first answer {first['status']} {first['text'][:80]!r}")
            continue
        if second["conversation_id"] != first["conversation_id"]:
            problems.append(f"{name}: follow-up got another conversation id")
        if second["status"] != "answer":
            problems.append(f"{name}: {result['follow_up']!r} -> {second['status']} {second['text'][:80]!r}")
            continue
        observed = {o["municipality_code"] for o in second["observations"]}
        subjects = {o["municipality_code"] for o in second["observations"] if o.get("role") == "subject"}
        if subjects and subjects != {code}:
            problems.append(f"{name}: follow-up subject is {subjects}, not {code}")
        if result["follow_up"].startswith("Og hvad med 2019"):
            municipal = observed - {0, None} - REGION_CODES
            if municipal != {code}:
                problems.append(f"{name}: 2019 follow-up shows municipalities {sorted(municipal)}, not only {code}")
            if not any(o["municipality_code"] == code and o["year"] == 2019 for o in second["observations"]):
                problems.append(f"{name}: 2019 follow-up lacks {code}/2019")
        else:
            allowed = {code, *municipality.neighbours, 0, None, *REGION_CODES}
            if code not in observed or not observed <= allowed:
                problems.append(f"{name}: neighbour follow-up shows {sorted(c for c in observed if c is not None)}, "
                                f"own {code} neighbours {municipality.neighbours}")
    assert not problems, "\n".join(problems)


def _municipalities(assistant: Any) -> list[Any]:
    candidates = [m for m in assistant.municipalities() if m.neighbours]
    step = max(1, len(candidates) // N)
    chosen = candidates[::step][:N]
    assert len(chosen) == N
    return chosen


def test_parallel_conversations_in_process(assistant: Any) -> None:
    municipalities = _municipalities(assistant)

    def ask(question: str, conversation_id: str | None) -> dict[str, Any]:
        return assistant.ask(question, conversation_id).model_dump(mode="json")

    results = _run(ask, municipalities)
    _check(results, municipalities)
    for result in results:  # each conversation holds exactly its own two turns
        history = assistant.history(result["first"]["conversation_id"])
        assert [turn.question for turn in history] == [result["first"]["question"], result["follow_up"]]


@pytest.mark.parametrize("route", ["/api/ask"])
def test_parallel_conversations_over_the_api(assistant: Any, rclient: TestClient, route: str) -> None:
    municipalities = _municipalities(assistant)

    def ask(question: str, conversation_id: str | None) -> dict[str, Any]:
        response = rclient.post(route, json={"question": question, "conversation_id": conversation_id})
        assert response.status_code == 200, response.text[:300]
        body: dict[str, Any] = response.json()
        return body

    _check(_run(ask, municipalities), municipalities)


def test_conversation_store_survives_concurrent_saves_and_pruning(tmp_path: Any) -> None:
    """Several threads (or workers) saving at once each prune every 50th write; a prune must tolerate files that
    another pruner removed meanwhile, or `ask()` fails under load."""
    import traceback

    from assistant.conversations import ConversationStore

    store = ConversationStore(tmp_path, ttl_s=3600, max_conversations=100)
    errors: list[str] = []

    def writer() -> None:
        try:
            for _ in range(400):
                store.save(store.new_id(), {"turns": [], "spec": None})
        except Exception:  # noqa: BLE001 - collected for the assertion
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
