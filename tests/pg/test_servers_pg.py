"""Three server processes on three ports over one PostgreSQL: a conversation sent round-robin across them keeps
its context at every follow-up, and /healthz says ok only once a server's assistant has loaded."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from assistant.service import EXPIRED_CONVERSATION
from tests.live_server import live_server

CONVERSATION = [
    ("Hvad var udskrivningsprocenten i Aarhus i 2022?", 751, 2022),
    ("Og i Aalborg?", 851, 2022),
    ("Hvad med 2018?", 851, 2018),
    ("Og i Odense?", 461, 2018),
    ("Hvad med 2020?", 461, 2020),
    ("Og i Gentofte?", 157, 2020),
]


@pytest.fixture(scope="module")
def servers(pg_urls, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    mp = pytest.MonkeyPatch()
    mp.setenv("NOEGLETAL_DATABASE_URL", pg_urls["reader"])
    mp.setenv("NOEGLETAL_CONVERSATION_DATABASE_URL", pg_urls["conversations"])
    logs = tmp_path_factory.mktemp("servers")
    args = ["-m", "uvicorn", "web.app:create_app", "--factory", "--host", "127.0.0.1", "--log-level", "warning"]
    try:
        with ExitStack() as stack:
            urls = [stack.enter_context(live_server(args, Path(logs) / f"server{i}.log")) for i in range(3)]
            yield urls
    finally:
        mp.undo()


def test_healthz_means_loaded(servers: list[str]) -> None:
    """live_server waited for /healthz = 200; at that point the assistant answers at once (no cold load)."""
    for url in servers:
        started = time.perf_counter()
        response = httpx.get(f"{url}/api/municipalities", timeout=60)
        assert response.status_code == 200 and len(response.json()) == 98
        assert time.perf_counter() - started < 2.0
        assert httpx.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}


def test_round_robin_conversation_keeps_context(servers: list[str]) -> None:
    cid = None
    workers = set()
    for turn, (question, code, year) in enumerate(CONVERSATION):
        url = servers[turn % len(servers)]
        response = httpx.post(f"{url}/api/ask", json={"question": question, "conversation_id": cid}, timeout=60)
        assert response.status_code == 200, response.text[:300]
        answer = response.json()
        workers.add(response.headers["x-worker"])
        assert answer["status"] == "answer", (question, answer["text"])
        assert not answer["text"].startswith(EXPIRED_CONVERSATION)
        if cid is not None:
            assert answer["conversation_id"] == cid, question
        cid = answer["conversation_id"]
        subject = [o for o in answer["observations"] if o["role"] == "subject"]
        assert [(o["municipality_code"], o["year"]) for o in subject] == [(code, year)], (question, subject)
    assert len(workers) == 3  # three processes answered
    for url in servers:  # every server sees the whole conversation
        history = httpx.get(f"{url}/api/conversations/{cid}", timeout=30).json()
        assert [a["question"] for a in history] == [q for q, _, _ in CONVERSATION]


def test_a_stale_conversation_is_said_out_loud_over_http(servers: list[str]) -> None:
    response = httpx.post(f"{servers[1]}/api/ask", json={"question": "Og i Aalborg?",
                                                         "conversation_id": "f" * 32}, timeout=60)
    answer = response.json()
    assert answer["text"].startswith(EXPIRED_CONVERSATION) and answer["conversation_id"] != "f" * 32


def test_concurrent_questions_in_one_conversation_lose_no_turn(servers: list[str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    first = httpx.post(f"{servers[0]}/api/ask", json={"question": "Hvor mange bor der i Rebild?"}, timeout=60).json()
    cid = first["conversation_id"]
    questions = ["Og i Aalborg?", "Og i Odense?", "Og i Vejle?", "Og i Esbjerg?", "Og i Gentofte?", "Og i Faxe?"]

    def ask(index: int) -> int:
        url = servers[index % len(servers)]
        return httpx.post(f"{url}/api/ask", json={"question": questions[index], "conversation_id": cid},
                          timeout=60).status_code

    with ThreadPoolExecutor(len(questions)) as pool:
        assert list(pool.map(ask, range(len(questions)))) == [200] * len(questions)
    history = httpx.get(f"{servers[2]}/api/conversations/{cid}", timeout=30).json()
    assert len(history) == 1 + len(questions)
    assert sorted(a["question"] for a in history[1:]) == sorted(questions)
