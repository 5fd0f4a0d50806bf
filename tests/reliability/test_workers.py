"""Several server workers share conversation state: a follow-up may land on any worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from warehouse.settings import REPO_ROOT, Settings

FIRST = "Hvad var udskrivningsprocenten i {name} i 2022?"
FOLLOW_UPS = ("Hvad med 2018?", "Sammenlign med nabokommunerne", "Og grundskylden?")
PLACES = {"Aarhus": 751, "Odense": 461, "Vejle": 630, "Gentofte": 157, "Holbæk": 316, "Esbjerg": 561}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def two_workers(reliability_settings: Settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    port = _free_port()
    log = (tmp_path_factory.mktemp("workers") / "server.log").open("w")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "2"],
                            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, f"server exited with {proc.returncode}"
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
