"""Several server workers share conversation state: a follow-up may land on any worker."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from noegletal.settings import Settings

from ..live_server import live_server

FIRST = "Hvad var udskrivningsprocenten i {name} i 2022?"
FOLLOW_UPS = ("Hvad med 2018?", "Sammenlign med nabokommunerne", "Og grundskylden?")
PLACES = {"Aarhus": 751, "Odense": 461, "Vejle": 630, "Gentofte": 157, "Holbæk": 316, "Esbjerg": 561}


@pytest.fixture(scope="module")
def two_workers(reliability_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("workers") / "server.log"
    with live_server(["-m", "noegletal.cli", "serve", "--workers", "2"], log, timeout_s=120) as url:
        yield url


def _ask(url: str, question: str, cid: str | None) -> tuple[dict, str]:
    # A new connection per request, so the kernel may hand each one to either worker.
    response = httpx.post(f"{url}/api/ask", json={"question": question, "conversation_id": cid}, timeout=120)
    assert response.status_code == 200
    return response.json(), response.headers["X-Worker"]


def test_follow_ups_work_whichever_worker_answers(two_workers: str) -> None:
    workers: set[str] = set()
    for name, code in PLACES.items():
        answer, pid = _ask(two_workers, FIRST.format(name=name), None)
        workers.add(pid)
        cid = answer["conversation_id"]
        for question in FOLLOW_UPS:
            follow, pid = _ask(two_workers, question, cid)
            workers.add(pid)
            assert follow["status"] == "answer", (question, follow["text"])
            assert follow["conversation_id"] == cid
            subjects = {o["municipality_code"] for o in follow["observations"] if o.get("role") == "subject"}
            assert subjects == {code}, (name, question, follow["text"])
    assert len(workers) == 2, f"only {workers} answered; the test did not exercise two workers"
