"""The voice line over real HTTP: the trained assistant, the action server, the tracker store."""

import json
import threading
import uuid

import pytest
import requests

from channels.core.requests import MAX_BODY_BYTES, MAX_INPUT_CHARS
from channels.voice.call import (
    ANSWER_KEYS,
    ASK_TO_REPEAT,
    NOT_HEARD,
    NOT_HEARD_TWICE,
    OFFER_KEYS,
    TO_HUMAN,
)
from tests.conftest import VOICE_TOKEN
from tests.voice_client import (
    CALLER,
    MASKED_CALLER,
    SPOKEN_FINDABLE,
    SPOKEN_TEMPORARY_LOSS,
    WEBHOOK,
    Call,
    check_ssml,
    spoken,
)


@pytest.fixture
def call(rasa_server):
    return Call(rasa_server.url, VOICE_TOKEN, caller=CALLER)


def user_events(tracker):
    return [event for event in tracker["events"] if event["event"] == "user"]


def test_a_whole_call_by_speech_through_the_card_loss_flow(call):
    greeting = call.start()
    assert greeting["prompts"][0]["text"].startswith("您好，欢迎致电")
    menu = spoken(greeting)
    for entry in (
        "社保卡挂失补办，请按1",
        "电子社保卡、多张卡、封存和状态查询，请按2",
        "社保关系跨省转移，请按3",
        "养老金资格认证和养老保险断缴，请按4",
        "劳动合同，请按5",
        "人工服务，请按0",
    ):
        assert entry in menu
    assert greeting["action"] == "listen" and greeting["listen"]["max_digits"] == 1

    assert spoken(call.say("我的社保卡丢了咋整啊")) == SPOKEN_FINDABLE
    assert spoken(call.say("找不回来了")) == SPOKEN_TEMPORARY_LOSS
    answer = call.say("还没挂失")
    texts = [prompt["text"] for prompt in answer["prompts"]]
    # What applies to the caller first (not reported yet, cannot be found), then the rule and
    # the source, then the keys.
    assert texts[0] == "请先尽快办理临时挂失，避免卡被别人冒用。"
    said = "".join(texts)
    assert said.index("正式挂失") < said.index("补办") < said.index("依据是")
    source = texts.index("依据是《社保卡使用遇问题 这份指南帮你解忧》等。")
    assert texts[source + 1] == "以上是要点。按1重听完整内容，按2返回主菜单。"
    assert "挂失后找到了卡，怎么解挂，请按3" in spoken(answer)
    assert "（依据" not in spoken(answer)

    slots = call.tracker()["slots"]
    assert (slots["topic"], slots["card_findable"], slots["temporary_loss_done"]) == (
        "card_lost",
        False,
        False,
    )
    assert slots["voice_call"]["keys"][0]["kind"] == "replay"

    goodbye = call.say("没有了")
    assert goodbye["action"] == "hangup" and "再见" in spoken(goodbye)


def test_a_whole_call_by_keypad_through_the_card_loss_flow(call):
    call.start()
    assert spoken(call.press("1")) == SPOKEN_FINDABLE
    assert spoken(call.press("2")) == SPOKEN_TEMPORARY_LOSS
    answer = call.press("2")
    assert answer["prompts"][0]["text"] == "请先尽快办理临时挂失，避免卡被别人冒用。"

    full = call.press("1")
    whole = spoken(full)
    for part in ("可以通过社保卡服务机构的网点", "正式挂失要带上有效身份证件", "补办", ANSWER_KEYS):
        assert part in whole
    hotline = [prompt for prompt in full["prompts"] if "12333" in prompt["text"]]
    assert hotline and all(
        '<say-as interpret-as="telephone">12333</say-as>' in prompt["ssml"] for prompt in hotline
    )
    assert "社保卡挂失补办，请按1" in spoken(call.press("2"))

    replies = [
        (event["text"], event["metadata"]["voice"]["digits"])
        for event in user_events(call.tracker())[1:]
    ]
    assert replies == [("/card_lost", "1"), ("找不回来了", "2"), ("还没挂失", "2")]


