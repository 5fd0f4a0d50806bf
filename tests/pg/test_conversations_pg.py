"""Conversations in PostgreSQL: the file store's interface, one row per conversation, optimistic versioning."""

from __future__ import annotations

import json
import threading
import time

import psycopg
import pytest

from assistant.conversations import MAX_TURNS, PostgresConversationStore


@pytest.fixture()
def store(pg_urls):  # type: ignore[no-untyped-def]
    instance = PostgresConversationStore(pg_urls["conversations"], ttl_s=3600, max_conversations=2000)
    yield instance
    instance.close()


def test_round_trip_and_one_row_per_conversation(store, pg_urls) -> None:  # type: ignore[no-untyped-def]
    cid = store.new_id()
    assert store.load(cid) is None and store.turns(cid) == []
    store.save(cid, {"spec": {"operation": "value"}}, turn=json.dumps({"n": 1}))
    state = store.load(cid)
    assert state is not None and state["spec"] == {"operation": "value"} and state["_version"] == 1
    state["spec"] = {"operation": "trend"}
    store.save(cid, state, turn=json.dumps({"n": 2}))
    again = store.load(cid)
    assert again is not None and again["spec"] == {"operation": "trend"} and again["_version"] == 2
    assert [json.loads(t) for t in store.turns(cid)] == [{"n": 1}, {"n": 2}]
    with psycopg.connect(pg_urls["admin"]) as con:
        assert con.execute("SELECT count(*), max(jsonb_array_length(turns)) FROM noegletal_state.conversations "
                           "WHERE id = %s", [cid]).fetchone() == (1, 2)


def test_ids_are_checked(store) -> None:  # type: ignore[no-untyped-def]
    for bad in (None, "", "../../etc/passwd", "x" * 32, "'; DROP TABLE conversations; --"):
        assert store.load(bad) is None
        assert store.turns(bad or "") == []
        store.save(bad or "", {"spec": None})  # ignored


def test_turns_keep_the_last_max_turns(store) -> None:  # type: ignore[no-untyped-def]
    cid = store.new_id()
    state: dict = {"spec": None}
    for n in range(MAX_TURNS + 5):
        store.save(cid, state, turn=json.dumps({"n": n}))
        state = store.load(cid) or {}
    turns = [json.loads(t)["n"] for t in store.turns(cid)]
    assert turns == list(range(5, MAX_TURNS + 5))


def test_turn_text_is_kept_exactly(store) -> None:  # type: ignore[no-untyped-def]
    cid = store.new_id()
    turn = '{"text": "Æblerød – 1.234,5 kr.\\nnæste linje", "value": 0.1000000000000000055511151231257827}'
    store.save(cid, {"spec": None}, turn=turn)
    assert store.turns(cid) == [turn]


def test_concurrent_questions_lose_no_turn(pg_urls) -> None:  # type: ignore[no-untyped-def]
    """Eight servers answer in one conversation at once, each load -> (think) -> save: all turns are kept,
    the version counts every write, and the conflicts were detected, not overwritten."""
    stores = [PostgresConversationStore(pg_urls["conversations"]) for _ in range(8)]
    cid = stores[0].new_id()
    stores[0].save(cid, {"spec": {"n": -1}}, turn=json.dumps({"n": -1}))
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def ask(index: int, store: PostgresConversationStore) -> None:
        try:
            for round_ in range(5):
                state = store.load(cid)
                assert state is not None
                barrier.wait(timeout=30)  # everyone has read the same version
                state["spec"] = {"n": index, "round": round_}
                store.save(cid, state, turn=json.dumps({"n": index, "round": round_}))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i, s)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    turns = [json.loads(t) for t in stores[0].turns(cid)]
    assert len(turns) == 1 + 8 * 5
    assert {(t["n"], t.get("round")) for t in turns[1:]} == {(i, r) for i in range(8) for r in range(5)}
    final = stores[0].load(cid)
    assert final is not None and final["_version"] == 1 + 8 * 5
    assert sum(s.conflicts for s in stores) >= 7 * 5  # all but one writer per round had to retry
    for s in stores:
        s.close()


def test_expired_conversations_are_not_loaded_and_are_pruned(pg_urls) -> None:  # type: ignore[no-untyped-def]
    short = PostgresConversationStore(pg_urls["conversations"], ttl_s=1, max_conversations=2000)
    try:
        cid = short.new_id()
        short.save(cid, {"spec": None}, turn="{}")
        assert short.load(cid) is not None
        time.sleep(1.5)
        assert short.load(cid) is None and short.turns(cid) == []
        short.prune()
        with psycopg.connect(pg_urls["admin"]) as con:
            assert con.execute("SELECT count(*) FROM noegletal_state.conversations WHERE id = %s",
                               [cid]).fetchone() == (0,)
    finally:
        short.close()


def test_bounded_number_of_conversations(pg_urls) -> None:  # type: ignore[no-untyped-def]
    small = PostgresConversationStore(pg_urls["conversations"], ttl_s=3600, max_conversations=3)
    try:
        ids = [small.new_id() for _ in range(5)]
        for cid in ids:
            small.save(cid, {"spec": None})
            time.sleep(0.01)
        small.prune()
        assert [small.load(cid) is not None for cid in ids] == [False, False, True, True, True]
    finally:
        small.close()


def test_the_conversation_role_cannot_touch_the_warehouse(pg_urls) -> None:  # type: ignore[no-untyped-def]
    with psycopg.connect(pg_urls["conversations"]) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT * FROM noegletal.regions")


def test_a_reader_url_for_conversations_is_refused_clearly(pg_urls) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((PermissionError, psycopg.Error)):
        PostgresConversationStore(pg_urls["reader"])
