"""The assistant on PostgreSQL: both dev question sets (cases and conversations) give the same answers as on
DuckDB, follow-ups keep their context through the PostgreSQL conversation store, analyst SQL runs guarded,
and an unknown or expired conversation is said out loud on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.service import EXPIRED_CONVERSATION
from bench.evaluate import get_judge, load_gold
from tests.pg.conftest import same_value

QUESTIONS = Path(__file__).resolve().parents[3] / "shared" / "questions"
GOLD = [QUESTIONS / "dev.json", QUESTIONS / "dev2.json"]


def _comparable(answer: Any) -> dict[str, Any]:
    data = answer.model_dump(mode="json")
    data.pop("conversation_id")
    data.pop("timings_ms")
    return data


def _same(a: Any, b: Any, path: str = "") -> str | None:
    """None if equal (floats to 12 significant digits), else where they differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a.keys() ^ b.keys())}"
        return next((d for k in a if (d := _same(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} items"
        return next((d for i, (x, y) in enumerate(zip(a, b, strict=True)) if (d := _same(x, y, f"{path}[{i}]"))),
                    None)
    return None if same_value(a, b) else f"{path}: {a!r} != {b!r}"


def _dialogues(path: Path) -> list[list[str]]:
    gold = load_gold(path)
    return [[case["q"]] for case in gold["cases"]] + [[t["q"] for t in c] for c in gold["conversations"]]


@pytest.mark.parametrize("path", GOLD, ids=[p.name for p in GOLD])
def test_dev_questions_give_identical_answers_on_both_engines(path: Path, pg_assistant, duck_assistant) -> None:  # type: ignore[no-untyped-def]
    if not path.is_file():
        pytest.skip(f"{path} findes ikke")
    differences, compared, observations = [], 0, 0
    for dialogue in _dialogues(path):
        pg_cid = duck_cid = None
        for question in dialogue:
            on_pg, on_duck = pg_assistant.ask(question, pg_cid), duck_assistant.ask(question, duck_cid)
            pg_cid, duck_cid = on_pg.conversation_id, on_duck.conversation_id
            compared += 1
            observations += len(on_duck.observations)
            difference = _same(_comparable(on_pg), _comparable(on_duck))
            if difference:
                differences.append(f"{question}: {difference}")
    assert not differences, differences[:5]
    assert compared >= 40 and observations > 100


@pytest.mark.parametrize("path", GOLD, ids=[p.name for p in GOLD])
def test_dev_questions_are_judged_alike(path: Path, pg_assistant) -> None:  # type: ignore[no-untyped-def]
    """The shared judge (score.py) on the PostgreSQL answers: the same accuracy bar as `noegletal eval`."""
    found = get_judge(path) if path.is_file() else None
    if found is None:
        pytest.skip("the dev set or its judge is missing")
    judge = found[0]
    gold = load_gold(path)
    results = [judge(case, pg_assistant.ask(case["q"]).model_dump(mode="json")) for case in gold["cases"]]
    for conversation in gold["conversations"]:
        cid = None
        for turn in conversation:
            answer = pg_assistant.ask(turn["q"], cid)
            cid = answer.conversation_id
            results.append(judge(turn, answer.model_dump(mode="json")))
    assert sum(r is None for r in results) / len(results) >= 0.95, [r for r in results if r][:5]


def test_follow_up_keeps_context_in_postgres(pg_assistant) -> None:  # type: ignore[no-untyped-def]
    first = pg_assistant.ask("Hvad var udskrivningsprocenten i Aarhus i 2022?")
    follow = pg_assistant.ask("Og i Aalborg?", first.conversation_id)
    assert follow.conversation_id == first.conversation_id
    assert any(o.municipality_code == 851 and o.year == 2022 for o in follow.observations)
    assert not follow.text.startswith(EXPIRED_CONVERSATION)
    history = pg_assistant.history(first.conversation_id)
    assert [a.question for a in history] == ["Hvad var udskrivningsprocenten i Aarhus i 2022?", "Og i Aalborg?"]


@pytest.mark.parametrize("engine", ["pg_assistant", "duck_assistant"])
@pytest.mark.parametrize("stale", ["0123456789abcdef0123456789abcdef", "ikke-et-id"])
def test_unknown_conversation_is_said_out_loud(engine: str, stale: str, request) -> None:  # type: ignore[no-untyped-def]
    assistant = request.getfixturevalue(engine)
    answer = assistant.ask("Og i Aalborg?", stale)
    assert answer.text.startswith(EXPIRED_CONVERSATION)
    assert answer.conversation_id != stale and len(answer.conversation_id) == 32
    fresh = assistant.ask("Hvad var udskrivningsprocenten i Gentofte i 2023?")
    assert not fresh.text.startswith(EXPIRED_CONVERSATION)  # no conversation id: nothing to say
    assert EXPIRED_CONVERSATION == "Samtalen er udløbet – jeg starter en ny."


def test_analyst_sql_runs_guarded_on_postgres(pg_assistant, duck_assistant) -> None:  # type: ignore[no-untyped-def]
    sql = ("SELECT municipality_name, value FROM observations JOIN municipalities USING (municipality_code) "
           "WHERE figure = 'Udskrivningsprocent' AND year = 2023 ORDER BY value DESC, municipality_name")
    on_pg, on_duck = pg_assistant.run_sql(sql), duck_assistant.run_sql(sql)
    assert on_pg.status == on_duck.status == "ok"
    assert on_pg.rows == on_duck.rows and len(on_pg.rows) == 98
    assert "LIMIT 5000" in on_pg.sql
    refused = pg_assistant.run_sql("SELECT pg_read_file('/etc/passwd') AS f")
    assert refused.status == "refused" and refused.message.startswith("Afvist")
    refused = pg_assistant.run_sql("SELECT set_config('statement_timeout', '0', false) AS s")
    assert refused.status == "refused"


def test_metadata_is_the_same(pg_assistant, duck_assistant) -> None:  # type: ignore[no-untyped-def]
    assert [c.model_dump() for c in pg_assistant.metrics()] == [c.model_dump() for c in duck_assistant.metrics()]
    assert pg_assistant.municipalities() == duck_assistant.municipalities()
    assert json.dumps(sorted(pg_assistant.names.items())) == json.dumps(sorted(duck_assistant.names.items()))