def test_a_sub_menu_leads_to_its_topics(call):
    call.start()
    contract = spoken(call.press("5"))
    assert "单位没签劳动合同，请按1" in contract and "返回主菜单，请按9" in contract
    assert "干了多久" in spoken(call.press("1"))
    assert call.tracker()["slots"]["topic"] == "contract_not_signed"


def test_a_number_can_be_typed_as_the_reply(call):
    call.start()
    call.press("4")
    question = call.press("2")
    assert "交了几年" in spoken(question) and question["listen"]["max_digits"] > 1
    assert "不会清零" in spoken(call.press("12#"))
    assert "还差约3年" in spoken(call.press("1"))


def test_unclear_speech_is_asked_again_then_the_keypad_is_offered(call):
    call.start()
    call.say("我的社保卡丢了")
    events_before = len(user_events(call.tracker()))
    assert spoken(call.say("找不回来", confidence=0.3)) == ASK_TO_REPEAT
    offer = call.say("找不回", confidence=0.2)
    assert offer["prompts"][0]["text"] == OFFER_KEYS
    assert "可能还能找到，请按1。找不回来了，请按2。" in spoken(offer)
    assert len(user_events(call.tracker())) == events_before
    assert spoken(call.press("2")) == SPOKEN_TEMPORARY_LOSS


def test_silence_is_asked_again_then_transferred_with_context(call):
    call.start()
    call.say("我的社保卡丢了")
    again = call.silence()
    assert spoken(again) == NOT_HEARD + SPOKEN_FINDABLE and again["action"] == "listen"
    transfer = call.silence()
    assert transfer["action"] == "transfer" and spoken(transfer) == NOT_HEARD_TWICE
    assert transfer["transfer"]["reason"] == "no_input"
    assert transfer["transfer"]["target"] == "human_agents"
    assert transfer["transfer"]["context"]["topic"] == "card_lost"
    assert transfer["transfer"]["context"]["last_prompt"] == SPOKEN_FINDABLE


def test_asking_for_a_person_transfers_with_what_the_caller_said(call):
    call.start()
    call.say("我的社保卡丢了")
    call.say("找不回来了")
    transfer = call.say("我要转人工")
    assert transfer["action"] == "transfer"
    assert spoken(transfer) == "好的，正在为您转接人工服务，请稍候。"
    assert transfer["transfer"]["reason"] == "caller_request"
    assert transfer["transfer"]["context"] == {
        "topic": "card_lost",
        "topic_title": "社保卡丢了，怎么挂失、补办",
        "slots": {"card_findable": False},
        "last_prompt": SPOKEN_TEMPORARY_LOSS,
        "recent_utterances": ["我的社保卡丢了", "找不回来了", "我要转人工"],
        "caller": MASKED_CALLER,
    }


def test_zero_transfers_with_the_answers_given_by_keypad(call):
    call.start()
    call.press("1")
    call.press("1")
    transfer = call.press("0")
    assert transfer["action"] == "transfer" and spoken(transfer) == TO_HUMAN
    context = transfer["transfer"]["context"]
    assert context["slots"] == {"card_findable": True}
    assert context["last_prompt"] == SPOKEN_TEMPORARY_LOSS


def test_hangup_ends_the_session(call):
    call.start()
    call.say("我的社保卡丢了")
    assert call.tracker()["active_loop"]["name"] == "consultation_form"
    ended = call.hang_up()
    assert ended["action"] == "hangup" and ended["prompts"] == []
    tracker = call.tracker()
    kinds = [event["event"] for event in tracker["events"]]
    session_start = len(kinds) - 1 - kinds[::-1].index("session_started")
    assert "user" not in kinds[session_start:]
    assert tracker["active_loop"] == {} and tracker["slots"]["topic"] is None
    assert tracker["slots"]["voice_call"]["ended"] is True
    again = call.say("我交了十二年养老保险，断缴了还算吗")
    assert "不会清零" in spoken(again)


