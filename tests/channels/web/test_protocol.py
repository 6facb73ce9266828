"""The requests of the page: sessions and turns, checked before Rasa sees them (pure)."""

import json

import pytest

from channels.core.requests import MAX_BODY_BYTES, MAX_INPUT_CHARS, RequestRejected
from channels.web.protocol import (
    SENDER_PREFIX,
    SESSION_CHARS,
    Choice,
    Turn,
    new_session,
    read_session,
    read_turn,
    sender_of,
)

SESSION = "A" * SESSION_CHARS


def body(**fields):
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def problem(raw):
    try:
        read_turn(raw)
    except RequestRejected as rejected:
        return rejected.status, rejected.reason
    return None


def test_sessions_are_random_and_name_a_conversation_of_the_web_chat_only():
    sessions = {new_session() for _ in range(1000)}
    assert len(sessions) == 1000
    for session in list(sessions)[:20]:
        assert read_session({"session": session}) == session
        assert len(session) == SESSION_CHARS
    sender = sender_of(SESSION)
    assert sender.startswith(SENDER_PREFIX) and SESSION not in sender
    assert sender_of(SESSION) == sender and sender_of("B" * SESSION_CHARS) != sender


def test_typed_text_and_button_choices_are_read():
    assert read_turn(body(session=SESSION, message=" 社保卡丢了 ")) == Turn(SESSION, "社保卡丢了")
    assert read_turn(
        body(session=SESSION, choice={"title": "没有了，谢谢", "payload": "/deny"})
    ) == (Turn(SESSION, choice=Choice("没有了，谢谢", "/deny")))


def test_typed_text_is_never_an_intent_command():
    assert read_turn(body(session=SESSION, message='/card_lost{"x": 1}')).text == (
        'card_lost{"x": 1}'
    )
    assert problem(body(session=SESSION, message=" // ")) == (400, "'message' is empty")


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1]", "JSON object"),
        (body(message="你好"), "'session'"),
        (body(session="short", message="你好"), f"{SESSION_CHARS} characters"),
        (body(session="<" * SESSION_CHARS, message="你好"), f"{SESSION_CHARS} characters"),
        (body(session=7, message="你好"), "'session'"),
        (body(session=SESSION), "either 'message'"),
        (body(session=SESSION, message="a", choice={}), "either 'message'"),
        (body(session=SESSION, message=["你好"]), "'message' must be a string"),
        (body(session=SESSION, message="  "), "'message' is empty"),
        (body(session=SESSION, choice="2"), "'choice' must be an object"),
        (body(session=SESSION, choice={"title": "好"}), "'choice.payload' must be a string"),
        (body(session=SESSION, choice={"title": " ", "payload": "/deny"}), "'choice.title'"),
        (
            body(session=SESSION, choice={"title": "好", "payload": "x" * (MAX_INPUT_CHARS + 1)}),
            "longer than",
        ),
        (b" " * (MAX_BODY_BYTES + 1), "larger than"),
    ],
)
def test_malformed_turns_are_refused_with_the_reason(raw, reason):
    status, said = problem(raw)
    assert reason in said
    assert status == (413 if reason == "larger than" else 400)
