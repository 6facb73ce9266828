"""Failures get an answer: the action server slow or down, over REST, WeChat and the voice line.

The Rasa server reaches its own action server through a TCP proxy that can hold the action
server's answers; the action server is a real process that the test kills and starts again.
"""

import time
import uuid

import pytest
import requests

from channels.core.turns import APOLOGY
from channels.voice.call import STILL_BUSY
from tests.conftest import VOICE_TOKEN
from tests.support import new_openid
from tests.tcp_proxy import TcpProxy
from tests.voice_client import (
    CALLER,
    MASKED_CALLER,
    SPOKEN_FINDABLE,
    SPOKEN_TEMPORARY_LOSS,
    Call,
    spoken,
)
from tests.wechat_simulator import (
    ENCODING_AES_KEY,
    WeChatSimulator,
    text_xml,
    write_credentials,
)
from tools.servers import free_port, start_action_server, start_rasa_server

TURN_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def setup(tmp_path_factory, fake_wechat_api):
    log_dir = tmp_path_factory.mktemp("failures")
    actions_port = free_port()
    actions = start_action_server(log_dir, port=actions_port, name="actions-1")
    proxy = TcpProxy("127.0.0.1", actions_port).open()
    credentials = write_credentials(log_dir / "credentials.yml", fake_wechat_api.url)
    rasa = start_rasa_server(
        log_dir,
        f"http://127.0.0.1:{proxy.port}",
        credentials=credentials,
        env={"ASSISTANT_TURN_TIMEOUT": str(TURN_TIMEOUT), "VOICE_GATEWAY_TOKEN": VOICE_TOKEN},
    )
    state = {"actions": actions, "port": actions_port, "log_dir": log_dir, "starts": 1}
    yield rasa, proxy, state
    rasa.stop()
    proxy.close()
    state["actions"].stop()


def restart_actions(state):
    state["starts"] += 1
    state["actions"] = start_action_server(
        state["log_dir"], port=state["port"], name=f"actions-{state['starts']}"
    )


