"""The gateway protocol as pure functions: settings, the token, request checks, response shape."""

import json

import pytest

from channels.core.requests import MAX_BODY_BYTES, MAX_INPUT_CHARS, RequestRejected
from channels.voice.protocol import (
    GatewayReply,
    Settings,
    authorised,
    parse_turn,
    response_body,
    settings_from,
)
from tests.voice_client import check_ssml


def body(**fields):
    request = {"version": "1", "call_id": "c1", "turn_id": "t1", "event": "start"}
    request.update(fields)
    return json.dumps(
        {k: v for k, v in request.items() if v is not None}, ensure_ascii=False
    ).encode("utf-8")


def test_the_token_comes_from_credentials_and_the_environment_overrides_it():
    assert settings_from({"token": "from-file"}, {})[0].token == "from-file"
    assert (
        settings_from({"token": "from-file"}, {"VOICE_GATEWAY_TOKEN": "from-env"})[0].token
        == "from-env"
    )
    for credentials, environ in (({"token": None}, {}), (None, {"VOICE_GATEWAY_TOKEN": "  "})):
        settings, problems = settings_from(credentials, environ)
        assert settings.token is None and "'token' is not set" in problems[0]


def test_settings_have_defaults_and_bad_values_are_problems():
    settings, problems = settings_from({"token": "t"}, {})
    assert (settings.confidence_threshold, settings.no_input_timeout_ms, problems) == (
        0.5,
        8000,
        [],
    )
    assert (
        settings_from({"token": "t", "confidence_threshold": 0.7}, {})[0].confidence_threshold
        == 0.7
    )
    for bad in ({"confidence_threshold": 2}, {"no_input_timeout_ms": 0}):
        settings, problems = settings_from({"token": "t", **bad}, {})
        assert len(problems) == 1 and next(iter(bad)) in problems[0]
        assert settings == Settings("t")


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Bearer secret", True),
        ("bearer secret", True),
        ("Bearer wrong", False),
        ("Bearer ", False),
        ("Basic secret", False),
        ("secret", False),
        (None, False),
    ],
)
def test_only_the_bearer_token_is_authorised(header, expected):
    assert authorised(header, "secret") is expected


def test_well_formed_turns_are_read():
    turn = parse_turn(
        body(
            event="speech",
            text="我的社保卡丢了",
            confidence=0.8,
            caller={"number": "13800000000", "area_code": "010"},
        )
    )
    assert (turn.event, turn.text, turn.confidence) == ("speech", "我的社保卡丢了", 0.8)
    assert turn.caller == {"number": "13800000000", "area_code": "010"}
    assert parse_turn(body(event="dtmf", digits="1#")).digits == "1#"
    assert parse_turn(body(event="speech", text="好")).confidence is None
    for event in ("start", "no_input", "hangup"):
        assert parse_turn(body(event=event)).event == event


def test_speech_over_the_limit_is_cut():
    turn = parse_turn(body(event="speech", text="社" * 1000))
    assert turn.text == "社" * MAX_INPUT_CHARS


def test_speech_keeps_only_what_a_recogniser_could_say():
    raw = json.dumps(
        {
            "version": "1",
            "call_id": "c1",
            "turn_id": "t1",
            "event": "speech",
            "text": "\udc00社保卡\x00丢了\x1b\ufffe，١٢٣ ok",
        }
    ).encode("ascii")
    assert parse_turn(raw).text == "社保卡 丢了 ，١٢٣ ok"


@pytest.mark.parametrize(
    "raw, status, reason",
    [
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        (body(version=None), 400, "'version'"),
        (body(version="2"), 400, "'version'"),
        (body(version=1), 400, "'version'"),
        (body(call_id=None), 400, "'call_id'"),
        (body(call_id=""), 400, "'call_id'"),
        (body(call_id="x" * 200), 400, "'call_id'"),
        (body(turn_id=None), 400, "'turn_id'"),
        (body(turn_id=7), 400, "'turn_id'"),
        (body(event=None), 400, "unknown event"),
        (body(event="ring"), 400, "unknown event"),
        (body(event="speech"), 400, "'text'"),
        (body(event="speech", text=["a"]), 400, "'text'"),
        (body(event="speech", text="好", confidence=1.5), 400, "'confidence'"),
        (body(event="speech", text="好", confidence=True), 400, "'confidence'"),
        (body(event="speech", text="好", confidence="high"), 400, "'confidence'"),
        (body(confidence=10**400), 400, "'confidence'"),
        (
            b'{"version": "1", "call_id": "c", "turn_id": "t", "event": "start", '
            b'"confidence": NaN}',
            400,
            "'confidence'",
        ),
        (body(event="dtmf"), 400, "'digits'"),
        (body(event="dtmf", digits=""), 400, "'digits'"),
        (body(event="dtmf", digits="12a"), 400, "'digits'"),
        (body(caller="13800000000"), 400, "'caller'"),
        (body(caller={"number": 13800000000}), 400, "'caller.number'"),
        (body(caller={"number": "138\x00"}), 400, "'caller.number'"),
        (
            b'{"version": "1", "call_id": "c", "turn_id": "t", "event": "start", '
            b'"caller": {"area_code": "\\ud800"}}',
            400,
            "'caller.area_code'",
        ),
        (b" " * (MAX_BODY_BYTES + 1), 413, "larger than"),
    ],
)
def test_malformed_requests_are_explained(raw, status, reason):
    with pytest.raises(RequestRejected) as problem:
        parse_turn(raw)
    assert problem.value.status == status
    assert reason in problem.value.reason


def test_a_listening_response_has_prompts_with_ssml_and_listen_settings():
    turn = parse_turn(body())
    answer = response_body(turn, GatewayReply(["请拨打12333。"], max_digits=1), Settings("t"))
    assert answer["action"] == "listen" and "transfer" not in answer
    assert answer["listen"] == {
        "input": ["speech", "dtmf"],
        "no_input_timeout_ms": 8000,
        "max_digits": 1,
    }
    assert answer["prompts"][0]["text"] == "请拨打12333。"
    check_ssml(answer["prompts"][0]["ssml"])
    assert (answer["version"], answer["call_id"], answer["turn_id"]) == ("1", "c1", "t1")


def test_a_transfer_response_carries_target_reason_and_context():
    turn = parse_turn(body())
    reply = GatewayReply(
        ["好的。"],
        "transfer",
        transfer_reason="caller_request",
        transfer_context={"topic": "card_lost"},
    )
    answer = response_body(turn, reply, Settings("t", transfer_target="agents"))
    assert "listen" not in answer
    assert answer["transfer"] == {
        "target": "agents",
        "reason": "caller_request",
        "context": {"topic": "card_lost"},
    }
    hangup = response_body(turn, GatewayReply([], "hangup"), Settings("t"))
    assert "listen" not in hangup and "transfer" not in hangup


def test_a_reply_survives_being_stored():
    reply = GatewayReply(["a", "b"], "transfer", 1, "no_input", {"slots": {"x": True}})
    assert GatewayReply.from_dict(json.loads(json.dumps(reply.as_dict()))) == reply
