"""SQL snapshots: the compiled SQL per operation. Regenerate with `pytest --snapshot-update`."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from tests.semantic_layer.specs import NAMED_SPECS

SNAPSHOTS = Path(__file__).parent / "snapshots"


def render(name: str, compiler) -> str:
    description, spec = NAMED_SPECS[name]
    return (f"-- spec: {spec.model_dump_json()}\n-- {description}\n"
            f"{compiler.compile(spec).sql.rstrip()}\n")


@pytest.mark.parametrize("name", sorted(NAMED_SPECS))
def test_sql_snapshot(name, compiler, snapshot_update):
    path = SNAPSHOTS / f"{name}.sql"
    actual = render(name, compiler)
    if snapshot_update:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"snapshot {path.name} is missing; run pytest --snapshot-update"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"snapshots/{path.name}", tofile="compiled"))
        pytest.fail(f"compiled SQL differs from the snapshot (pytest --snapshot-update to accept):\n{diff}")


def test_no_stale_snapshots():
    on_disk = {p.stem for p in SNAPSHOTS.glob("*.sql")}
    assert on_disk <= set(NAMED_SPECS), f"snapshots without a spec: {sorted(on_disk - set(NAMED_SPECS))}"


def test_snapshot_headers_match_the_specs():
    from semantic_layer.spec import QuerySpec

    for path in SNAPSHOTS.glob("*.sql"):
        first, second = path.read_text(encoding="utf-8").splitlines()[:2]
        assert first.startswith("-- spec: ") and second.startswith("-- ")
        assert QuerySpec.model_validate_json(first.removeprefix("-- spec: ")) == NAMED_SPECS[path.stem][1]
