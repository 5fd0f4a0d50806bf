"""Fuzz the question inputs: the JSON API (POST /api/ask) and the HTMX chat route (POST /chat).

Whatever arrives, the reply is an answer/clarify/refuse or a 4xx with a Danish message, never a 500;
the page never carries the raw `<script>alert(1)</script>` and never evaluates template syntax.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import HX
from .helpers import (
    SCRIPT,
    SCRIPT_ESCAPED,
    STATUSES,
    TEMPLATE_EVALUATED,
    TEMPLATE_MARK,
    TEMPLATE_MARK_TIGHT,
    is_danish,
)

REAL = [
    "Hvad var udskrivningsprocenten i Gentofte i 2023?",
    "Sammenlign serviceudgifterne i Fredensborg med nabokommunerne",
    "Hvilke 10 kommuner har den højeste grundskyldpromille?",
    "Giv mig et overblik over Vejle",
    "Hvad betyder grundskyldpromille?",
]
ADVERSARIAL = [
    SCRIPT,
    f"Hvad var udskrivningsprocenten i {SCRIPT} i 2023?",
    f"Hvad var udskrivningsprocenten i Gentofte i 2023? {SCRIPT}",
    TEMPLATE_MARK,
    TEMPLATE_MARK_TIGHT,
    f"Hvad er {TEMPLATE_MARK} i Odense?",
    "{% for x in range(3) %}x{% endfor %}",
    "{% for %}",
    "{{ config.items() }}",
    "${7*7} #{7*7} <%= 7*7 %>",
    "'; DROP TABLE observations; --",
    "Gentofte' OR '1'='1",
    "SELECT * FROM read_csv('/etc/passwd')",
    "Hvad var udskrivningsprocenten i Gentofte'); DELETE FROM observations; -- i 2023?",
    "<img src=x onerror=alert(1)>",
    "\"><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "\x00\x01\x02\x07\x1b[31m\x7f",
    "Hvad var\x00 udskrivningsprocenten i Gentofte i 2023?",
    "\u202eHvad var udskrivningsprocenten\u200b i Gentofte\ufeff i 2023?",
    "😀" * 200,
    "Æøå " * 130,
    "../../etc/passwd",
    "%s%s%n%x",
    "Hvad var udskrivningsprocenten i Gentofte i 99999999999999999999999?",
    "Hvilke -5 kommuner har den højeste udskrivningsprocent?",
    "Hvilke 1000000 kommuner har den laveste udskrivningsprocent i 2022?",
    "Hvad var udskrivningsprocenten i Gentofte fra 2024 til 1993?",
    "a" * 100_000,
    "ø" * 100_000,
    "x" * 100_001,
    " \t\n\r ",
    "",
]
unicode_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600)
questions = st.one_of(
    st.sampled_from(ADVERSARIAL),
    unicode_text,
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=50),  # control characters
    st.builds(lambda real, bad, tail: f"{real} {bad} {tail}", st.sampled_from(REAL),
              st.sampled_from(ADVERSARIAL[:20]), st.text(max_size=30)),
    st.integers(min_value=99_000, max_value=101_000).map(lambda n: "å" * n),
)
conversation_ids = st.one_of(st.none(), st.just("0" * 32), st.just("../../etc/passwd"),
                             st.text(max_size=40), st.text(min_size=101, max_size=120))
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])


def check_api(response_status: int, body: dict[str, object]) -> None:
    assert response_status < 500, body
    if response_status == 200:
        assert body.get("status") in STATUSES, body
        assert isinstance(body.get("text"), str)
        assert isinstance(body.get("conversation_id"), str) and body["conversation_id"]
    else:
        assert 400 <= response_status < 500
        assert is_danish(body.get("detail")), body


def check_page(status: int, text: str) -> None:
    assert status < 500, text[:500]
    assert SCRIPT not in text
    assert TEMPLATE_EVALUATED not in text


@FUZZ
@given(question=questions, conversation_id=conversation_ids)
def test_api_ask_never_fails(rclient: TestClient, question: str, conversation_id: str | None) -> None:
    response = rclient.post("/api/ask", json={"question": question, "conversation_id": conversation_id})
    check_api(response.status_code, response.json())


@FUZZ
@given(question=questions, conversation_id=st.one_of(st.just(""), conversation_ids.filter(lambda c: c is not None)))
def test_chat_partial_never_fails_nor_injects(rclient: TestClient, question: str, conversation_id: str) -> None:
    response = rclient.post("/chat", data={"question": question, "conversation_id": conversation_id}, headers=HX)
    check_page(response.status_code, response.text)
    if response.status_code >= 400:
        assert is_danish(response.text)


@pytest.mark.parametrize("question", [q for q in ADVERSARIAL if len(q) <= 500 and q.strip()],
                         ids=lambda q: repr(q[:30]))
def test_adversarial_question_is_escaped_on_the_page(rclient: TestClient, question: str) -> None:
    """htmx partial and the no-JavaScript flow (post, redirect, whole page with the conversation)."""
    for headers in (HX, {}):
        response = rclient.post("/chat", data={"question": question, "conversation_id": ""}, headers=headers)
        assert response.status_code == 200, response.text[:500]
        check_page(response.status_code, response.text)
        if SCRIPT in question:
            assert SCRIPT_ESCAPED in response.text  # shown as text, escaped
        if TEMPLATE_MARK in question or TEMPLATE_MARK_TIGHT in question:
            assert "7*7" in response.text  # shown literally


@pytest.mark.parametrize("question", [q for q in ADVERSARIAL if len(q) <= 500], ids=lambda q: repr(q[:30]))
def test_adversarial_question_api(rclient: TestClient, question: str) -> None:
    response = rclient.post("/api/ask", json={"question": question, "conversation_id": None})
    check_api(response.status_code, response.json())
    body = response.json()
    if response.status_code == 200 and body["status"] == "answer" and body.get("sql"):
        sql = body["sql"].lower()
        assert "drop table" not in sql and "delete from" not in sql and "read_csv" not in sql


@pytest.mark.parametrize(("content", "content_type"), [
    (b"not json", "application/json"),
    (b"\xff\xfe\xfa", "application/json"),
    (b'{"question": 123}', "application/json"),
    (b'{"question": null}', "application/json"),
    (b'{"question": ["a"]}', "application/json"),
    (b"{}", "application/json"),
    (b"[]", "application/json"),
    (b'{"question": "Hvad var udskrivningsprocenten i Gentofte i 2023?", "conversation_id": 5}', "application/json"),
    (b"question=hej", "application/x-www-form-urlencoded"),
    (b'{"question": "' + b"a" * 100_001 + b'"}', "application/json"),
])
def test_malformed_api_bodies_get_danish_4xx(rclient: TestClient, content: bytes, content_type: str) -> None:
    response = rclient.post("/api/ask", content=content, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500, response.text[:300]
    assert is_danish(response.json().get("detail")), response.text[:300]


def test_over_long_form_question_gets_danish_4xx_notice(rclient: TestClient) -> None:
    response = rclient.post("/chat", data={"question": "x" * 100_001, "conversation_id": ""}, headers=HX)
    assert 400 <= response.status_code < 500
    assert is_danish(response.text)