def test_goodbye_hangs_up(call):
    call.start()
    goodbye = call.say("再见")
    assert goodbye["action"] == "hangup" and spoken(goodbye) == "感谢您的来电，再见！"
    assert call.hang_up()["action"] == "hangup"


def test_a_repeated_turn_gets_the_same_reply_and_is_processed_once(call):
    call.start()
    first = call.post("speech", turn_id="asked", text="我的社保卡丢了", confidence=0.9)
    again = call.post("speech", turn_id="asked", text="我的社保卡丢了", confidence=0.9)
    assert again == first
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(
                call.post("speech", turn_id="at-once", text="找不回来了", confidence=0.9)
            )
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(result == results[0] for result in results)
    assert spoken(results[0]) == SPOKEN_TEMPORARY_LOSS
    turn_ids = [event["metadata"]["voice"]["turn_id"] for event in user_events(call.tracker())]
    assert turn_ids == ["turn-1", "asked", "at-once"]
    late = requests.post(
        call.server_url + WEBHOOK,
        timeout=30,
        headers={"Authorization": f"Bearer {VOICE_TOKEN}"},
        json={
            "version": "1",
            "call_id": call.call_id,
            "turn_id": "asked",
            "event": "speech",
            "text": "我的社保卡丢了",
        },
    )
    assert late.status_code == 409 and "answered before" in late.json()["error"]


def test_the_channel_speaks_its_own_wording(call):
    call.start()
    answer = call.say("住房公积金怎么提取出来")
    assert "请按0转人工服务" in spoken(answer)
    for prompt in answer["prompts"]:
        check_ssml(prompt["ssml"])


def post_raw(rasa_server, data, token=VOICE_TOKEN, content_type="application/json"):
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(rasa_server.url + WEBHOOK, data=data, headers=headers, timeout=30)


def request(**fields):
    body = {"version": "1", "call_id": f"bad-{uuid.uuid4().hex}", "turn_id": "1", "event": "start"}
    body.update(fields)
    return json.dumps({k: v for k, v in body.items() if v is not None}).encode("utf-8")


@pytest.mark.parametrize(
    "data, token, status",
    [
        (request(), None, 401),
        (request(), "wrong-token", 401),
        (request(), "", 401),
        (b"{not json", VOICE_TOKEN, 400),
        (b"\xff\xfe\x00", VOICE_TOKEN, 400),
        (b"[1, 2]", VOICE_TOKEN, 400),
        (request(call_id=None), VOICE_TOKEN, 400),
        (request(turn_id=None), VOICE_TOKEN, 400),
        (request(version=None), VOICE_TOKEN, 400),
        (request(version="0"), VOICE_TOKEN, 400),
        (request(event=None), VOICE_TOKEN, 400),
        (request(event="ringing"), VOICE_TOKEN, 400),
        (request(event="speech"), VOICE_TOKEN, 400),
        (request(event="dtmf"), VOICE_TOKEN, 400),
        (request(event="dtmf", digits="1x"), VOICE_TOKEN, 400),
        (request(event="speech", text="好", confidence=7), VOICE_TOKEN, 400),
        (request(caller=[1]), VOICE_TOKEN, 400),
        (b"{" + b" " * MAX_BODY_BYTES + b"}", VOICE_TOKEN, 413),
    ],
)
def test_bad_requests_are_answered_4xx_and_the_line_keeps_serving(rasa_server, data, token, status):
    response = post_raw(rasa_server, data, token)
    assert response.status_code == status
    assert response.json()["error"]
    follow_up = Call(rasa_server.url, VOICE_TOKEN).start()
    assert follow_up["action"] == "listen"


def test_over_long_speech_is_cut_before_it_is_understood(call):
    call.start()
    answer = call.say("我的社保卡丢了，" * 100)
    assert spoken(answer).startswith("卡还有可能找回来吗")
    said = user_events(call.tracker())[-1]["text"]
    assert len(said) == MAX_INPUT_CHARS


def test_the_webhook_answers_health_checks(rasa_server):
    response = requests.get(rasa_server.url + "/webhooks/voice12333/", timeout=10)
    assert response.json() == {"status": "ok"}
