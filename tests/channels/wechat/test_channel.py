"""The WeChat channel over real HTTP, in front of the trained assistant and the action server.

Requests are signed and (in safe mode) encrypted with wechatpy exactly as WeChat's servers do.
"""

import base64
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from channels.core.requests import MAX_BODY_BYTES
from channels.wechat.messages import TEXT_OR_VOICE_ONLY, VOICE_NOT_RECOGNISED
from tests.support import new_openid
from tests.wechat_simulator import (
    ENCODING_AES_KEY,
    OFFICIAL_ACCOUNT,
    WEBHOOK,
    WeChatSimulator,
    event_xml,
    message_xml,
    next_msg_id,
    text_xml,
    user_events,
)


def slot_values(rasa_url, sender_id, *slots):
    tracker = requests.get(f"{rasa_url}/conversations/{sender_id}/tracker", timeout=30).json()
    return tuple(tracker["slots"][slot] for slot in slots)


@pytest.fixture(scope="module")
def wechat(wechat_server):
    return WeChatSimulator(wechat_server.url, encoding_aes_key=ENCODING_AES_KEY)


def assert_still_serving(wechat):
    reply = wechat.post(text_xml(new_openid(), "谢谢"))
    assert reply.status == 200 and "不客气" in reply.content


def test_without_settings_the_channel_answers_503_and_logs_why(rasa_server):
    base = rasa_server.url + "/webhooks/wechat"
    assert requests.get(base + "/", timeout=30).status_code == 503
    assert requests.get(base + "/webhook", params={"echostr": "x"}, timeout=30).status_code == 503
    assert requests.post(base + "/webhook", data=b"<xml/>", timeout=30).status_code == 503
    log = rasa_server.log.read_text(encoding="utf-8", errors="replace")
    assert "The WeChat channel answers 503 until it is configured" in log
    assert "'token' is not set" in log
    rest = requests.post(
        f"{rasa_server.url}/webhooks/rest/webhook",
        json={"sender": "rest-still-works", "message": "谢谢"},
        timeout=30,
    )
    assert rest.status_code == 200 and rest.json()


def test_configured_channel_reports_healthy(wechat_server):
    response = requests.get(wechat_server.url + "/webhooks/wechat/", timeout=30)
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_url_verification_echoes_echostr_on_a_valid_signature(wechat):
    response = wechat.verify("8735391276543")
    assert response.status_code == 200
    assert response.text == "8735391276543"


@pytest.mark.parametrize(
    "overrides, status",
    [
        ({"signature": "0" * 40}, 403),
        ({"timestamp": "1"}, 403),
        ({"signature": None}, 400),
        ({"nonce": None}, 400),
        ({"echostr": None}, 400),
    ],
)
def test_forged_or_incomplete_verification_is_refused(wechat, overrides, status):
    query = {**wechat.signed_query(), "echostr": "x", **overrides}
    response = requests.get(
        wechat.url, params={k: v for k, v in query.items() if v is not None}, timeout=30
    )
    assert response.status_code == status
    assert response.text != "x"


def test_a_text_message_is_answered_passively_by_the_assistant(wechat, wechat_server):
    openid, msg_id = new_openid(), next_msg_id()
    reply = wechat.post(text_xml(openid, "我的社保卡丢了", msg_id))
    assert reply.status == 200
    assert reply.xml["MsgType"] == "text"
    assert reply.xml["ToUserName"] == openid and reply.xml["FromUserName"] == OFFICIAL_ACCOUNT
    assert (
        "卡还有可能找回来吗？比如可能落在家里了。\n1. 可能还能找到\n2. 找不回来了" in reply.content
    )
    [turn] = user_events(wechat_server.url, openid)
    assert turn["text"] == "我的社保卡丢了"
    assert turn["input_channel"] == "wechat"
    assert turn["message_id"] == str(msg_id)
    assert turn["metadata"]["channel"] == "wechat"
    assert turn["parse_data"]["intent"]["name"] == "card_lost"


def test_safe_mode_requests_get_encrypted_replies(wechat, wechat_server):
    openid = new_openid()
    reply = wechat.post(text_xml(openid, "我的社保卡丢了"), encrypted=True)
    assert reply.status == 200
    assert "<Encrypt>" in reply.body and "社保卡" not in reply.body
    assert "卡还有可能找回来吗" in reply.content
    assert reply.xml["ToUserName"] == openid
    assert [turn["text"] for turn in user_events(wechat_server.url, openid)] == ["我的社保卡丢了"]


