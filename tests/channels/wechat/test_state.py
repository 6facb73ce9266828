"""The WeChat channel's state, in this process (LocalState) and in real Redis (RedisState): the
same operations give the same results."""

import asyncio
import time

import pytest
import redis
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore
from redis.asyncio import Redis

from channels.wechat.redis_state import RedisState, state_for
from channels.wechat.state import (
    ALREADY,
    DELIVER,
    DONE,
    JOINED,
    OWNER_DELIVERS,
    RESTARTED,
    STARTED,
    SUPERSEDED,
    LocalState,
)

LONG = 30.0  # a lease or a lifetime that does not run out during a test
SHORT = 0.2  # one that has run out after PAST seconds
PAST = 0.5


def redis_client(service):
    return redis.Redis(**service.client_options())


@pytest.fixture(params=["local", pytest.param("redis", marks=pytest.mark.server)])
def make_state(request):
    """Runs a scenario against a fresh state of each kind."""
    if request.param == "local":
        yield lambda: LocalState()
        return
    service = request.getfixturevalue("redis_lock_store")
    prefix = f"{service.key_prefix}state{time.time_ns()}:"

    def make():
        return RedisState(Redis(decode_responses=True, **service.client_options()), prefix)

    yield make
    client = redis_client(service)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def run(make_state, scenario):
    async def main():
        state = make_state()
        try:
            return await scenario(state)
        finally:
            await state.close()

    return asyncio.run(main())


def test_a_turn_is_claimed_once_and_finished_by_its_owner(make_state):
    async def scenario(state):
        claims = [
            await state.claim_turn("k", "a", LONG, LONG),
            await state.claim_turn("k", "b", LONG, LONG),
        ]
        running = await state.turn("k")
        wrong_owner = await state.finish_turn("k", "b", {"parts": ["不是我"]})
        finished = await state.finish_turn("k", "a", {"parts": ["答复"]})
        again = await state.finish_turn("k", "a", {"parts": ["又一次"]})
        return claims, running, wrong_owner, finished, again, await state.turn("k")

    claims, running, wrong_owner, finished, again, record = run(make_state, scenario)
    assert claims == [STARTED, JOINED]
    assert running.owner == "a" and not running.done and running.attempts == 1
    assert running.lease_until > time.time()
    assert (wrong_owner, finished, again) == (SUPERSEDED, DONE, SUPERSEDED)
    assert record.done and not record.late and record.result == {"parts": ["答复"]}


def test_a_late_turn_is_delivered_once_by_whoever_has_its_result(make_state):
    async def scenario(state):
        await state.claim_turn("running", "a", LONG, LONG)
        handed = [await state.hand_over_turn("running") for _ in range(2)]
        finished = await state.finish_turn("running", "a", {"parts": ["晚了"]})
        await state.claim_turn("done", "a", LONG, LONG)
        await state.finish_turn("done", "a", {"parts": ["好了"]})
        handed_done = [await state.hand_over_turn("done") for _ in range(2)]
        return handed, finished, handed_done, await state.hand_over_turn("unknown")

    handed, finished, handed_done, unknown = run(make_state, scenario)
    assert handed == [(OWNER_DELIVERS, None), (ALREADY, None)]
    assert finished == DELIVER  # the runner delivers: someone ran out of time
    assert handed_done == [(DELIVER, {"parts": ["好了"]}), (ALREADY, None)]
    assert unknown == (ALREADY, None)


def test_a_turn_answered_in_a_response_never_goes_out_late_and_the_other_way_round(make_state):
    async def scenario(state):
        await state.claim_turn("passive", "a", LONG, LONG)
        too_early = await state.answer_turn_passively("passive")
        await state.finish_turn("passive", "a", {"parts": ["答复"]})
        passive = [await state.answer_turn_passively("passive") for _ in range(2)]
        handed = await state.hand_over_turn("passive")
        await state.claim_turn("late", "a", LONG, LONG)
        await state.hand_over_turn("late")
        await state.finish_turn("late", "a", {"parts": ["晚了"]})
        late = await state.answer_turn_passively("late")
        record = await state.turn("passive")
        return too_early, passive, handed, late, record.passive, record.late

    too_early, passive, handed, late, marked, went_late = run(make_state, scenario)
    assert too_early is False and passive == [True, True]  # every retry gets the same answer
    assert handed == (ALREADY, None) and late is False
    assert marked and not went_late


