"""Malformed REST requests are answered 4xx with a reason, over real HTTP and as a pure check."""

import json

import pytest
import requests

from channels.core.requests import MAX_BODY_BYTES, RequestRejected, cut_input
from channels.rest.channel import read_request


def request_problem(raw):
    """Why the request is refused, or None."""
    try:
        read_request(raw)
    except RequestRejected as problem:
        return problem.reason
    return None


def body(**fields):
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def test_a_well_formed_request_has_no_problem():
    assert request_problem(body(sender="a", message="你好")) is None
    assert request_problem(body(sender="a", message="你好", metadata={"k": 1})) is None


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[]", "JSON object"),
        (b'"hello"', "JSON object"),
        (body(message="你好"), "'sender'"),
        (body(sender="", message="你好"), "'sender'"),
        (body(sender=5, message="你好"), "'sender'"),
        (body(sender="a" * 200, message="你好"), "'sender' is longer"),
        (body(sender="a"), "'message' must be a string"),
        (body(sender="a", message=["你好"]), "'message' must be a string"),
        (body(sender="a", message="   "), "'message' is empty"),
        (body(sender="a", message="你好", metadata="x"), "'metadata'"),
        (b" " * (MAX_BODY_BYTES + 1), "larger than"),
    ],
)
def test_malformed_requests_are_explained(raw, reason):
    assert reason in request_problem(raw)


def test_long_messages_are_cut_and_said_to_be():
    assert cut_input("社" * 600) == ("社" * 500, True)
    assert cut_input("你好") == ("你好", False)


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"{not json", 400),
        (b"[]", 400),
        (body(sender="a", message=None), 400),
        (body(message="你好"), 400),
        (b"x" * (MAX_BODY_BYTES + 10), 413),
    ],
)
def test_server_answers_malformed_requests_with_4xx_and_keeps_serving(rasa_server, raw, status):
    url = f"{rasa_server.url}/webhooks/rest/webhook"
    response = requests.post(
        url, data=raw, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == status
    assert response.json()["error"]
    follow_up = requests.post(url, json={"sender": "still-serving", "message": "谢谢"}, timeout=30)
    assert follow_up.status_code == 200
    assert follow_up.json()


def test_a_very_long_message_is_answered(rasa_server):
    text = "我的社保卡丢了，" * 200
    response = requests.post(
        f"{rasa_server.url}/webhooks/rest/webhook",
        json={"sender": "long-message", "message": text},
        timeout=60,
    )
    assert response.status_code == 200
    note, question = response.json()
    assert note["text"] == "您的消息比较长，我先看了前500个字。"
    assert question["text"].startswith("卡还有可能找回来吗")
