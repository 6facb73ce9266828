"""The customer-service client against a local fake of WeChat's API, over real HTTP."""

import asyncio

import pytest

from channels.wechat.api import CustomerServiceClient, WeChatApiError, token_lifetime
from channels.wechat.state import LocalState
from tests.fake_wechat_api import FakeWeChatApi, Session
from tests.wechat_simulator import APP_ID, APP_SECRET
from tools.servers import free_port


@pytest.fixture
def api():
    fake = FakeWeChatApi(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()


def run_with_client(base_url, scenario, secret=APP_SECRET, clock=None):
    async def main():
        tokens = LocalState(clock=clock) if clock else LocalState()
        client = CustomerServiceClient(APP_ID, secret, base_url, tokens)
        try:
            return await scenario(client)
        finally:
            await client.close()

    return asyncio.run(main())


def run_with_replicas(base_url, scenario, replicas=2):
    """Clients that share one state, as replicas share Redis."""

    async def main():
        tokens = LocalState()
        clients = [
            CustomerServiceClient(APP_ID, APP_SECRET, base_url, tokens) for _ in range(replicas)
        ]
        try:
            return await scenario(clients)
        finally:
            for client in clients:
                await client.close()

    return asyncio.run(main())


def test_texts_are_sent_as_utf8_json_with_one_cached_token(api):
    async def scenario(client):
        await client.send_text("alice", "您好，社保卡丢了请先挂失。")
        await client.send_text("alice", "第二条")

    run_with_client(api.url, scenario)
    assert len(api.token_requests) == 1
    assert api.token_requests[0] == {
        "grant_type": "client_credential",
        "appid": APP_ID,
        "secret": APP_SECRET,
    }
    first, second = api.sent_to("alice")
    assert first.access_token == second.access_token == "token-1"
    assert first.body == {
        "touser": "alice",
        "msgtype": "text",
        "text": {"content": "您好，社保卡丢了请先挂失。"},
    }
    assert "社保卡".encode("utf-8") in first.raw and b"\\u" not in first.raw


def test_an_expired_token_is_replaced_and_the_send_retried_once(api):
    async def scenario(client):
        await client.send_text("alice", "一")
        api.expire_tokens()
        await client.send_text("alice", "二")

    run_with_client(api.url, scenario)
    assert [sent.content for sent in api.sent_to("alice")] == ["一", "二"]
    assert [sent.access_token for sent in api.sent_to("alice")] == ["token-1", "token-2"]
    assert [refused.access_token for refused in api.refused] == ["token-1"]
    assert len(api.token_requests) == 2


def test_a_token_is_fetched_again_shortly_before_it_expires(api):
    now = [0.0]

    async def scenario(client):
        await client.send_text("alice", "一")
        now[0] = token_lifetime(api.expires_in) - 1
        await client.send_text("alice", "二")
        now[0] = token_lifetime(api.expires_in) + 1
        await client.send_text("alice", "三")

    run_with_client(api.url, scenario, clock=lambda: now[0])
    assert [sent.access_token for sent in api.sent_to("alice")] == ["token-1", "token-1", "token-2"]
    assert api.refused == []
    assert token_lifetime(7200) == 6900 and token_lifetime("junk") == 6900


def test_concurrent_sends_share_one_token_request(api):
    async def scenario(client):
        await asyncio.gather(*(client.send_text("alice", str(number)) for number in range(5)))

    run_with_client(api.url, scenario)
    assert len(api.token_requests) == 1
    assert len(api.sent_to("alice")) == 5


def test_replicas_sharing_the_state_fetch_one_token_and_refresh_it_once(api):
    async def scenario(clients):
        await asyncio.gather(*(client.send_text("alice", "一") for client in clients * 3))
        api.expire_tokens()
        await asyncio.gather(*(client.send_text("alice", "二") for client in clients * 3))

    run_with_replicas(api.url, scenario)
    assert len(api.token_requests) == 2
    assert [sent.access_token for sent in api.sent_to("alice")] == ["token-1"] * 6 + ["token-2"] * 6
    assert {refused.access_token for refused in api.refused} == {"token-1"}


def test_a_session_with_an_agent_is_opened_with_the_summary(api):
    api.kf_accounts.add("kf2001@gh_test")

    async def scenario(client):
        await client.create_session("kf2001@gh_test", "alice", "咨询主题：社保卡丢了")
        with pytest.raises(WeChatApiError) as raised:
            await client.create_session("kf9999@gh_test", "alice", "没有这个客服")
        return raised.value.errcode

    assert run_with_client(api.url, scenario) == 65401
    assert api.sessions_of("alice") == [Session("kf2001@gh_test", "alice", "咨询主题：社保卡丢了")]


def test_long_replies_go_out_as_several_messages_in_order(api):
    parts = ["第一部分。", "第二部分。", "第三部分。"]

    async def scenario(client):
        await client.send_texts("alice", parts)

    run_with_client(api.url, scenario)
    assert [sent.content for sent in api.sent_to("alice")] == parts


def test_refusals_are_errors_that_name_the_errcode_and_stop_the_sequence(api):
    api.errors_for["gone"] = 45015  # the follower's 48-hour window has passed

    async def scenario(client):
        await client.send_texts("gone", ["一", "二"])

    with pytest.raises(WeChatApiError) as raised:
        run_with_client(api.url, scenario)
    assert raised.value.errcode == 45015
    assert "message 1 of 2" in str(raised.value) and "45015" in str(raised.value)
    assert len(api.refused) == 1


def test_a_wrong_secret_gets_no_token_and_the_secret_is_not_in_the_error(api):
    async def scenario(client):
        await client.send_text("alice", "一")

    with pytest.raises(WeChatApiError) as raised:
        run_with_client(api.url, scenario, secret="wrong-secret")
    assert raised.value.errcode == 40125
    assert "wrong-secret" not in str(raised.value)
    assert api.sent == []


def test_an_unreachable_api_is_an_error_not_a_crash():
    async def scenario(client):
        await client.send_text("alice", "一")

    with pytest.raises(WeChatApiError, match="/cgi-bin/token"):
        run_with_client(f"http://127.0.0.1:{free_port()}", scenario)
