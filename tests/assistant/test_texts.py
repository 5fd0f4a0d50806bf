"""Reviewed answer texts: about sixty representative questions with the exact Danish text and options the
assistant gives. A person read every entry of texts.yaml (see its header); a change in wording fails here
and is reviewed again. Regenerate with `pytest tests/assistant/test_texts.py --snapshot-update`, then read
the diff before committing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.service import Assistant
from noegletal.wiring import get_assistant

FILE = Path(__file__).with_name("texts.yaml")
HEADER = """\
# Answer texts and options for representative questions, kept by tests/assistant/test_texts.py.
# Reviewed by a person: every text and option below was read for Danish grammar, clarity for a
# politician, and that each option is a question a person would ask. Re-read the diff after
# `pytest tests/assistant/test_texts.py --snapshot-update`.
"""
DOC = yaml.safe_load(FILE.read_text(encoding="utf-8")) if FILE.exists() else {"texts": []}


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def _render(assistant: Assistant, turns: list[str]) -> list[dict]:
    out, cid = [], None
    for q in turns:
        a = assistant.ask(q, cid)
        cid = a.conversation_id
        entry: dict = {"q": q, "status": a.status, "text": a.text}
        if a.clarification and a.clarification.options:
            entry["options"] = list(a.clarification.options)
        out.append(entry)
    return out


def test_texts_are_as_reviewed(assistant: Assistant, snapshot_update: bool) -> None:
    cases = DOC["texts"]
    assert len(cases) >= 60 or snapshot_update
    rendered = [{"turns": _render(assistant, [t["q"] for t in case["turns"]])} for case in cases]
    if snapshot_update:
        FILE.write_text(HEADER + yaml.safe_dump({"texts": rendered}, allow_unicode=True, sort_keys=False,
                                                width=110), encoding="utf-8")
        return
    for want, got in zip(cases, rendered, strict=True):
        assert got["turns"] == want["turns"]
