"""Conversation state in small files, so every server worker sees the same conversations; or, with a
database URL, in PostgreSQL (`PostgresConversationStore`, same interface), so every server on every machine does.

Per conversation: `<id>.json` holds the state a follow-up needs (the last spec; small, read and replaced
atomically on every question) and `<id>.turns.jsonl` gets one appended line per answer (read only for
reports and downloads). Bounded (oldest dropped beyond `max_conversations`) and expiring (`ttl_s` after
the last turn).
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
MAX_TURNS = 50


class ConversationStore:
    def __init__(self, directory: Path, ttl_s: int = 3600, max_conversations: int = 2000) -> None:
        self.directory = directory
        self.ttl_s = ttl_s
        self.max_conversations = max_conversations
        directory.mkdir(parents=True, exist_ok=True)
        self._writes = 0

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def _path(self, conversation_id: str | None, suffix: str = ".json") -> Path | None:
        if not ID_PATTERN.match(conversation_id or ""):
            return None  # never turn a client string into a path
        return self.directory / f"{conversation_id}{suffix}"

    def load(self, conversation_id: str | None) -> dict[str, Any] | None:
        path = self._path(conversation_id)
        if path is None:
            return None
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if time.time() - data.get("updated", 0) > self.ttl_s:
            self._remove(path)
            return None
        return data

    def save(self, conversation_id: str, data: dict[str, Any], turn: str | None = None) -> None:
        """Replace the state and, if given, append one turn (a JSON document on one line)."""
        path = self._path(conversation_id)
        if path is None:
            return
        data["updated"] = time.time()
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # unique per writer
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a reader in another worker sees the old or the new state
        if turn is not None:
            with path.with_suffix(".turns.jsonl").open("a", encoding="utf-8") as fh:
                fh.write(turn.replace("\n", " ") + "\n")
        self._writes += 1
        if self._writes % 50 == 0:
            self.prune()

    def turns(self, conversation_id: str) -> list[str]:
        """The last MAX_TURNS answers of a live conversation, oldest first, as JSON documents."""
        path = self._path(conversation_id, ".turns.jsonl")
        if path is None or self.load(conversation_id) is None:
            return []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        return [line for line in lines if line.strip()][-MAX_TURNS:]

    def _remove(self, state: Path) -> None:
        state.unlink(missing_ok=True)
        state.with_suffix(".turns.jsonl").unlink(missing_ok=True)

    def prune(self) -> None:
        """Drop expired conversations and the oldest beyond the bound (other workers may prune too)."""
        stamped = []
        for path in self.directory.glob("*.json"):
            try:
                stamped.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue
        stamped.sort()
        now = time.time()
        for index, (mtime, path) in enumerate(stamped):
            if len(stamped) - index > self.max_conversations or now - mtime > self.ttl_s:
                self._remove(path)


class PostgresConversationStore:
    """The same interface, in PostgreSQL: one row per conversation, shared by every server on every machine.

    The row holds the state (jsonb) and the turns (a jsonb array of JSON documents, the last MAX_TURNS),
    and a version. `load` returns the state with its version under "_version"; `save` writes only if the
    version is still the one loaded (optimistic concurrency). If another server wrote in between, `save`
    re-reads the row and applies this answer on top of it: the turn is appended (never lost) and this
    answer's state becomes the conversation's state (it finished last). `conflicts` counts those retries.
    """

    VERSION_KEY = "_version"

    def __init__(self, url: str, ttl_s: int = 3600, max_conversations: int = 2000, pool_size: int = 4,
                 schema: str = "noegletal_state") -> None:
        from psycopg_pool import ConnectionPool

        if not re.match(r"^[a-z_][a-z0-9_]{0,40}$", schema):
            raise ValueError(f"ugyldigt skemanavn {schema!r}")
        self.ttl_s = ttl_s
        self.max_conversations = max_conversations
        self.table = f"{schema}.conversations"
        self.conflicts = 0
        self._writes = 0
        self.pool = ConnectionPool(url, min_size=1, max_size=max(1, pool_size), open=False,
                                   name="noegletal-conversations",
                                   kwargs={"application_name": "noegletal-conversations", "autocommit": True,
                                           "prepare_threshold": None, "connect_timeout": 10})
        self.pool.open(wait=True, timeout=10)
        try:
            self._ensure_table(schema)
        except BaseException:
            self.pool.close()
            raise

    def _ensure_table(self, schema: str) -> None:
        """Create the table if this role may (development); `noegletal build --database` creates it otherwise."""
        from warehouse.pg_build import CONVERSATIONS_DDL

        with self.pool.connection() as con:
            exists = con.execute("SELECT to_regclass(%s) IS NOT NULL", [self.table]).fetchone()
            if not (exists and exists[0]):
                with con.transaction():
                    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                    for statement in CONVERSATIONS_DDL.split(";"):
                        con.execute(statement.strip().replace("{schema}", schema))  # type: ignore[arg-type]
            writable = con.execute("SELECT has_table_privilege(%s, 'INSERT, UPDATE, DELETE')",
                                   [self.table]).fetchone()
        if not (writable and writable[0]):
            raise PermissionError(f"PostgreSQL-rollen må ikke skrive i {self.table}; sæt "
                                  "NOEGLETAL_CONVERSATION_DATABASE_URL til samtalerollen fra 'noegletal build'.")

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def load(self, conversation_id: str | None) -> dict[str, Any] | None:
        if not ID_PATTERN.match(conversation_id or ""):
            return None
        with self.pool.connection() as con:
            row = con.execute(f"SELECT state, version FROM {self.table} WHERE id = %s "  # noqa: S608 - checked name
                              f"AND updated_at > now() - make_interval(secs => %s)",
                              [conversation_id, self.ttl_s]).fetchone()
        if row is None:
            return None
        state: dict[str, Any] = dict(row[0])
        state[self.VERSION_KEY] = int(row[1])
        return state

    def save(self, conversation_id: str, data: dict[str, Any], turn: str | None = None) -> None:
        """Write the state and append the turn; on a concurrent write, retry on top of the newer row."""
        if not ID_PATTERN.match(conversation_id or ""):
            return
        from psycopg.types.json import Jsonb

        expected = data.pop(self.VERSION_KEY, None)
        data["updated"] = time.time()
        state = Jsonb(data)
        turns = Jsonb([turn] if turn is not None else [])
        with self.pool.connection() as con:
            for _ in range(20):
                if expected is None:
                    inserted = con.execute(
                        f"INSERT INTO {self.table} (id, state, turns) VALUES (%s, %s, %s) "
                        "ON CONFLICT (id) DO NOTHING", [conversation_id, state, turns]).rowcount
                    if inserted:
                        break
                else:
                    updated = con.execute(  # one turn per save: drop the oldest when the list is full
                        f"UPDATE {self.table} SET state = %s, version = version + 1, updated_at = now(), "
                        f"turns = CASE WHEN jsonb_array_length(turns) + jsonb_array_length(%s) > {MAX_TURNS} "
                        "THEN (turns - 0) || %s ELSE turns || %s END WHERE id = %s AND version = %s",
                        [state, turns, turns, turns, conversation_id, expected]).rowcount
                    if updated:
                        break
                # Someone else wrote first (or the row expired and was pruned): apply ours on the newer row.
                self.conflicts += 1
                row = con.execute(f"SELECT version FROM {self.table} WHERE id = %s", [conversation_id]).fetchone()
                expected = None if row is None else int(row[0])
            else:
                raise RuntimeError(f"samtalen {conversation_id} kunne ikke gemmes (for mange samtidige skrivninger)")
        self._writes += 1
        if self._writes % 50 == 0:
            self.prune()

    def turns(self, conversation_id: str) -> list[str]:
        """The last MAX_TURNS answers of a live conversation, oldest first, as JSON documents."""
        if not ID_PATTERN.match(conversation_id or ""):
            return []
        with self.pool.connection() as con:
            rows = con.execute(
                f"SELECT t FROM {self.table} AS c, jsonb_array_elements_text(c.turns) WITH ORDINALITY AS e(t, n) "
                "WHERE c.id = %s AND c.updated_at > now() - make_interval(secs => %s) ORDER BY n",
                [conversation_id, self.ttl_s]).fetchall()
        return [r[0] for r in rows][-MAX_TURNS:]

    def prune(self) -> None:
        """Drop expired conversations and the oldest beyond the bound (any server may do it)."""
        with self.pool.connection() as con:
            con.execute(f"DELETE FROM {self.table} WHERE updated_at < now() - make_interval(secs => %s)",
                        [self.ttl_s])
            con.execute(f"DELETE FROM {self.table} WHERE id IN (SELECT id FROM {self.table} "
                        "ORDER BY updated_at DESC OFFSET %s)", [self.max_conversations])

    def close(self) -> None:
        self.pool.close()
