"""Fixtures for the PostgreSQL tests: the session's cluster (tests/conftest.py), assistants on both engines."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
import sqlglot

from warehouse.client import Results


def same_value(a: Any, b: Any) -> bool:
    """Equal, except that floats may differ in the last bits (the engines add in different orders)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return bool(a == b) and type(a) is type(b)


def same_rows(a: Sequence[Sequence[Any]], b: Sequence[Sequence[Any]]) -> bool:
    return len(a) == len(b) and all(len(x) == len(y) and all(map(same_value, x, y)) for x, y in zip(a, b, strict=True))


class DuckSqlOnPostgres:
    """Runs DuckDB SQL (the compiler's, or hand-written in the DuckDB tests) on PostgreSQL via the transpiler,
    so the DuckDB test modules can be run unchanged against the PostgreSQL server."""

    dialect = "duckdb"

    def __init__(self, pg: Any) -> None:
        self.pg = pg
        self.statements: list[str] = []

    def query(self, sql: str, params: list[Any] | None = None) -> Results:
        from warehouse.pg_dialect import to_postgres

        (tree,) = sqlglot.parse(sql, read="duckdb")
        assert tree is not None
        postgres = to_postgres(tree)
        self.statements.append(postgres)
        return self.pg.query(postgres, params)

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        result = self.query(sql, params)
        return result.rows[0][0] if result.rows else None


@pytest.fixture(scope="session")
def pg_as_duck(pg_warehouse) -> DuckSqlOnPostgres:  # type: ignore[no-untyped-def]
    return DuckSqlOnPostgres(pg_warehouse)


@pytest.fixture(scope="session")
def pg_settings(pg_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from noegletal.settings import Settings

    return Settings(database_url=pg_urls["reader"], conversation_database_url=pg_urls["conversations"],
                    conversation_dir=tmp_path_factory.mktemp("unused-conversations"))


@pytest.fixture(scope="session")
def pg_assistant(pg_settings) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The assistant executing on PostgreSQL, conversations in PostgreSQL."""
    from noegletal.wiring import build_assistant

    assistant = build_assistant(pg_settings)
    yield assistant
    assistant.close()


@pytest.fixture(scope="session")
def duck_assistant() -> Any:
    """The default assistant (DuckDB file, file conversations)."""
    from noegletal.wiring import get_assistant

    return get_assistant()
