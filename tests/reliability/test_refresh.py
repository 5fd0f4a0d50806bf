"""A rebuilt warehouse reloads the vintages and definition cards, not only the results: over real HTTP, with a
real `build()` swapping the file under a running server.

The server starts on a warehouse built from a copy of the data in which Statistics Denmark's car table
(BIL707) stops at 2025; then the warehouse is rebuilt from the real data, which has 2026. Before the
rebuild the card says 2007-2025 and a question about 2026 is refused with the years that exist; after it,
without a restart, the card says 2026 and the same question is answered.

The first build runs without the catalog's precomputed rows and the rebuild with them (as `noegletal build`
does): the overview is computed live before and read from overview_rows after, with the same figures.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from noegletal.settings import Settings

from ..live_server import live_server

FIGURE = "personbiler_i_alt"
QUESTION = "Hvor mange personbiler var der i Odense i 2026?"
CARS_FILE = Path("dst") / "bil707_cars_by_municipality.csv"
OVERVIEW = "Giv mig et overblik over Odense"


def _without_2026(data_dir: Path, target: Path) -> Path:
    shutil.copytree(data_dir, target)
    cars = target / CARS_FILE
    cars.chmod(0o644)
    lines = cars.read_text(encoding="utf-8-sig").splitlines()
    kept = [line for line in lines if line.split(";")[2] != "2026"]
    assert len(kept) < len(lines)
    cars.write_text("\ufeff" + "\n".join(kept) + "\n", encoding="utf-8")
    return target


def _card(url: str) -> dict:
    response = httpx.get(f"{url}/api/metrics/{FIGURE}", timeout=30)
    assert response.status_code == 200
    return response.json()


def test_a_rebuild_reloads_vintages_and_cards(reliability_settings: Settings, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from noegletal.precompute import precompute
    from warehouse.build import build

    old_data = _without_2026(reliability_settings.data_dir, tmp_path / "data")
    warehouse = tmp_path / "refresh.duckdb"
    build(old_data, warehouse)
    monkeypatch.setenv("NOEGLETAL_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("NOEGLETAL_DATA_DIR", str(old_data))
    monkeypatch.setenv("NOEGLETAL_CONVERSATION_DIR", str(tmp_path / "conversations"))
    with live_server(["-m", "noegletal.cli", "serve", "--workers", "1"], tmp_path / "server.log") as url:
        before = _card(url)
        assert (before["first_year"], before["last_year"]) == (2007, 2025)
        refused = httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60).json()
        assert refused["status"] == "refuse" and "2007–2025" in refused["text"], refused["text"]

        live = httpx.post(f"{url}/api/ask", json={"question": OVERVIEW}, timeout=60).json()
        assert live["status"] == "answer" and "overview_rows" not in live["sql"] and live["sql_origin"] is None

        inode = warehouse.stat().st_ino
        build(reliability_settings.data_dir, warehouse, precompute=precompute)  # the real data: BIL707 through 2026
        assert warehouse.stat().st_ino != inode, "the build did not swap in a new file"

        answer = httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60).json()
        assert answer["status"] == "answer", answer["text"]
        assert {o["year"] for o in answer["observations"]} == {2026}
        assert answer["metric"]["last_year"] == 2026
        after = _card(url)
        assert (after["first_year"], after["last_year"]) == (2007, 2026)
        listed = {c["id"]: c for c in httpx.get(f"{url}/api/metrics", timeout=30).json()}
        assert listed[FIGURE]["last_year"] == 2026
        assert httpx.get(f"{url}/readyz", timeout=30).status_code == 200
        read = httpx.post(f"{url}/api/ask", json={"question": OVERVIEW}, timeout=60).json()
        assert "FROM overview_rows" in read["sql"] and "latest_cells" in read["sql_origin"]
        def years(answer: dict) -> dict[str, int]:
            return {o["metric"]: o["year"] for o in answer["observations"] if o["role"] == "subject"}

        # the same figures; only the cars per 1,000 inhabitants moved on to 2026 with the rebuild
        before_years, after_years = years(live), years(read)
        assert before_years.keys() == after_years.keys()
        assert {m for m in before_years if before_years[m] != after_years[m]} == {"personbiler_pr_1000"}
        assert after_years["personbiler_pr_1000"] == 2026
