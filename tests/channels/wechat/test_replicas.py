"""WeChat served by two Rasa replicas (production profile: PostgreSQL tracker store, Redis lock
store and the channel's state in Redis) with one action server, behind a TCP proxy that can
slow it down, and the local fake of WeChat's API.

Requests go to whichever replica the test picks, as nginx spreads them.
"""

import dataclasses
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests

from channels.wechat.channel import MORE_KEPT, PREPARING
from channels.wechat.handoff import ASKED, NOTICES, STUCK
from tests.support import FINDABLE, TEMPORARY_LOSS, new_openid
from tests.tcp_proxy import TcpProxy
from tests.wechat_simulator import (
    APP_ID,
    APP_SECRET,
    OFFICIAL_ACCOUNT,
    TOKEN,
    WeChatSimulator,
    event_xml,
    next_msg_id,
    text_xml,
    user_events,
)
from tools.servers import ROOT, launch_rasa_server, wait_until_ready

KF_ACCOUNT = f"kf2001@{OFFICIAL_ACCOUNT}"
IDLE_MINUTES = 0.1  # the assistant answers again after 6 quiet seconds
# Replicas start side by side, and take longer so on a busy machine.
STARTUP_SECONDS = 600
# The action server's answers take this long: beyond the 4.5-second deadline, well within the
# 10-second turn timeout.
SLOW = 5.0


@pytest.fixture(scope="module")
def stores(postgres, redis_lock_store):
    """The cluster's Redis keys under a prefix of this module's own."""
    return postgres, dataclasses.replace(
        redis_lock_store, key_prefix=f"wechat{uuid.uuid4().hex[:8]}"
    )


@pytest.fixture(scope="module")
def proxy(action_server):
    port = int(action_server.url.rsplit(":", 1)[1])
    proxy = TcpProxy("127.0.0.1", port).open()
    yield proxy
    proxy.close()


def start_replicas(log_dir, names, stores, proxy, fake_wechat_api, **settings):
    postgres, redis_service = stores
    env = {
        **postgres.environment(),
        **redis_service.environment(),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{proxy.port}/webhook",
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": APP_SECRET,
        "WECHAT_API_BASE_URL": fake_wechat_api.url,
        **settings,
    }
    servers = [
        launch_rasa_server(
            log_dir,
            "",
            name=name,
            credentials="channels.wechat.WeChatInput:\n",
            endpoints=ROOT / "endpoints.production.yml",
            env=env,
        )
        for name in names
    ]
    try:
        return [wait_until_ready(server, "/status", STARTUP_SECONDS) for server in servers]
    except Exception:
        for server in servers:
            server.stop()
        raise


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, stores, proxy, fake_wechat_api):
    fake_wechat_api.kf_accounts.add(KF_ACCOUNT)
    servers = start_replicas(
        tmp_path_factory.mktemp("wechat-replicas"),
        ["rasa-a", "rasa-b"],
        stores,
        proxy,
        fake_wechat_api,
        WECHAT_HANDOFF_ACCOUNT=KF_ACCOUNT,
        WECHAT_HANDOFF_IDLE_MINUTES=str(IDLE_MINUTES),
    )
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def a(cluster):
    return WeChatSimulator(cluster[0].url)


@pytest.fixture(scope="module")
def b(cluster):
    return WeChatSimulator(cluster[1].url)


def redis_client(stores):
    return redis.Redis(decode_responses=True, **stores[1].client_options())


def turn_key(stores, openid, msg_id):
    return f"{stores[1].key_prefix}:wechat:turn:{openid}:msg:{msg_id}"


def turns_of(cluster, openid, msg_id):
    return [e for e in user_events(cluster[1].url, openid) if e["message_id"] == str(msg_id)]


def test_retries_on_both_replicas_give_one_turn_and_the_same_reply(cluster, a, b):
    openid, msg_id = new_openid(), next_msg_id()
    xml = text_xml(openid, "养老金资格认证怎么弄", msg_id)
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(pool.map(lambda wechat: wechat.post(xml), [a, b, a]))
    assert [reply.status for reply in replies] == [200, 200, 200]
    assert len({reply.content for reply in replies}) == 1
    assert "领养老金的人现在住在哪里" in replies[0].content
    assert b.post(xml).content == replies[0].content  # a replay after the turn finished
    assert len(turns_of(cluster, openid, msg_id)) == 1
    assert len(user_events(cluster[0].url, openid)) == 1


