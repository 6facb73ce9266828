"""Replies that miss the deadline: `success` at once, the answer by the customer-service API.

The server's channel is configured by environment variables only, with a deadline (0.01 s) that
no turn calling the action server can meet; the customer-service API is a local fake on 127.0.0.1.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from channels.wechat.messages import VOICE_NOT_RECOGNISED
from tests.support import new_openid
from tests.wechat_simulator import (
    WeChatSimulator,
    message_xml,
    next_msg_id,
    text_xml,
    user_events,
)


@pytest.fixture(scope="module")
def wechat(slow_wechat_server):
    return WeChatSimulator(slow_wechat_server.url)


def test_a_late_reply_is_success_now_and_the_answer_by_customer_service(wechat, fake_wechat_api):
    openid = new_openid()
    started = time.monotonic()
    reply = wechat.post(text_xml(openid, "我的社保卡丢了"))
    assert reply.status == 200 and reply.body == "success"
    assert time.monotonic() - started < 4.5
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(openid))
    [sent] = fake_wechat_api.sent_to(openid)
    assert "卡还有可能找回来吗" in sent.content
    assert "1. 可能还能找到\n2. 找不回来了" in sent.content
    assert "找回来".encode("utf-8") in sent.raw and b"\\u" not in sent.raw


def test_retries_of_a_late_message_are_answered_once(wechat, fake_wechat_api, slow_wechat_server):
    openid = new_openid()
    xml = text_xml(openid, "养老金资格认证怎么弄", next_msg_id())
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda _: wechat.post(xml), range(3)))
    assert [reply.body for reply in replies] == ["success"] * 3
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(openid))
    assert wechat.post(xml).body == "success"  # a replay after delivery
    time.sleep(1.0)
    assert len(fake_wechat_api.sent_to(openid)) == 1
    assert len(user_events(slow_wechat_server.url, openid)) == 1


def test_an_expired_access_token_is_replaced_and_the_reply_still_arrives(wechat, fake_wechat_api):
    warm_up = new_openid()  # makes sure the channel holds a token before it expires
    wechat.post(text_xml(warm_up, "社保卡丢了怎么补办"))
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(warm_up))
    tokens_before = len(fake_wechat_api.token_requests)
    fake_wechat_api.expire_tokens()
    openid = new_openid()
    assert wechat.post(text_xml(openid, "我的社保卡丢了")).body == "success"
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(openid))
    assert len(fake_wechat_api.token_requests) == tokens_before + 1
    refused = [sent for sent in fake_wechat_api.refused if sent.touser == openid]
    assert (
        len(refused) == 1
        and refused[0].access_token != fake_wechat_api.sent_to(openid)[0].access_token
    )


def test_a_numbered_answer_works_when_replies_come_late(wechat, fake_wechat_api):
    openid = new_openid()
    wechat.post(text_xml(openid, "我的社保卡丢了"))
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(openid))
    reply = wechat.post(text_xml(openid, "2"))
    if reply.body == "success":
        fake_wechat_api.wait_for(lambda: len(fake_wechat_api.sent_to(openid)) == 2)
        answer = fake_wechat_api.sent_to(openid)[1].content
    else:  # a turn that never waits on the action server can finish within even this deadline
        answer = reply.content
    assert "已经办了临时挂失吗" in answer


def test_answers_that_need_no_assistant_stay_passive(wechat, fake_wechat_api):
    openid = new_openid()
    voice = message_xml(openid, "voice", MediaId="m", Format="amr", MsgId=next_msg_id())
    assert wechat.post(voice).content == VOICE_NOT_RECOGNISED
    assert fake_wechat_api.sent_to(openid) == []