def test_three_concurrent_retries_of_one_message_make_one_turn(wechat, wechat_server):
    openid = new_openid()
    xml = text_xml(openid, "养老金资格认证怎么弄", next_msg_id())
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda _: wechat.post(xml), range(3)))
    assert [reply.status for reply in replies] == [200, 200, 200]
    assert len({reply.content for reply in replies}) == 1
    assert "领养老金的人现在住在哪里" in replies[0].content
    assert len(user_events(wechat_server.url, openid)) == 1
    # A replay after the turn has finished gets the same answer and still no second turn.
    assert wechat.post(xml).content == replies[0].content
    assert len(user_events(wechat_server.url, openid)) == 1


def test_answering_with_a_number_picks_that_button(wechat, wechat_server):
    alice, bob = new_openid(), new_openid()
    for openid in (alice, bob):
        assert "2. 找不回来了" in wechat.post(text_xml(openid, "我的社保卡丢了")).content
    assert "已经办了临时挂失吗" in wechat.post(text_xml(alice, "2")).content
    assert "已经办了临时挂失吗" in wechat.post(text_xml(bob, "1"), encrypted=True).content
    answer = wechat.post(text_xml(alice, "2")).content
    assert "尽快办理临时挂失" in answer and "4. 没有了，谢谢" in answer
    assert "再见" in wechat.post(text_xml(alice, "4")).content
    # The follower's numbers reach the assistant as typed; it reads them against the options
    # it offered (the same on every channel).
    assert [turn["text"] for turn in user_events(wechat_server.url, alice)] == [
        "我的社保卡丢了",
        "2",
        "2",
        "4",
    ]
    assert slot_values(wechat_server.url, alice, "card_findable", "temporary_loss_done") == (
        False,
        False,
    )
    assert slot_values(wechat_server.url, bob, "card_findable") == (True,)
    # The options are gone once answered: a bare number is no answer to anything.
    reply = wechat.post(text_xml(alice, "2"))
    assert reply.status == 200 and "换个说法" in reply.content


def test_following_the_account_is_welcomed_with_the_menu(wechat, wechat_server):
    openid = new_openid()
    reply = wechat.post(event_xml(openid, "subscribe"))
    assert reply.content.startswith("欢迎关注！")
    assert "1. 社保卡丢了，怎么挂失、补办" in reply.content and "点下方的菜单" in reply.content
    # The menu is the assistant's, so its numbers can be answered.
    assert "实体社保卡现在是什么状态" in wechat.post(text_xml(openid, "3")).content


def test_a_menu_click_asks_about_its_intent(wechat, wechat_server):
    openid = new_openid()
    reply = wechat.post(event_xml(openid, "CLICK", EventKey="MENU_CARD_LOST"))
    assert "卡还有可能找回来吗" in reply.content
    [turn] = user_events(wechat_server.url, openid)
    assert turn["text"] == "/card_lost"
    assert turn["parse_data"]["intent"]["name"] == "card_lost"
    assert turn["metadata"]["event"] == "CLICK"
    unknown = wechat.post(event_xml(openid, "CLICK", EventKey="MENU_NO_LONGER_THERE"))
    assert "1. 社保卡丢了，怎么挂失、补办" in unknown.content


def test_voice_is_answered_from_its_recognised_text_or_asked_to_type(wechat, wechat_server):
    openid = new_openid()
    recognised = message_xml(
        openid,
        "voice",
        MediaId="media-1",
        Format="amr",
        Recognition="我的社保卡丢了。",
        MsgId=next_msg_id(),
    )
    assert "卡还有可能找回来吗" in wechat.post(recognised).content
    unrecognised = message_xml(
        openid, "voice", MediaId="media-2", Format="amr", MsgId=next_msg_id()
    )
    assert wechat.post(unrecognised).content == VOICE_NOT_RECOGNISED
    [turn] = user_events(wechat_server.url, openid)
    assert turn["text"] == "我的社保卡丢了。" and turn["metadata"]["source"] == "voice"