def test_a_numbered_option_is_answered_on_the_other_replica(a, b):
    openid = new_openid()
    assert "2. 找不回来了" in a.post(text_xml(openid, "我的社保卡丢了")).content
    assert TEMPORARY_LOSS in b.post(text_xml(openid, "2")).content
    answer = a.post(text_xml(openid, "2")).content
    assert "尽快办理临时挂失" in answer


def test_a_turn_stored_by_a_replica_that_stopped_is_answered_again_not_run_again(
    cluster, stores, a, b
):
    openid, msg_id = new_openid(), next_msg_id()
    xml = text_xml(openid, "我的社保卡丢了", msg_id)
    first = a.post(xml).content
    # As a replica leaves it that stopped after the turn was stored, before its result was.
    redis_client(stores).hset(
        turn_key(stores, openid, msg_id), mapping={"done": 0, "lease_until": 0}
    )
    assert b.post(xml).content == first
    assert len(turns_of(cluster, openid, msg_id)) == 1


def test_late_answers_of_both_replicas_share_one_access_token(a, b, proxy, fake_wechat_api):
    alice, bob = new_openid(), new_openid()
    proxy.delay = SLOW
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(
                pool.map(
                    lambda sent: sent[0].post(text_xml(sent[1], "我的社保卡丢了")),
                    [(a, alice), (b, bob)],
                )
            )
    finally:
        proxy.delay = 0
    assert [reply.body for reply in replies] == ["success", "success"]
    fake_wechat_api.wait_for(
        lambda: fake_wechat_api.sent_to(alice) and fake_wechat_api.sent_to(bob)
    )
    [to_alice], [to_bob] = fake_wechat_api.sent_to(alice), fake_wechat_api.sent_to(bob)
    assert FINDABLE in to_alice.content and FINDABLE in to_bob.content
    assert to_alice.access_token == to_bob.access_token
    assert len(fake_wechat_api.token_requests) == 1  # one fetch for both replicas


def test_asking_for_a_person_hands_over_with_a_summary_for_the_agent(
    cluster, a, b, fake_wechat_api
):
    openid = new_openid()
    a.post(text_xml(openid, "我的社保卡丢了"))
    b.post(text_xml(openid, "找不回来了"))
    reply = a.post(text_xml(openid, "转人工"))
    assert reply.xml["MsgType"] == "transfer_customer_service"
    assert reply.xml["TransInfo"]["KfAccount"] == KF_ACCOUNT
    assert reply.xml["ToUserName"] == openid and reply.xml["FromUserName"] == OFFICIAL_ACCOUNT
    [session] = fake_wechat_api.sessions_of(openid)
    assert session.kf_account == KF_ACCOUNT
    assert "转人工原因：用户要求转人工" in session.text
    assert "咨询主题：社保卡丢了" in session.text
    assert f"{FINDABLE} 找不回来了" in session.text
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(openid))
    assert [sent.content for sent in fake_wechat_api.sent_to(openid)] == [NOTICES[ASKED]]
    stored = len(user_events(cluster[0].url, openid))

    # The person serves the follower: their messages go to the person, on either replica.
    for wechat, text in ((b, "你好，我的卡丢了"), (a, "身份证110101199003071234")):
        passed_on = wechat.post(text_xml(openid, text))
        assert passed_on.xml["MsgType"] == "transfer_customer_service"
    assert len(user_events(cluster[0].url, openid)) == stored  # the assistant stayed silent

    # The agent closes the session: the assistant answers again.
    assert b.post(event_xml(openid, "kf_close_session", KfAccount=KF_ACCOUNT)).body == "success"
    assert "不客气" in a.post(text_xml(openid, "谢谢")).content


def test_two_failed_turns_in_a_row_hand_over(a, b, fake_wechat_api):
    openid = new_openid()
    assert "换个说法" in a.post(text_xml(openid, "7")).content  # a bare number, nothing asked
    reply = b.post(text_xml(openid, "99"))
    assert reply.xml["MsgType"] == "transfer_customer_service"
    [session] = fake_wechat_api.sessions_of(openid)
    assert "转人工原因：智能助手连续两次没能解答" in session.text
    fake_wechat_api.wait_for(lambda: fake_wechat_api.sent_to(openid))
    assert [sent.content for sent in fake_wechat_api.sent_to(openid)] == [NOTICES[STUCK]]