def test_a_turn_whose_lease_ran_out_is_claimed_again_once(make_state):
    async def scenario(state):
        await state.claim_turn("k", "a", SHORT, LONG)
        await asyncio.sleep(PAST)
        restarted = await state.claim_turn("k", "b", SHORT, LONG)
        await asyncio.sleep(PAST)
        third = await state.claim_turn("k", "c", SHORT, LONG)
        first_runner = await state.finish_turn("k", "a", {"parts": ["旧的"]})
        record = await state.turn("k")
        return restarted, third, first_runner, record

    restarted, third, first_runner, record = run(make_state, scenario)
    assert restarted == RESTARTED
    assert third == JOINED  # run again at most once
    assert first_runner == SUPERSEDED
    assert record.owner == "b" and record.attempts == 2 and not record.done


def test_a_renewed_lease_keeps_the_turn_with_its_runner(make_state):
    async def scenario(state):
        await state.claim_turn("k", "a", SHORT, LONG)
        await state.renew_turn("k", "a", LONG)
        await state.renew_turn("k", "b", SHORT)  # not b's turn: no effect
        await asyncio.sleep(PAST)
        return await state.claim_turn("k", "b", SHORT, LONG)

    assert run(make_state, scenario) == JOINED


def test_turns_are_forgotten_after_their_keeping_time(make_state):
    async def scenario(state):
        await state.claim_turn("k", "a", LONG, SHORT)
        await state.finish_turn("k", "a", {"parts": ["答复"]})
        await asyncio.sleep(PAST)
        return await state.turn("k"), await state.claim_turn("k", "b", LONG, LONG)

    assert run(make_state, scenario) == (None, STARTED)


def test_the_access_token_is_shared_and_fetched_under_one_lock(make_state):
    async def scenario(state):
        locks = [await state.lock_token_fetch("a", LONG), await state.lock_token_fetch("b", LONG)]
        await state.unlock_token_fetch("b")  # not b's lock: no effect
        still_locked = await state.lock_token_fetch("b", LONG)
        await state.unlock_token_fetch("a")
        after_unlock = await state.lock_token_fetch("b", LONG)
        await state.put_access_token("token-1", LONG)
        stored = await state.access_token()
        await state.forget_access_token("token-0")  # an older token: the new one stays
        kept = await state.access_token()
        await state.forget_access_token("token-1")
        forgotten = await state.access_token()
        await state.put_access_token("token-2", SHORT)
        await asyncio.sleep(PAST)
        return (
            locks,
            still_locked,
            after_unlock,
            stored,
            kept,
            forgotten,
            await state.access_token(),
        )

    locks, still_locked, after_unlock, stored, kept, forgotten, expired = run(make_state, scenario)
    assert locks == [True, False] and not still_locked and after_unlock
    assert stored == kept == "token-1"
    assert forgotten is None and expired is None


def test_late_deliveries_are_claimed_by_one_sender_when_due(make_state):
    async def scenario(state):
        now = time.time()
        await state.add_delivery("due", {"openid": "alice", "texts": ["一"], "next_try": now})
        await state.add_delivery("later", {"openid": "bob", "texts": ["二"], "next_try": now + 60})
        first = await state.claim_deliveries("a", LONG, 10)
        second = await state.claim_deliveries("b", LONG, 10)
        await state.update_delivery("due", {"openid": "alice", "texts": ["一"], "next_try": 0})
        await state.release_delivery("due")
        released = await state.claim_deliveries("b", LONG, 10)
        await state.remove_delivery("due")
        await state.update_delivery("due", {"openid": "alice"})  # removed: not added again
        return first, second, released, await state.deliveries()

    first, second, released, left = run(make_state, scenario)
    assert [(item, fields["texts"]) for item, fields in first] == [("due", ["一"])]
    assert second == []
    assert released == [("due", {"openid": "alice", "texts": ["一"], "next_try": 0})]
    assert list(left) == ["later"] and left["later"]["texts"] == ["二"]


