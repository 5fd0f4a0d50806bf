"""Assemble the assistant from the settings: which warehouse engine, which conversation store.

The one place that reads `Settings` for the serving path. DuckDB (the embedded default, built on first run
if the file is missing) or PostgreSQL when `NOEGLETAL_DATABASE_URL` is set; conversations in files, or in
PostgreSQL when a conversation URL is set so that every server process on any machine shares them.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import cast

from assistant.conversations import ConversationStore, PostgresConversationStore
from assistant.service import Assistant
from noegletal.settings import Settings, get_settings
from warehouse.client import Warehouse


def open_warehouse(settings: Settings) -> Warehouse:
    """The read-only client the settings name (both engines have the same interface)."""
    if settings.database_url:
        from warehouse.pg_client import PostgresWarehouse

        return cast(Warehouse, PostgresWarehouse(
            settings.database_url, settings.query_timeout_s, settings.row_cap, settings.database_schema,
            settings.database_pool_size))
    if not settings.warehouse_path.exists():
        from noegletal.precompute import precompute  # first run only: the build code stays out of a worker
        from warehouse.build import build

        build(settings.data_dir, settings.warehouse_path, precompute=precompute)
    return Warehouse(settings.warehouse_path, settings.query_timeout_s, settings.row_cap)


def open_store(settings: Settings) -> ConversationStore | PostgresConversationStore:
    """Conversations in PostgreSQL when a URL is set (shared by every server), else in the file store."""
    if settings.conversations_url:
        return PostgresConversationStore(settings.conversations_url, settings.conversation_ttl_s,
                                         settings.max_conversations, settings.database_pool_size)
    return ConversationStore(settings.conversation_dir, settings.conversation_ttl_s, settings.max_conversations)


def build_assistant(settings: Settings) -> Assistant:
    return Assistant(open_warehouse(settings), open_store(settings), row_cap=settings.row_cap,
                     topojson_path=settings.data_dir / "geo" / "kommuner.topojson")


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _assistant() -> Assistant:
    return build_assistant(get_settings())


def get_assistant() -> Assistant:
    """Process-wide assistant; built once (the warehouse on first run if missing)."""
    with _lock:
        return _assistant()
