"""The assistant over prepared shapes: a question of a known shape binds its values and answers exactly as the
literal statement does (text, observations, the SQL the analyst sees); `clear_caches` empties every cache."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.service import Assistant
from noegletal.wiring import get_assistant
from semantic_layer.guard import guard

SAME_SHAPE = [  # one figure, one municipality, one year: one shape (the figures average alike)
    "Hvad var serviceudgifterne pr. indbygger i København i 2019?",
    "Hvad var serviceudgifterne pr. indbygger i Odense i 2021?",
    "Hvad var serviceudgifterne pr. indbygger i Gentofte i 2018?",
]


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return get_assistant()


def _comparable(answer: Any) -> dict[str, Any]:
    data = answer.model_dump(mode="json")
    for key in ("conversation_id", "timings_ms"):
        data.pop(key)
    return data


def test_bound_answers_equal_literal_answers(assistant: Assistant) -> None:
    assistant.clear_caches()
    literal = []
    for question in SAME_SHAPE:  # every cache emptied before each: each compiles literally
        assistant.clear_caches()
        answer = assistant.ask(question)
        assert answer.status == "answer" and answer.timings_ms["bound"] == 0.0
        literal.append(answer)
    assistant.clear_caches()
    bound = [assistant.ask(q) for q in SAME_SHAPE]
    assert [a.timings_ms["bound"] for a in bound] == [0.0, 1.0, 1.0]  # prepared on its second sight
    assert assistant.shapes.built >= 1
    for a, b in zip(literal, bound, strict=True):
        assert _comparable(a) == _comparable(b)
        assert b.sql == assistant.compiler.compile(assistant.parser.parse(b.question, None).spec).sql
    again = assistant.ask(SAME_SHAPE[2])
    assert again.timings_ms["cached"] == 1.0 and _comparable(again) == _comparable(bound[2])


def test_clear_caches_empties_every_cache(assistant: Assistant) -> None:
    assistant.ask(SAME_SHAPE[0])
    assistant.ask(SAME_SHAPE[0])
    guard("SELECT * FROM regions", assistant.row_cap)
    assert assistant._results and assistant.compiler.compile.cache_info().currsize  # type: ignore[attr-defined]
    assistant.clear_caches()
    assert not assistant._results
    assert assistant.compiler.compile.cache_info().currsize == 0  # type: ignore[attr-defined]
    assert guard.cache_info().currsize == 0
    assert not assistant.shapes.prepare(assistant.parser.parse(SAME_SHAPE[0], None).spec).params  # type: ignore[arg-type]
    answer = assistant.ask(SAME_SHAPE[0])
    assert answer.status == "answer" and answer.timings_ms["cached"] == 0.0


def test_analyst_sql_still_takes_the_text_guard(assistant: Assistant) -> None:
    refused = assistant.run_sql("SELECT * FROM read_csv('/etc/passwd')")
    assert refused.status == "refused" and refused.message.startswith("Afvist")
    ok = assistant.run_sql("SELECT * FROM regions")
    assert ok.status == "ok" and ok.sql.rstrip().endswith(f"LIMIT {assistant.row_cap}")
