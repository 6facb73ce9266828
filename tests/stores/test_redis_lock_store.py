"""The project's Redis lock store against real Redis: the tickets of a server that stopped run
out within seconds, those of a server still at work do not."""

import asyncio
import time

import pytest

from stores.redis_lock_store import SerialRedisLockStore


@pytest.fixture
def lock_stores(redis_lock_store):
    """Two lock stores, as two servers have, with short tickets."""

    def server():
        store = SerialRedisLockStore(
            key_prefix=redis_lock_store.key_prefix, **redis_lock_store.client_options()
        )
        store.ticket_seconds, store.renew_seconds = 1.0, 0.1
        return store

    return server(), server()


def test_a_ticket_held_longer_than_its_lifetime_is_renewed(lock_stores):
    a, b = lock_stores
    conversation = f"busy-{time.time_ns()}"
    order = []

    async def hold():
        async with a.lock(conversation):
            order.append("a in")
            await asyncio.sleep(2.5)  # longer than a ticket lives
            order.append("a out")

    async def wait_then_enter():
        await asyncio.sleep(0.2)
        async with b.lock(conversation, wait_time_in_seconds=0.05):
            order.append("b in")

    async def main():
        await asyncio.gather(hold(), wait_then_enter())

    asyncio.run(main())
    assert order == ["a in", "a out", "b in"]


def test_the_tickets_of_a_server_that_stopped_run_out(lock_stores):
    a, b = lock_stores
    conversation = f"left-{time.time_ns()}"
    a.issue_ticket(conversation)  # a server took the conversation's lock ...
    a._held.clear()  # ... and stopped: nothing renews its ticket any more

    async def enter():
        started = time.monotonic()
        async with b.lock(conversation, wait_time_in_seconds=0.05):
            return time.monotonic() - started

    waited = asyncio.run(enter())
    assert 0.5 < waited < 5
