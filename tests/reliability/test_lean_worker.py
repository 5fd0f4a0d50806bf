"""A server worker stays lean: no spaCy (its 553k-entry lemma dict), no pandas, numpy or openpyxl in the
process that answers, and a resident size far below the 400 MiB a worker used to take."""

from __future__ import annotations

from pathlib import Path

import httpx

from noegletal.settings import Settings

from ..live_server import live_server

# The target is 150 MiB after the first answer; bench/RESULTS.md has the measured size. This is the
# regression guard (a worker with spaCy's table or pandas back in it is far above it).
RSS_LIMIT_MIB = 175
NOT_IN_A_WORKER = ("/spacy/", "/thinc/", "/pandas/", "/numpy/", "/openpyxl/", "/blis/")


def _vm_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_worker_after_the_first_answer(reliability_settings: Settings, tmp_path: Path) -> None:
    with live_server(["-m", "noegletal.cli", "serve", "--workers", "1"], tmp_path / "server.log") as url:
        assert httpx.get(f"{url}/readyz", timeout=60).status_code == 200
        response = httpx.post(f"{url}/api/ask", json={"question": "Hvad var udskrivningsprocenten i Gentofte i "
                                                                  "2023?"}, timeout=60)
        assert response.status_code == 200 and response.json()["status"] == "answer"
        pid = int(response.headers["X-Worker"])
        maps = Path(f"/proc/{pid}/maps").read_text()
        loaded = sorted({m for m in NOT_IN_A_WORKER if m in maps})
        assert not loaded, f"the worker loaded {loaded}"
        assert "da_lemma_lookup.bin" in maps  # the compiled table, memory-mapped
        rss = _vm_rss_mib(pid)
        assert rss <= RSS_LIMIT_MIB, f"worker {pid}: {rss:.0f} MiB resident after the first answer"
