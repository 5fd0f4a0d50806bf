"""Runtime settings, read from the environment with the prefix NOEGLETAL_."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where the data and the warehouse live, and how the server listens."""

    model_config = SettingsConfigDict(env_prefix="NOEGLETAL_", env_file=None, extra="ignore")

    data_dir: Path = REPO_ROOT.parent / "shared" / "data"
    warehouse_path: Path = REPO_ROOT / "var" / "noegletal.duckdb"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2  # one per core here; conversations are shared between them (file store)
    query_timeout_s: float = 5.0
    row_cap: int = 5000
    # Shared conversation store (a directory of small JSON files) so several workers see the same state.
    conversation_dir: Path = REPO_ROOT / "var" / "conversations"
    conversation_ttl_s: int = 3600
    max_conversations: int = 2000
    # PostgreSQL (optional; see README "Drift i stor skala"). With a database URL the server queries the
    # warehouse there (the read-only role from `noegletal build --database`) instead of the DuckDB file, and
    # keeps conversations there (the conversation role's URL; the database URL if not set).
    database_url: str | None = None
    conversation_database_url: str | None = None
    database_schema: str = "noegletal"
    database_pool_size: int = 4

    @property
    def conversations_url(self) -> str | None:
        """Where conversations live in PostgreSQL, or None for the file store."""
        return self.conversation_database_url or self.database_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
