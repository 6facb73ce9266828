"""Late answers kept until sent, against the local fake of WeChat's API over real HTTP."""

import asyncio
import logging
import time

import pytest

from channels.wechat.api import CustomerServiceClient
from channels.wechat.outbox import MAX_TRIES, Outbox, pause_after
from channels.wechat.state import LocalState
from tests.fake_wechat_api import FakeWeChatApi
from tests.wechat_simulator import APP_ID, APP_SECRET


@pytest.fixture
def api():
    fake = FakeWeChatApi(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()


def run(api, scenario):
    async def main():
        state = LocalState()
        client = CustomerServiceClient(APP_ID, APP_SECRET, api.url, state)
        try:
            return await scenario(state, Outbox(state, client))
        finally:
            await client.close()

    return asyncio.run(main())


async def sent_or_dropped(state, seconds=5.0):
    """Waits until nothing is left to send."""
    deadline = time.monotonic() + seconds
    while await state.deliveries():
        if time.monotonic() > deadline:
            raise AssertionError(f"still to send: {await state.deliveries()}")
        await asyncio.sleep(0.02)


def test_an_answer_goes_out_in_order_and_is_removed(api):
    async def scenario(state, outbox):
        await outbox.add("alice:msg:1", "alice", ["第一部分。", "第二部分。"])
        kept = await state.deliveries()
        await sent_or_dropped(state)
        return kept

    assert run(api, scenario)["alice:msg:1"]["texts"] == ["第一部分。", "第二部分。"]
    assert [sent.content for sent in api.sent_to("alice")] == ["第一部分。", "第二部分。"]


def test_a_refusal_for_good_drops_the_answer_with_a_log_line(api, caplog):
    api.errors_for["gone"] = 45015

    async def scenario(state, outbox):
        await outbox.add("gone:msg:1", "gone", ["一"])
        await sent_or_dropped(state)

    with caplog.at_level(logging.ERROR, logger="channels.wechat.outbox"):
        run(api, scenario)
    assert api.sent == [] and len(api.refused) == 1
    assert "48 hours" in caplog.text and "45015" in caplog.text


def test_a_passing_failure_is_tried_again_later_from_the_part_not_sent(api):
    api.busy_sends = 1

    async def scenario(state, outbox):
        await state.add_delivery(
            "alice:msg:1",
            {"openid": "alice", "texts": ["一", "二"], "sent": 1, "tries": 0, "next_try": 0},
        )
        await outbox.sweep()
        waiting = await state.deliveries()
        # The pause is over.
        await state.update_delivery("alice:msg:1", {**waiting["alice:msg:1"], "next_try": 0})
        await outbox.sweep()
        return waiting, await state.deliveries()

    waiting, left = run(api, scenario)
    assert waiting["alice:msg:1"]["tries"] == 1
    assert waiting["alice:msg:1"]["next_try"] > time.time()
    assert left == {}
    assert [sent.content for sent in api.sent_to("alice")] == ["二"]  # part one went out before


def test_a_sweeper_sends_what_a_stopped_replica_left(api):
    async def scenario(state, outbox):
        # Kept by a replica that stopped before sending: its claim has run out.
        await state.add_delivery(
            "bob:msg:7",
            {"openid": "bob", "texts": ["留下的答案"], "sent": 0, "tries": 0, "next_try": 0},
        )
        return await outbox.sweep(), await state.deliveries()

    assert run(api, scenario) == (1, {})
    assert [sent.content for sent in api.sent_to("bob")] == ["留下的答案"]


def test_an_answer_is_dropped_after_its_last_try(api):
    api.busy_sends = 100

    async def scenario(state, outbox):
        item = {
            "openid": "alice",
            "texts": ["一"],
            "sent": 0,
            "tries": MAX_TRIES - 1,
            "next_try": 0,
        }
        await state.add_delivery("alice:msg:1", item)
        await outbox.sweep()
        return await state.deliveries()

    assert run(api, scenario) == {}
    assert api.sent == []


def test_pauses_grow_and_stay_bounded():
    assert [pause_after(tries) for tries in (1, 2, 3)] == [2.0, 4.0, 8.0]
    assert pause_after(20) == 60.0
