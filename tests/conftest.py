"""Shared fixtures: the real warehouse is built ONCE per session into a tmp dir and reused everywhere.

NOEGLETAL_WAREHOUSE_PATH and NOEGLETAL_CONVERSATION_DIR point into that tmp dir from the start of the
session, so every package that reads `get_settings()` (assistant, web) uses the same built file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="noegletal-tests-"))
WAREHOUSE_FILE = _SESSION_DIR / "nt.duckdb"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--snapshot-update", action="store_true", default=False,
                     help="rewrite tests/semantic_layer/snapshots/*.sql instead of comparing")


def pytest_configure(config: pytest.Config) -> None:
    os.environ["NOEGLETAL_WAREHOUSE_PATH"] = str(WAREHOUSE_FILE)
    os.environ["NOEGLETAL_CONVERSATION_DIR"] = str(_SESSION_DIR / "conversations")
    from noegletal.settings import get_settings

    get_settings.cache_clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    from noegletal.settings import get_settings

    return Path(get_settings().data_dir)


@pytest.fixture(scope="session", autouse=True)
def warehouse_path(data_dir: Path) -> Path:
    """The real warehouse, built once (about 7 s) at the path the settings point to, as `noegletal build` builds
    it (with the precomputed overview rows)."""
    from noegletal.precompute import precompute
    from warehouse.build import build

    if not WAREHOUSE_FILE.exists():
        build(data_dir, WAREHOUSE_FILE, precompute=precompute)
    return WAREHOUSE_FILE


@pytest.fixture(scope="session")
def warehouse(warehouse_path: Path):
    from warehouse.client import Warehouse

    wh = Warehouse(warehouse_path, timeout_s=30.0)
    yield wh
    wh.close()


@pytest.fixture(scope="session")
def catalog():
    from semantic_layer.loader import load_catalog

    return load_catalog()


@pytest.fixture(scope="session")
def compiler(catalog):
    from noegletal.settings import get_settings
    from semantic_layer.compiler import Compiler

    return Compiler(catalog, row_cap=get_settings().row_cap)


@pytest.fixture(scope="session")
def snapshot_update(pytestconfig: pytest.Config) -> bool:
    return bool(pytestconfig.getoption("--snapshot-update"))


# -- PostgreSQL: a throwaway cluster for the session, the test warehouse loaded into it ---------------------
READER_PASSWORD = "reader-test-pw"
CONVERSATION_PASSWORD = "conversations-test-pw"


@pytest.fixture(scope="session")
def pg_cluster():
    """A real PostgreSQL server (initdb + pg_ctl in a temp dir, free port), stopped and deleted at the end.

    Skipped only off CI when PostgreSQL is not installed; on CI (`make test` installs it) that is an error."""
    from tests.pg_cluster import PostgresUnavailable, throwaway_cluster

    try:
        context = throwaway_cluster()
        cluster = context.__enter__()
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def pg_urls(pg_cluster, warehouse_path: Path) -> dict[str, str]:
    """The test warehouse loaded with `load_postgres` (as `noegletal build --database` does); the URLs of the
    admin, the read-only role and the conversation role."""
    from warehouse.pg_build import CONVERSATION_ROLE, READER_ROLE, load_postgres

    load_postgres(warehouse_path, pg_cluster.url(), reader_password=READER_PASSWORD,
                  conversation_password=CONVERSATION_PASSWORD, statement_timeout_s=30.0)
    return {"admin": pg_cluster.url(),
            "reader": pg_cluster.url(user=READER_ROLE, password=READER_PASSWORD),
            "conversations": pg_cluster.url(user=CONVERSATION_ROLE, password=CONVERSATION_PASSWORD)}


@pytest.fixture(scope="session")
def pg_warehouse(pg_urls: dict[str, str]):
    """The PostgreSQL query client, connected as the read-only role."""
    from warehouse.pg_client import PostgresWarehouse

    wh = PostgresWarehouse(pg_urls["reader"], timeout_s=30.0)
    yield wh
    wh.close()
