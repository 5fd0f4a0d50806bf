"""Broken input gives ONE DataError naming file and line, and never touches an existing warehouse."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from warehouse.build import build
from warehouse.errors import DataError

CSV_NAME = "noegletal_alle_1993_2019.csv"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def existing(tmp_path: Path, warehouse_path: Path) -> Path:
    """A real, previously built warehouse at the target path."""
    target = tmp_path / "out" / "nt.duckdb"
    target.parent.mkdir()
    shutil.copyfile(warehouse_path, target)
    return target


@pytest.fixture
def broken_copy(tmp_path: Path, data_dir: Path) -> Callable[[Callable[[list[str]], list[str]]], Path]:
    """A tmp data dir: unchanged files symlinked, the CSV export rewritten by `edit(lines) -> lines`."""

    def make(edit: Callable[[list[str]], list[str]], encoding: str = "utf-8") -> Path:
        root = tmp_path / "data"
        (root / "noegletal").mkdir(parents=True)
        for sub in ("dst", "geo", "reference", "regk31"):
            (root / sub).symlink_to(data_dir / sub, target_is_directory=True)
        for xlsx in (data_dir / "noegletal").glob("*.xlsx"):
            (root / "noegletal" / xlsx.name).symlink_to(xlsx)
        lines = (data_dir / "noegletal" / CSV_NAME).read_text(encoding="utf-8-sig").splitlines()
        (root / "noegletal" / CSV_NAME).write_text("\n".join(edit(lines)) + "\n", encoding=encoding)
        return root

    return make


def _fails(data: Path, target: Path) -> DataError:
    before = _sha(target)
    with pytest.raises(DataError) as err:
        build(data, target)
    assert _sha(target) == before, "an existing warehouse must be left byte-identical"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name], "temp files left behind"
    return err.value


def _line_of(lines: list[str], predicate: Callable[[str], bool]) -> int:
    return next(i for i, text in enumerate(lines, start=1) if predicate(text))


def test_missing_data_directory(tmp_path: Path, existing: Path):
    missing = tmp_path / "no-such-dir"
    error = _fails(missing, existing)
    assert error.where == f"{missing}:0"
    assert "datamappen findes ikke" in error.message


def test_truncated_mid_row(broken_copy, existing: Path):
    cut_at = 30

    def truncate(lines: list[str]) -> list[str]:
        return lines[: cut_at - 1] + [";".join(lines[cut_at - 1].split(";")[:9])]

    error = _fails(broken_copy(truncate), existing)
    assert error.where == f"{CSV_NAME}:{cut_at}"
    assert "afkortet" in error.message


def test_truncated_mid_block(broken_copy, existing: Path, data_dir: Path):
    lines = (data_dir / "noegletal" / CSV_NAME).read_text(encoding="utf-8-sig").splitlines()
    block_line = _line_of(lines, lambda t: t.startswith("Indbyggertal 1. januar;"))
    error = _fails(broken_copy(lambda ls: ls[: block_line + 40]), existing)
    assert error.where == f"{CSV_NAME}:{block_line}"
    assert "Indbyggertal 1. januar" in error.message and "40" in error.message


def test_wrong_encoding(broken_copy, existing: Path, data_dir: Path):
    lines = (data_dir / "noegletal" / CSV_NAME).read_text(encoding="utf-8-sig").splitlines()
    first_non_ascii = _line_of(lines, lambda t: not t.isascii())
    error = _fails(broken_copy(lambda ls: ls, encoding="cp1252"), existing)
    assert error.where == f"{CSV_NAME}:{first_non_ascii}"
    assert "UTF-8" in error.message


def test_unknown_municipality_code(broken_copy, existing: Path, data_dir: Path):
    lines = (data_dir / "noegletal" / CSV_NAME).read_text(encoding="utf-8-sig").splitlines()
    row = _line_of(lines, lambda t: t.startswith("Frederiksberg Kommune;147;"))

    def recode(ls: list[str]) -> list[str]:
        ls = list(ls)
        ls[row - 1] = ls[row - 1].replace(";147;", ";999;", 1)
        return ls

    error = _fails(broken_copy(recode), existing)
    assert error.where == f"{CSV_NAME}:{row}"
    assert "999" in error.message


def test_duplicated_figure_block(broken_copy, existing: Path, data_dir: Path):
    lines = (data_dir / "noegletal" / CSV_NAME).read_text(encoding="utf-8-sig").splitlines()
    start = _line_of(lines, lambda t: t.startswith("Indbyggertal 1. januar;"))
    end = _line_of(lines, lambda t: t.startswith("I alt"))
    legend = _line_of(lines, lambda t: t.startswith("Tegnforklaring"))
    block = lines[start - 1: end]

    def duplicate(ls: list[str]) -> list[str]:
        return ls[: legend - 1] + block + [""] + ls[legend - 1:]

    error = _fails(broken_copy(duplicate), existing)
    assert error.where == f"{CSV_NAME}:{legend}"
    assert "Indbyggertal 1. januar" in error.message and f"linje {start}" in error.message


def test_error_text_starts_with_location():
    error = DataError("noget gik galt", "fil.csv:12")
    assert str(error) == "fil.csv:12: noget gik galt"