def rest(rasa, sender, text):
    started = time.monotonic()
    response = requests.post(
        f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert response.status_code == 200
    return [m.get("text", "") for m in response.json()], time.monotonic() - started


def test_a_slow_action_server_gets_the_apology_in_time(setup):
    rasa, proxy, _ = setup
    sender = uuid.uuid4().hex
    assert rest(rasa, sender, "我的社保卡丢了")[0] == ["卡还有可能找回来吗？比如可能落在家里了。"]
    proxy.delay = TURN_TIMEOUT + 3
    try:
        texts, seconds = rest(rasa, sender, "找不回来了")
        assert texts == [APOLOGY] and "12333" in APOLOGY
        assert seconds < TURN_TIMEOUT + 1.5
        wechat = WeChatSimulator(rasa.url, encoding_aes_key=ENCODING_AES_KEY)
        started = time.monotonic()
        reply = wechat.post(text_xml(new_openid(), "养老金资格认证怎么弄"))
        assert reply.content == APOLOGY
        assert time.monotonic() - started < TURN_TIMEOUT + 1.5
    finally:
        proxy.delay = 0
    time.sleep(TURN_TIMEOUT + 4)  # the slow turn completes and is stored
    texts, _ = rest(rasa, sender, "还没挂失")
    assert "尽快办理临时挂失" in texts[0]
    assert "took longer than" in rasa.log.read_text(encoding="utf-8", errors="replace")


def test_the_action_server_down_gets_the_apology_and_recovers(setup):
    rasa, _, state = setup
    state["actions"].kill()
    try:
        texts, _ = rest(rasa, uuid.uuid4().hex, "我的社保卡丢了")
        assert texts == [APOLOGY]
        wechat = WeChatSimulator(rasa.url, encoding_aes_key=ENCODING_AES_KEY)
        reply = wechat.post(text_xml(new_openid(), "我的社保卡丢了"), encrypted=True)
        assert reply.status == 200 and reply.content == APOLOGY
        # Answers that need no action still work.
        assert any("不客气" in text for text in rest(rasa, uuid.uuid4().hex, "谢谢")[0])
    finally:
        restart_actions(state)
    texts, _ = rest(rasa, uuid.uuid4().hex, "我的社保卡丢了")
    assert texts == ["卡还有可能找回来吗？比如可能落在家里了。"]
    log = rasa.log.read_text(encoding="utf-8", errors="replace")
    assert "Custom actions failed in this turn" in log


def timed(turn):
    started = time.monotonic()
    answer = turn()
    return answer, time.monotonic() - started


def assert_apology(answer):
    """The caller hears that the line is busy, 12333 read as a number, and can press 0."""
    assert answer["action"] == "listen"
    assert spoken(answer).startswith("抱歉，系统暂时有点忙。")
    assert "转人工请按0" in spoken(answer) and "12333" in spoken(answer)
    assert any(
        '<say-as interpret-as="telephone">12333</say-as>' in prompt["ssml"]
        for prompt in answer["prompts"]
    )


def voice_turn_ids(call):
    return [
        event["metadata"]["voice"]["turn_id"]
        for event in call.tracker()["events"]
        if event["event"] == "user"
    ]


def test_voice_a_slow_action_server_gets_the_apology_in_time_then_the_call_goes_on(setup):
    rasa, proxy, _ = setup
    call, twice = Call(rasa.url, VOICE_TOKEN), Call(rasa.url, VOICE_TOKEN, caller=CALLER)
    for each in (call, twice):
        each.start()
        assert spoken(each.say("我的社保卡丢了")) == SPOKEN_FINDABLE
    proxy.delay = TURN_TIMEOUT + 3
    try:
        apology, seconds = timed(lambda: call.say("找不回来了"))
        assert_apology(apology)
        assert seconds < TURN_TIMEOUT + 1.5
        assert_apology(twice.say("找不回来了"))
        transfer, seconds = timed(lambda: twice.say("找不回来了"))
        assert seconds < TURN_TIMEOUT + 1.5
        assert transfer["action"] == "transfer" and spoken(transfer) == STILL_BUSY
        assert transfer["transfer"]["reason"] == "assistant_unavailable"
        assert transfer["transfer"]["context"]["last_prompt"] == SPOKEN_FINDABLE
        assert transfer["transfer"]["context"]["caller"] == MASKED_CALLER
    finally:
        proxy.delay = 0
    # The late turn was stopped, not finished behind the caller's back: the question the
    # caller heard is still open and the same answer goes on from there.
    assert voice_turn_ids(call) == ["turn-1", "turn-2"]
    assert spoken(call.say("找不回来了")) == SPOKEN_TEMPORARY_LOSS
    assert "took longer than" in rasa.log.read_text(encoding="utf-8", errors="replace")


def test_voice_the_action_server_down_offers_a_person_then_transfers(setup):
    rasa, _, state = setup
    offered, twice, resumed = (Call(rasa.url, VOICE_TOKEN, caller=CALLER) for _ in range(3))
    for call in (offered, twice, resumed):
        call.start()
    assert spoken(resumed.say("我的社保卡丢了")) == SPOKEN_FINDABLE
    state["actions"].kill()
    try:
        apology = offered.say("我的社保卡丢了")
        assert_apology(apology)
        retried = offered.post(
            "speech", turn_id=f"turn-{offered.turns}", text="我的社保卡丢了", confidence=0.9
        )
        assert retried == apology
        transfer = offered.press("0")
        assert transfer["action"] == "transfer"
        assert transfer["transfer"]["reason"] == "caller_request"

        assert_apology(twice.say("我的社保卡丢了"))
        transfer = twice.say("我的社保卡丢了")
        assert transfer["action"] == "transfer" and spoken(transfer) == STILL_BUSY
        assert transfer["transfer"]["reason"] == "assistant_unavailable"
        assert transfer["transfer"]["context"]["recent_utterances"][-1] == "我的社保卡丢了"
        assert transfer["transfer"]["context"]["caller"] == MASKED_CALLER

        assert_apology(resumed.say("找不回来了"))
    finally:
        restart_actions(state)
    assert spoken(resumed.say("找不回来了")) == SPOKEN_TEMPORARY_LOSS
