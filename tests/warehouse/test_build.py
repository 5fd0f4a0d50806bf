"""The build is idempotent and atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import warehouse.build as build_module
from noegletal.precompute import precompute
from warehouse.build import build
from warehouse.client import Warehouse
from warehouse.errors import DataError
from warehouse.schema import PUBLIC_SCHEMA

# 182 from noegletal.dk (and AUP02/FOLK1A), 35 from Statistics Denmark: INDKP101, BIL707 (count and
# per 1,000), HFUDD11, REGK31 (25 functions), and the years of AUK01, STRAF11, LBESK69 (count and per 1,000)
FIGURES = 182 + 35


def _counts(path: Path) -> dict[str, int]:
    wh = Warehouse(path)  # same configuration as the session's client, which may hold the file open
    try:
        return {t: wh.scalar(f"SELECT count(*) FROM {t}") for t in PUBLIC_SCHEMA}
    finally:
        wh.close()


def test_rebuild_is_idempotent_and_replaces_the_target(tmp_path: Path, data_dir: Path, warehouse_path: Path):
    target = tmp_path / "nt.duckdb"
    shutil.copyfile(warehouse_path, target)
    inode = target.stat().st_ino
    report = build(data_dir, target, precompute=precompute)  # as `noegletal build` does
    assert target.stat().st_ino != inode, "the new file is swapped in, not written in place"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nt.duckdb"], "no temp files left behind"
    counts = _counts(target)
    assert counts == _counts(warehouse_path)
    assert all(n > 0 for n in counts.values()), counts
    assert report.figures == FIGURES and report.municipalities == 98
    assert report.years == (1987, 2026)  # INDKP101 from 1987; population, cars to 2026
    assert sum(report.cells_by_status.values()) == counts["observations"]


def test_failed_build_leaves_target_and_no_temp_files(tmp_path: Path, data_dir: Path, warehouse_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "nt.duckdb"
    shutil.copyfile(warehouse_path, target)
    before = target.read_bytes()

    def failing_check(con: duckdb.DuckDBPyConnection) -> None:
        # the new file is fully written at this point: a late failure must still not reach the target
        assert con.execute("SELECT count(*) FROM observations").fetchone()[0] > 0
        raise DataError("kontrol fejlede (test)", "indbyggertal:2019")

    monkeypatch.setattr(build_module, "_check", failing_check)
    with pytest.raises(DataError, match="kontrol fejlede"):
        build(data_dir, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nt.duckdb"]
