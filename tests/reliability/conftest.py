"""Fixtures for the reliability tests: settings pointing at a test-built warehouse, the app and a TestClient.

tests/conftest.py (session) normally sets NOEGLETAL_WAREHOUSE_PATH to a test-built file. When it has not
(e.g. this directory run on its own before that fixture exists), build one here, so these tests never touch
the developer's var/noegletal.duckdb.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from noegletal.settings import REPO_ROOT, Settings, get_settings  # noqa: E402

MAIN_WAREHOUSE = (REPO_ROOT / "var" / "noegletal.duckdb").resolve()
HX = {"HX-Request": "true"}


@pytest.fixture(scope="session")
def reliability_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    saved = {k: os.environ.get(k) for k in ("NOEGLETAL_WAREHOUSE_PATH", "NOEGLETAL_CONVERSATION_DIR")}
    built_here = False
    if not os.environ.get("NOEGLETAL_WAREHOUSE_PATH"):
        from warehouse.build import build

        tmp = tmp_path_factory.mktemp("reliability-warehouse")
        target = tmp / "noegletal.duckdb"
        build(get_settings().data_dir, target)
        os.environ["NOEGLETAL_WAREHOUSE_PATH"] = str(target)
        os.environ["NOEGLETAL_CONVERSATION_DIR"] = str(tmp / "conversations")
        built_here = True
        _reset_caches()
    settings = get_settings()
    yield settings
    if built_here:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _reset_caches()


def _reset_caches() -> None:
    import noegletal.wiring as wiring

    get_settings.cache_clear()
    wiring._assistant.cache_clear()


@pytest.fixture(scope="session")
def warehouse_path(reliability_settings: Settings) -> Path:
    return reliability_settings.warehouse_path


@pytest.fixture(scope="session")
def assistant(reliability_settings: Settings):  # type: ignore[no-untyped-def]
    from noegletal.wiring import get_assistant

    instance = get_assistant()
    assert instance.warehouse.path == reliability_settings.warehouse_path
    return instance


@pytest.fixture(scope="session")
def rclient(assistant) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from web.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client