def test_a_claim_on_a_delivery_runs_out(make_state):
    async def scenario(state):
        await state.add_delivery("d", {"openid": "alice", "texts": ["一"], "next_try": 0})
        first = await state.claim_deliveries("a", SHORT, 10)
        await asyncio.sleep(PAST)  # the sender died without releasing it
        return first, await state.claim_deliveries("b", LONG, 10)

    first, second = run(make_state, scenario)
    assert [item for item, _ in first] == [item for item, _ in second] == ["d"]


def test_at_most_the_limit_of_deliveries_is_claimed(make_state):
    async def scenario(state):
        for number in range(5):
            await state.add_delivery(str(number), {"openid": "o", "texts": ["x"], "next_try": 0})
        return len(await state.claim_deliveries("a", LONG, 3)), len(
            await state.claim_deliveries("b", LONG, 3)
        )

    assert run(make_state, scenario) == (3, 2)


def test_kept_answers_are_taken_one_at_a_time_in_order(make_state):
    async def scenario(state):
        await state.keep_answers("alice", ["一", "二"], LONG)
        await state.keep_answers("alice", ["三"], LONG)
        taken = [await state.take_kept_answer("alice") for _ in range(4)]
        await state.keep_answers("bob", ["过期"], SHORT)
        await asyncio.sleep(PAST)
        return taken, await state.take_kept_answer("bob")

    taken, expired = run(make_state, scenario)
    assert taken == [("一", 2), ("二", 1), ("三", 0), (None, 0)]
    assert expired == (None, 0)


def test_a_handoff_lasts_while_the_follower_writes_and_ends_when_closed(make_state):
    async def scenario(state):
        before = await state.handoff_active("alice", LONG)
        await state.start_handoff("alice", SHORT)
        renewed = await state.handoff_active("alice", LONG)  # a message: the idle time restarts
        await asyncio.sleep(PAST)
        still = await state.handoff_active("alice", LONG)
        await state.end_handoff("alice")
        closed = await state.handoff_active("alice", LONG)
        await state.start_handoff("bob", SHORT)
        await asyncio.sleep(PAST)
        return before, renewed, still, closed, await state.handoff_active("bob", LONG)

    assert run(make_state, scenario) == (False, True, True, False, False)


def test_failed_turns_are_counted_in_a_row(make_state):
    async def scenario(state):
        counts = [await state.count_failure("alice", LONG) for _ in range(2)]
        await state.clear_failures("alice")
        counts.append(await state.count_failure("alice", LONG))
        await state.count_failure("bob", SHORT)
        await asyncio.sleep(PAST)
        counts.append(await state.count_failure("bob", LONG))
        return counts

    assert run(make_state, scenario) == [1, 2, 1, 1]


def test_the_process_keeps_a_bounded_number_of_finished_turns():
    async def scenario():
        state = LocalState(max_turns=3)
        for number in range(6):
            await state.claim_turn(str(number), "a", LONG, LONG)
        running = [await state.turn(str(number)) is not None for number in range(6)]
        for number in range(6):
            await state.finish_turn(str(number), "a", {"parts": []})
        await state.claim_turn("new", "a", LONG, LONG)
        kept = [await state.turn(str(number)) is not None for number in range(6)]
        return running, kept

    running, kept = asyncio.run(scenario())
    assert all(running)  # running turns are never dropped: their retries must join them
    assert kept == [False, False, False, False, True, True]


def test_the_state_lives_beside_the_lock_store():
    assert isinstance(state_for(InMemoryLockStore()), LocalState)
    assert isinstance(state_for(None), LocalState)


def test_under_a_redis_lock_store_the_state_is_in_its_redis(redis_lock_store):
    service = redis_lock_store
    lock_store = RedisLockStore(key_prefix=service.key_prefix, **service.client_options())
    state = state_for(lock_store)
    assert isinstance(state, RedisState)

    async def scenario():
        try:
            await state.put_access_token("shared-token", LONG)
        finally:
            await state.close()

    asyncio.run(scenario())
    client = redis_client(service)
    key = f"{service.key_prefix}:wechat:token"
    assert client.get(key) == b"shared-token"
    client.delete(key)
