"""The regions tests (tests/semantic_layer/test_regions.py) rerun unchanged on PostgreSQL: the compiler's grouped
statement and the hand-written checks both go through the transpiler to the server (the named specs "regions" and
"regions_rank" are also in test_results_pg's same-rows-on-both-engines test)."""

from __future__ import annotations

import pytest

from tests.semantic_layer.test_regions import *  # noqa: F403 - the DuckDB regions tests, rerun on PostgreSQL


@pytest.fixture(scope="module")
def warehouse(pg_as_duck):  # type: ignore[no-untyped-def]
    return pg_as_duck
