"""`make call`: the terminal telephone, as pure functions and against the real server."""

import subprocess
import sys

import pytest

from tests.conftest import VOICE_TOKEN
from tools.servers import ROOT
from tools.voice_call import describe, turn_fields


@pytest.mark.parametrize(
    "typed, fields",
    [
        ("我的社保卡丢了\n", {"event": "speech", "text": "我的社保卡丢了", "confidence": 0.95}),
        ("#1\n", {"event": "dtmf", "digits": "1"}),
        ("# 1 2 #\n", {"event": "dtmf", "digits": "12#"}),
        ("\n", {"event": "no_input"}),
        ("   \n", {"event": "no_input"}),
        ("!hangup\n", {"event": "hangup"}),
        ("~0.3 社保卡\n", {"event": "speech", "text": "社保卡", "confidence": 0.3}),
        ("!help\n", None),
        ("!repeat\n", None),
    ],
)
def test_what_the_caller_types_becomes_a_turn(typed, fields):
    assert turn_fields(typed) == fields


def test_prompts_and_actions_are_shown():
    listen = {
        "prompts": [{"text": "您好。", "ssml": "<speak/>"}],
        "action": "listen",
        "listen": {"max_digits": 1, "no_input_timeout_ms": 8000},
    }
    assert describe(listen) == [
        "助手：您好。",
        "  [等待：说话或按键（最多 1 位），8 秒无输入算沉默]",
    ]
    transfer = {
        "prompts": [],
        "action": "transfer",
        "transfer": {
            "target": "human_agents",
            "reason": "caller_request",
            "context": {"topic": None},
        },
    }
    assert describe(transfer)[0] == "  [转接 human_agents，原因：caller_request]"
    assert describe({"prompts": [], "action": "hangup"}) == ["  [挂机]"]


def call(url, typed, token=VOICE_TOKEN):
    return subprocess.run(
        [sys.executable, "-m", "tools.voice_call", "--url", url, "--token", token],
        input=typed,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
    )


def test_a_caller_gets_through_the_card_loss_flow_to_a_person(rasa_server):
    result = call(rasa_server.url, "我的社保卡丢了\n#2\n~0.2 嗯\n\n#0\n")
    assert result.returncode == 0, result.stderr
    screen = result.stdout
    for shown in (
        "助手：您好，欢迎致电",
        "助手：卡还有可能找回来吗",
        "助手：已经办了临时挂失吗",
        "助手：抱歉，我没听清，请您再说一遍。",
        "助手：抱歉，没有听到您的声音。",
        "[转接 human_agents，原因：caller_request]",
        '"topic": "card_lost"',
        "通话结束。",
    ):
        assert shown in screen


def test_hanging_up_ends_the_call(rasa_server):
    result = call(rasa_server.url, "!help\n!hangup\n")
    assert (
        "#数字：按键" in result.stdout
        and "[挂机]" in result.stdout
        and "通话结束。" in result.stdout
    )
    assert "[挂机]" in call(rasa_server.url, "").stdout


def test_a_wrong_token_is_reported(rasa_server):
    result = call(rasa_server.url, "!hangup\n", token="wrong")
    assert "服务器答复 401" in result.stdout


def test_an_unreachable_server_is_reported():
    result = call("http://127.0.0.1:9", "")
    assert "连不上" in result.stdout and result.returncode == 0
