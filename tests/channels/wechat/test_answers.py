"""One turn per WeChat message, however many retries arrive, and one late delivery."""

import asyncio

from channels.wechat.answers import PendingAnswers, finished


def run(coroutine):
    return asyncio.run(coroutine)


def test_retries_join_the_running_turn_and_get_its_result():
    async def scenario():
        calls = []

        async def work():
            calls.append(1)
            await asyncio.sleep(0.05)
            return "答复"

        registry = PendingAnswers()
        turns = [registry.start_or_join("alice:msg:1", work) for _ in range(3)]
        assert [started for _, started in turns] == [True, False, False]
        results = await asyncio.gather(*(turn.result_within(1.0) for turn, _ in turns))
        return calls, results

    calls, results = run(scenario())
    assert calls == [1]
    assert results == ["答复"] * 3


def test_a_turn_over_the_deadline_is_handed_over_once():
    async def scenario():
        registry = PendingAnswers()
        turn, _ = registry.start_or_join("k", lambda: asyncio.sleep(0.2, result="晚了"))
        assert await turn.result_within(0.01) is None
        assert turn.hand_over() is True
        assert turn.hand_over() is False
        # A retry after the hand-over never answers passively, even once the result is there.
        assert await turn.result_within(1.0) is None
        return await turn.task

    assert run(scenario()) == "晚了"


def test_finished_results_are_answered_at_once_even_with_no_time_left():
    async def scenario():
        registry = PendingAnswers()
        turn, _ = registry.start_or_join("k", lambda: finished("您好"))
        return await turn.result_within(-1.0)

    assert run(scenario()) == "您好"


def test_finished_turns_are_forgotten_after_the_keeping_time_running_ones_never():
    async def scenario():
        now = [0.0]
        registry = PendingAnswers(keep_seconds=10, clock=lambda: now[0])
        registry.start_or_join("done", lambda: finished("x"))
        running, _ = registry.start_or_join("running", lambda: asyncio.sleep(0.1))
        now[0] = 11
        registry.start_or_join("new", lambda: finished("y"))
        kept = len(registry)  # "done" is gone; "running" blocks anything behind it
        _, started_again = registry.start_or_join("running", lambda: finished("z"))
        await running.task
        return kept, started_again

    assert run(scenario()) == (2, False)


def test_the_registry_stays_bounded():
    async def scenario():
        registry = PendingAnswers(max_turns=5)
        for number in range(20):
            registry.start_or_join(str(number), lambda number=number: finished(number))
        return len(registry)

    assert run(scenario()) <= 5