def test_unsubscribe_gets_no_message_and_media_a_polite_text_or_voice_only(wechat, wechat_server):
    openid = new_openid()
    assert wechat.post(event_xml(openid, "unsubscribe")).body == "success"
    for xml in (
        message_xml(
            openid, "image", PicUrl="http://example.org/a.jpg", MediaId="m", MsgId=next_msg_id()
        ),
        message_xml(
            openid,
            "location",
            Location_X="23.13",
            Location_Y="113.26",
            Scale="15",
            Label="广州市",
            MsgId=next_msg_id(),
        ),
        message_xml(
            openid,
            "link",
            Title="链接",
            Description="说明",
            Url="http://example.org",
            MsgId=next_msg_id(),
        ),
        message_xml(openid, "video", MediaId="m", ThumbMediaId="t", MsgId=next_msg_id()),
    ):
        assert wechat.post(xml).content == TEXT_OR_VOICE_ONLY
    assert user_events(wechat_server.url, openid) == []


def test_a_very_long_message_is_cut_before_nlu(wechat, wechat_server):
    openid = new_openid()
    reply = wechat.post(text_xml(openid, "我的社保卡丢了，" * 200))
    assert "卡还有可能找回来吗" in reply.content
    [turn] = user_events(wechat_server.url, openid)
    assert len(turn["text"]) == 500


def garbage_encrypt():
    return base64.b64encode(b"not a WeChat ciphertext, 32 byt").decode()


BAD_REQUESTS = {
    "malformed XML": (lambda w, o: w.post("<xml><Content>unclosed</xml>"), 400),
    "not WeChat XML": (lambda w, o: w.post("<html><body>hello</body></html>"), 400),
    "fields missing": (lambda w, o: w.post(f"<xml><FromUserName>{o}</FromUserName></xml>"), 400),
    "no query parameters": (
        lambda w, o: w.post(text_xml(o, "你好"), signature=None, timestamp=None, nonce=None),
        400,
    ),
    "no nonce": (lambda w, o: w.post(text_xml(o, "你好"), nonce=None), 400),
    "unknown encrypt_type": (lambda w, o: w.post(text_xml(o, "你好"), encrypt_type="rot13"), 400),
    "wrong signature": (lambda w, o: w.post(text_xml(o, "你好"), signature="f" * 40), 403),
    "safe mode without msg_signature": (
        lambda w, o: w.post(text_xml(o, "你好"), encrypted=True, msg_signature=None),
        400,
    ),
    "wrong msg_signature": (
        lambda w, o: w.post(text_xml(o, "你好"), encrypted=True, msg_signature="0" * 40),
        403,
    ),
    "signed ciphertext that does not decrypt": (
        lambda w, o: w.post_envelope(garbage_encrypt()),
        400,
    ),
    "safe mode envelope without Encrypt": (
        lambda w, o: w.post(
            "<xml><ToUserName>gh</ToUserName></xml>", encrypt_type="aes", msg_signature="0" * 40
        ),
        400,
    ),
    "body over 64 KB": (lambda w, o: w.post(text_xml(o, "你好" + " " * (MAX_BODY_BYTES + 1))), 413),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_requests_are_refused_without_reaching_the_tracker(wechat, wechat_server, case):
    send, status = BAD_REQUESTS[case]
    openid = new_openid()
    reply = send(wechat, openid)
    assert reply.status == status, reply.body
    assert user_events(wechat_server.url, openid) == []
    assert_still_serving(wechat)


def test_the_webhook_only_takes_get_and_post(wechat_server):
    response = requests.put(wechat_server.url + WEBHOOK, data=b"<xml/>", timeout=30)
    assert response.status_code == 405


def test_the_number_hint_is_only_under_questions_with_options(wechat):
    openid = new_openid()
    asked = wechat.post(text_xml(openid, "老板一直不跟我签劳动合同")).content
    assert "干了多久" in asked and "请回复数字选择" not in asked
    wage = wechat.post(text_xml(openid, "三个月")).content
    assert "1. 跳过" in wage and "请回复数字选择" not in wage
    lost = wechat.post(text_xml(new_openid(), "我的社保卡丢了")).content
    assert lost.endswith("请回复数字选择。")


def test_the_assistants_own_button_is_an_answer_on_wechat(wechat):
    openid = new_openid()
    wechat.post(text_xml(openid, "我爸退休了养老金资格认证咋弄"))
    wechat.post(text_xml(openid, "1"))  # 住在参保地
    assert "出不了门" in wechat.post(text_xml(openid, "2")).content  # 不会用
    assert "上门认证" in wechat.post(text_xml(openid, "出不了门")).content


def test_a_message_over_the_limit_is_answered_with_a_note_that_its_end_was_cut(wechat):
    reply = wechat.post(text_xml(new_openid(), "我的社保卡丢了，" * 100))
    assert reply.content.startswith("您的消息比较长，我先看了前500个字。")
    assert "卡还有可能找回来吗" in reply.content