def test_a_failed_turn_between_good_ones_does_not_hand_over(a, b, fake_wechat_api):
    openid = new_openid()
    assert "换个说法" in a.post(text_xml(openid, "7")).content
    assert "不客气" in b.post(text_xml(openid, "谢谢")).content
    assert "换个说法" in a.post(text_xml(openid, "99")).content
    assert fake_wechat_api.sessions_of(openid) == []


def test_the_assistant_answers_again_after_the_idle_time(a, b, fake_wechat_api):
    openid = new_openid()
    assert a.post(text_xml(openid, "转人工")).xml["MsgType"] == "transfer_customer_service"
    time.sleep(IDLE_MINUTES * 60 + 1)
    assert "不客气" in b.post(text_xml(openid, "谢谢")).content


def test_a_replica_killed_mid_answer_leaves_the_answer_to_the_other(
    cluster, a, b, proxy, fake_wechat_api
):
    replica_a = cluster[0]
    openid, msg_id = new_openid(), next_msg_id()
    xml = text_xml(openid, "我的社保卡丢了", msg_id)
    connections = proxy.accepted
    proxy.delay = SLOW
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(a.post, xml)
        deadline = time.monotonic() + 30
        while proxy.accepted == connections:  # replica a is waiting for the action server
            assert time.monotonic() < deadline, "replica a never called the action server"
            time.sleep(0.02)
        replica_a.kill()
        proxy.delay = 0
        with pytest.raises(requests.ConnectionError):
            first.result()
    time.sleep(5)  # WeChat retries after 5 seconds
    retry = b.post(xml)
    time.sleep(2)  # anything sent twice would be there by now
    sent = [s.content for s in fake_wechat_api.sent_to(openid)]
    answers = sent + ([retry.content] if retry.xml else [])
    assert len(answers) == 1 and FINDABLE in answers[0]
    third = b.post(xml)  # WeChat's third try gets what the second got
    assert (third.xml and third.content) == (retry.xml and retry.content)
    assert len(turns_of(cluster, openid, msg_id)) == 1


@pytest.fixture(scope="module")
def redis_proxy(stores):
    proxy = TcpProxy(stores[1].host, stores[1].port).open()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def pull_replica(tmp_path_factory, cluster, stores, proxy, redis_proxy, fake_wechat_api):
    """A replica for an account without the customer-service API (after the kill above),
    reaching Redis through a proxy that a test closes."""
    [server] = start_replicas(
        tmp_path_factory.mktemp("wechat-pull"),
        ["rasa-pull"],
        stores,
        proxy,
        fake_wechat_api,
        WECHAT_LATE_ANSWERS="next_message",
        WECHAT_REPLY_DEADLINE="2",
        RASA_REDIS_HOST="127.0.0.1",
        RASA_REDIS_PORT=str(redis_proxy.port),
    )
    yield server
    server.stop()


def test_without_the_customer_service_api_a_late_answer_waits_for_the_next_message(
    pull_replica, stores, proxy, fake_wechat_api
):
    wechat = WeChatSimulator(pull_replica.url)
    openid = new_openid()
    proxy.delay = 3
    try:
        assert wechat.post(text_xml(openid, "我的社保卡丢了")).content == PREPARING
    finally:
        proxy.delay = 0
    kept = f"{stores[1].key_prefix}:wechat:kept:{openid}"
    deadline = time.monotonic() + 30
    while not redis_client(stores).exists(kept):
        assert time.monotonic() < deadline, "the late answer was never kept"
        time.sleep(0.05)
    shown = wechat.post(text_xml(openid, "好"))
    assert FINDABLE in shown.content and "2. 找不回来了" in shown.content
    assert MORE_KEPT not in shown.content
    assert [e["text"] for e in user_events(pull_replica.url, openid)] == ["我的社保卡丢了"]
    assert TEMPORARY_LOSS in wechat.post(text_xml(openid, "2")).content
    assert fake_wechat_api.sent_to(openid) == []


def test_an_unreachable_redis_is_answered_with_the_apology_and_the_replica_recovers(
    pull_replica, redis_proxy
):
    wechat = WeChatSimulator(pull_replica.url)
    openid = new_openid()
    redis_proxy.close()
    try:
        reply = wechat.post(text_xml(openid, "谢谢"))
        assert reply.status == 200 and "12333" in reply.content
    finally:
        redis_proxy.open()
    deadline = time.monotonic() + 30
    while "不客气" not in wechat.post(text_xml(openid, "谢谢")).content:
        assert time.monotonic() < deadline, "the replica did not recover"
        time.sleep(1)
