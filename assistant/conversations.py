"""Conversation state in small JSON files, so every server worker sees the same conversations.

Bounded (oldest dropped beyond `max_conversations`) and expiring (`ttl_s` after the last turn).
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

    def _path(self, conversation_id: str) -> Path | None:
        if not ID_PATTERN.match(conversation_id or ""):
            return None  # never turn a client string into a path
        return self.directory / f"{conversation_id}.json"

    def load(self, conversation_id: str | None) -> dict[str, Any] | None:
        if not conversation_id:
            return None
        path = self._path(conversation_id)
        if path is None:
            return None
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if time.time() - data.get("updated", 0) > self.ttl_s:
            path.unlink(missing_ok=True)
            return None
        return data

    def save(self, conversation_id: str, data: dict[str, Any]) -> None:
        path = self._path(conversation_id)
        if path is None:
            return
        data["updated"] = time.time()
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # unique per writer
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a reader in another worker sees the old or the new turn list
        self._writes += 1
        if self._writes % 50 == 0:
            self.prune()

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
                path.unlink(missing_ok=True)
