"""One answer per message across replicas: two `Turns` sharing one state stand for two replicas
(the Redis state behaves the same, tests/channels/wechat/test_state.py)."""

import asyncio

from channels.core.turns import APOLOGY
from channels.wechat.state import LocalState
from channels.wechat.turns import Answer, Turns

LEASE = 0.2
RENEW = 0.05


class Replica:
    def __init__(self, state):
        self.delivered = []
        self.turns = Turns(state, self.deliver, lease=LEASE, renew_every=RENEW)

    async def deliver(self, key, openid, answer):
        self.delivered.append((key, openid, answer))


def replicas(count=2):
    state = LocalState()
    return [Replica(state) for _ in range(count)]


def slow(answer, seconds, calls):
    async def compute(restarted):
        calls.append(restarted)
        await asyncio.sleep(seconds)
        return answer

    return compute


def test_retries_on_either_replica_get_the_answer_of_one_turn():
    async def scenario():
        a, b = replicas()
        calls = []
        compute = slow(Answer(("答复",)), 0.3, calls)  # longer than a lease: it is renewed
        results = await asyncio.gather(
            a.turns.result_within("k", "alice", compute, 2.0),
            b.turns.result_within("k", "alice", compute, 2.0),
            b.turns.result_within("k", "alice", compute, 2.0),
        )
        replay = await a.turns.result_within("k", "alice", compute, 0.0)
        return calls, results, replay, a.delivered + b.delivered

    calls, results, replay, delivered = asyncio.run(scenario())
    assert calls == [False]
    assert results == [Answer(("答复",))] * 3 and replay == Answer(("答复",))
    assert delivered == []


def test_an_answer_over_the_deadline_is_delivered_once_by_its_runner():
    async def scenario():
        a, b = replicas()
        compute = slow(Answer(("晚了",)), 0.3, [])
        first = await a.turns.result_within("k", "alice", compute, 0.05)
        handed = [await a.turns.hand_over("k"), await b.turns.hand_over("k")]
        retry = await b.turns.result_within("k", "alice", compute, 1.0)  # after the hand-over
        await asyncio.sleep(0.5)
        return first, handed, retry, a.delivered, b.delivered

    first, handed, retry, delivered_a, delivered_b = asyncio.run(scenario())
    assert first is None and handed == [None, None] and retry is None
    assert delivered_a == [("k", "alice", Answer(("晚了",)))] and delivered_b == []


def test_an_answer_ready_when_handed_over_is_delivered_by_the_caller():
    async def scenario():
        a, b = replicas()
        await a.turns.result_within("k", "alice", slow(Answer(("一", "二")), 0, []), 1.0)
        return await b.turns.hand_over("k"), await a.turns.hand_over("k"), a.delivered

    mine, again, delivered = asyncio.run(scenario())
    assert mine == Answer(("一", "二")) and again is None and delivered == []


def test_an_answer_given_in_a_response_is_not_delivered_late_by_a_request_out_of_time():
    async def scenario():
        a, b = replicas()
        answer = await a.turns.result_within("k", "alice", slow(Answer(("答复",)), 0, []), 1.0)
        given = await a.turns.answer_passively("k")
        handed = await b.turns.hand_over("k")  # b ran out of time just before
        await asyncio.sleep(0.1)
        return answer, given, handed, a.delivered + b.delivered

    answer, given, handed, delivered = asyncio.run(scenario())
    assert answer == Answer(("答复",)) and given
    assert handed is None and delivered == []


def test_an_answer_handed_over_is_not_given_in_a_response_any_more():
    async def scenario():
        a, b = replicas()
        answer = await a.turns.result_within("k", "alice", slow(Answer(("答复",)), 0, []), 1.0)
        mine = await b.turns.hand_over("k")
        return answer, mine, await a.turns.answer_passively("k")

    answer, mine, given = asyncio.run(scenario())
    assert answer == mine == Answer(("答复",)) and given is False


def test_a_turn_left_by_a_replica_that_stopped_is_run_again_once_by_the_other():
    async def scenario():
        a, b = replicas()
        calls = []
        hanging = slow(Answer(("永远不会",)), 60, calls)
        assert await a.turns.result_within("k", "alice", hanging, 0.05) is None
        for task in asyncio.all_tasks():  # replica a stops: its runner and renewals with it
            if task is not asyncio.current_task():
                task.cancel()
        answer = await b.turns.result_within("k", "alice", slow(Answer(("答复",)), 0, calls), 2.0)
        return calls, answer

    calls, answer = asyncio.run(scenario())
    assert calls == [False, True]  # the second run knows it runs again
    assert answer == Answer(("答复",))


def test_a_failing_turn_is_answered_with_the_apology():
    async def scenario():
        (a,) = replicas(1)

        async def broken(restarted):
            raise RuntimeError("boom")

        return await a.turns.result_within("k", "alice", broken, 1.0)

    assert asyncio.run(scenario()) == Answer((APOLOGY,))


def test_answers_are_kept_as_plain_data():
    answer = Answer(("一", "二"), transfer=True)
    assert Answer.from_dict(answer.as_dict()) == answer
    assert Answer.from_dict({}) == Answer()
