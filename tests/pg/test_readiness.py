"""/healthz says ok only once the assistant has loaded: 503 ("starting") while the warm-up loads it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from tests.live_server import free_port, stop

REPO = Path(__file__).resolve().parents[2]


def test_healthz_is_503_until_the_assistant_has_loaded(tmp_path: Path) -> None:
    """A real server process, polled from its first second: "starting" (503) first, then ok, and at the first
    ok a question is answered without a cold start."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=REPO, stdout=log,
                            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seen: list[tuple[int, str]] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            try:
                response = httpx.get(f"{url}/healthz", timeout=5)
            except httpx.HTTPError:
                time.sleep(0.05)
                continue
            seen.append((response.status_code, response.json()["status"]))
            if response.status_code == 200:
                break
            assert response.status_code == 503 and response.headers.get("retry-after") == "1"
            time.sleep(0.05)
        assert seen and seen[-1] == (200, "ok"), seen[-5:]
        assert (503, "starting") in seen  # the server listened while it was still loading
        started = time.perf_counter()
        answer = httpx.post(f"{url}/api/ask", json={"question": "Hvor mange bor der i Rebild?"}, timeout=60)
        assert answer.status_code == 200 and answer.json()["status"] == "answer"
        assert time.perf_counter() - started < 3.0  # loaded already: no parser/catalog/warehouse start-up
    finally:
        stop(proc)
        log.close()


def test_healthz_without_warm_up_loads_the_assistant_first() -> None:
    from web.app import create_app

    app = create_app(warm_up=False)
    with TestClient(app) as client:
        response = client.get("/healthz")
        assert response.status_code == 200 and response.json() == {"status": "ok"}
        from web.app import assistant_ready

        assert assistant_ready(app)
