"""The tracker store goes away and comes back: 503 with a reason meanwhile, then recovery.

Over REST and over the voice line, whose 503 also carries a transfer the gateway can play.

The Rasa server reaches PostgreSQL through a TCP proxy that the test closes and opens again.
"""

import time
import uuid

import pytest
import requests

from channels.voice.call import FAILURE
from tests.conftest import VOICE_TOKEN
from tests.tcp_proxy import TcpProxy
from tests.voice_client import (
    CALLER,
    MASKED_CALLER,
    SPOKEN_FINDABLE,
    SPOKEN_TEMPORARY_LOSS,
    WEBHOOK,
    Call,
    check_response,
    spoken,
)
from tools.servers import start_rasa_server


@pytest.fixture(scope="module")
def through_proxy(tmp_path_factory, action_server, postgres):
    proxy = TcpProxy(postgres.host, postgres.port).open()
    rasa = start_rasa_server(
        tmp_path_factory.mktemp("store-outage"),
        action_server.url,
        stores=postgres.tracker_store_yaml("127.0.0.1", proxy.port),
        env={"VOICE_GATEWAY_TOKEN": VOICE_TOKEN},
    )
    yield rasa, proxy
    rasa.stop()
    proxy.close()


def post(rasa, sender, text):
    return requests.post(
        f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )


def test_an_unreachable_tracker_store_is_answered_503_and_the_server_recovers(through_proxy):
    rasa, proxy = through_proxy
    sender = uuid.uuid4().hex
    first = post(rasa, sender, "我的社保卡丢了")
    assert first.status_code == 200
    assert first.json()[0]["text"] == "卡还有可能找回来吗？比如可能落在家里了。"

    proxy.close()
    try:
        for _ in range(3):
            down = post(rasa, sender, "找不回来了")
            assert down.status_code == 503
            assert "conversation store unavailable" in down.json()["error"]
            assert "12333" in down.json()["text"]
        assert requests.get(f"{rasa.url}/status", timeout=30).status_code == 200
    finally:
        proxy.open()

    deadline = time.monotonic() + 30
    while True:
        answer = post(rasa, sender, "找不回来了")
        if answer.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert answer.status_code == 200
    # The conversation continues where it was before the outage.
    assert answer.json()[0]["text"] == "已经办了临时挂失吗？"


def until_answered(send, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        answer = send()
        if answer.status_code == 200 or time.monotonic() > deadline:
            return answer
        time.sleep(1)


def test_the_voice_line_answers_503_with_a_transfer_and_the_call_goes_on(through_proxy):
    rasa, proxy = through_proxy
    call = Call(rasa.url, VOICE_TOKEN, caller=CALLER)
    call.start()
    assert spoken(call.say("我的社保卡丢了")) == SPOKEN_FINDABLE
    body = {
        "version": "1",
        "call_id": call.call_id,
        "turn_id": "turn-3",
        "event": "dtmf",
        "digits": "2",
        "caller": CALLER,
    }

    def send():
        return requests.post(
            rasa.url + WEBHOOK,
            json=body,
            timeout=60,
            headers={"Authorization": f"Bearer {VOICE_TOKEN}"},
        )

    proxy.close()
    try:
        down = send()
        assert down.status_code == 503
        answer = down.json()
        assert "conversation store unavailable" in answer["error"]
        check_response(answer, call.call_id, "turn-3")
        assert answer["action"] == "transfer" and spoken(answer) == FAILURE
        assert answer["transfer"]["reason"] == "assistant_unavailable"
        assert answer["transfer"]["context"]["caller"] == MASKED_CALLER
    finally:
        proxy.open()
    # The gateway sends the turn again: the call continues where it was.
    again = until_answered(send)
    assert again.status_code == 200, again.text
    assert spoken(again.json()) == SPOKEN_TEMPORARY_LOSS
