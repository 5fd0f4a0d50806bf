"""/healthz is the liveness check, /readyz the readiness check: 200 only once the assistant is loaded and has
answered a probe question, else 503 with a Danish message. Over real HTTP, against a real server process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from noegletal.settings import Settings

from ..live_server import REPO, free_port, stop
from .helpers import is_danish


@pytest.fixture()
def server_process(reliability_settings: Settings, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`noegletal serve` (one worker) on a free port, started now: the test sees it from its first second."""
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "noegletal.cli", "serve", "--port", str(port), "--workers", "1"],
                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONUNBUFFERED": "1",
                                 "NOEGLETAL_CONVERSATION_DIR": str(tmp_path / "conversations")})
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)
        log.close()


def test_readyz_is_503_until_a_probe_question_is_answered(server_process: tuple[str, subprocess.Popen[bytes]],
                                                          tmp_path: Path) -> None:
    url, proc = server_process
    seen: list[tuple[int, str]] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert proc.poll() is None, (tmp_path / "server.log").read_text()
        try:
            response = httpx.get(f"{url}/readyz", timeout=10)
        except httpx.HTTPError:
            time.sleep(0.02)
            continue
        body = response.json()
        seen.append((response.status_code, body["status"]))
        if response.status_code == 200:
            assert body == {"status": "ready"}
            break
        assert response.status_code == 503 and body["status"] == "starting", body
        assert is_danish(body["detail"]) and response.headers.get("retry-after") == "1"
        time.sleep(0.02)
    assert seen and seen[-1] == (200, "ready"), seen[-5:]
    assert (503, "starting") in seen, "the server listened only after it had loaded"
    assert httpx.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}
    started = time.perf_counter()
    answer = httpx.post(f"{url}/api/ask", json={"question": "Hvor mange bor der i Rebild?"}, timeout=60)
    assert answer.status_code == 200 and answer.json()["status"] == "answer"
    assert time.perf_counter() - started < 3.0  # ready means warm: no start-up on the first question
    # the probe went through the whole answer path but left no conversation behind
    conversations = tmp_path / "conversations"
    assert len(list(conversations.glob("*.json"))) == 1


def test_readyz_says_why_in_danish_when_the_probe_fails(assistant, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
                                                        ) -> None:
    import web.app as web_app

    monkeypatch.setattr(web_app, "PROBE_QUESTION", "Hvad bliver vejret i morgen?")  # refused: no answer
    monkeypatch.setattr(web_app, "PROBE_RETRY_S", 0.0)
    app = web_app.create_app(warm_up=False)
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "error" and is_danish(body["detail"]), body
        assert client.get("/healthz").status_code == 200  # alive, only not ready
        monkeypatch.setattr(web_app, "PROBE_QUESTION", "Hvad er udskrivningsprocenten i Gentofte?")
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"status": "ready"}
        assert "/readyz" in client.get("/openapi.json").json()["paths"]
