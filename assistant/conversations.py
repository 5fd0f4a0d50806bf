"""Conversation state in small files, so every server worker sees the same conversations.

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
