"""Shared checks for the reliability tests."""

from __future__ import annotations

import hashlib
import re
from http import HTTPStatus
from pathlib import Path

STATUSES = {"answer", "clarify", "refuse"}
ENGLISH_PHRASES = {s.phrase for s in HTTPStatus} | {"Not Found", "Method Not Allowed", "Field required"}
DANISH_HINT = re.compile(
    r"[æøåÆØÅ]|\b(ikke|forespørgsel|forespørgslen|ugyldig|spørgsmålet|mangler|findes|tilladt|fejl|tekst|skal|"
    r"afvist|siden|stor|lang)\b", re.IGNORECASE)
SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
TEMPLATE_MARK = "Qz{{ 7*7 }}Qz"
TEMPLATE_MARK_TIGHT = "Qz{{7*7}}Qz"
TEMPLATE_EVALUATED = "Qz49Qz"


def is_danish(message: object) -> bool:
    """A user-facing message that is Danish, not a framework's English default."""
    return isinstance(message, str) and bool(message.strip()) and message.strip() not in ENGLISH_PHRASES and bool(
        DANISH_HINT.search(message))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
