"""One answer per WeChat message, whichever replica each of WeChat's retries reaches.

WeChat retries a message it got no answer to within 5 seconds, twice. The first request for a
message claims its turn in the channel's state (state.py) with a short lease, which its runner
renews while it works; every other request, on any replica, waits for the turn's result in the
state. A turn whose lease ran out was left by a runner that died: the next request claims it
again, once. Results are kept long enough to answer every retry the same way.

A request that runs out of time hands the turn over: its result goes out once, late, through
`deliver` (by the runner when it finishes, or at once when it already has), unless a request
has given it in its response already.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from channels.core.turns import APOLOGY
from channels.wechat.state import DELIVER, JOINED, RESTARTED, SUPERSEDED

logger = logging.getLogger(__name__)

# A runner renews its lease every second: only a stopped one (or one whose event loop was held
# up for seconds) lets it run out.
LEASE_SECONDS = 5.0
RENEW_SECONDS = 1.0
POLL_SECONDS = 0.05
# Long enough to cover WeChat's retries (about 15 seconds) with a wide margin.
KEEP_SECONDS = 300.0


@dataclass(frozen=True)
class Answer:
    """What the channel answers to one message: WeChat text messages, or a transfer to a
    person (WeChat's transfer_customer_service reply)."""

    parts: Tuple[str, ...] = ()
    transfer: bool = False

    def as_dict(self) -> Dict[str, Any]:
        return {"parts": list(self.parts), "transfer": self.transfer}

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Answer":
        return cls(tuple(data.get("parts") or ()), bool(data.get("transfer")))


# Computes a message's answer; True when the turn is run again after its runner died.
Compute = Callable[[bool], Awaitable[Answer]]
Deliver = Callable[[str, str, Answer], Awaitable[None]]  # key, openid, answer


class Turns:
    def __init__(
        self,
        state: Any,
        deliver: Deliver,
        lease: float = LEASE_SECONDS,
        renew_every: float = RENEW_SECONDS,
    ) -> None:
        self._state = state
        self._deliver = deliver
        self._lease = lease
        self._renew_every = renew_every
        self._owner = uuid.uuid4().hex
        self._running: Dict[str, "asyncio.Task[None]"] = {}

    async def result_within(
        self, key: str, openid: str, compute: Compute, seconds: float
    ) -> Optional[Answer]:
        """The message's answer if it is ready within `seconds` and has not gone out late."""
        deadline = time.monotonic() + seconds
        await self._claim(key, openid, compute)
        while True:
            local = self._running.get(key)
            if local is not None and not local.done():
                await asyncio.wait({local}, timeout=max(deadline - time.monotonic(), 0))
            record = await self._state.turn(key)
            if record is None:
                logger.warning("WeChat turn %s is no longer in the channel's state", key)
                return None
            if record.late:
                return None
            if record.done:
                return Answer.from_dict(record.result or {})
            if record.lease_until < time.time() and key not in self._running:
                await self._claim(key, openid, compute)  # its runner died: run it again, once
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            await asyncio.sleep(min(POLL_SECONDS, remaining))

    async def answer_passively(self, key: str) -> bool:
        """Whether the answer may go back in the HTTP response; once it has, it never goes out
        late, and once it went out late, it is never given in a response."""
        return await self._state.answer_turn_passively(key)

    async def hand_over(self, key: str) -> Optional[Answer]:
        """Marks the turn's answer to go out late. The answer when this caller must deliver it
        now (it is ready); None when the turn's runner will, or the turn went out late before."""
        outcome, result = await self._state.hand_over_turn(key)
        return Answer.from_dict(result or {}) if outcome == DELIVER else None

    async def _claim(self, key: str, openid: str, compute: Compute) -> None:
        claim = await self._state.claim_turn(key, self._owner, self._lease, KEEP_SECONDS)
        if claim == JOINED:
            return
        if claim == RESTARTED:
            logger.warning(
                "WeChat turn %s was left by a replica that stopped; running it again", key
            )
        task = asyncio.ensure_future(self._run(key, openid, compute, claim == RESTARTED))
        self._running[key] = task
        task.add_done_callback(lambda _: self._running.pop(key, None))

    async def _run(self, key: str, openid: str, compute: Compute, restarted: bool) -> None:
        renewing = asyncio.ensure_future(self._renew(key))
        try:
            answer = await compute(restarted)
        except Exception:
            logger.exception("WeChat turn %s failed; it is answered with the apology", key)
            answer = Answer((APOLOGY,))
        finally:
            renewing.cancel()
        try:
            outcome = await self._state.finish_turn(key, self._owner, answer.as_dict())
            if outcome == DELIVER:
                await self._deliver(key, openid, answer)
        except Exception:
            logger.exception("WeChat turn %s: its answer could not be kept or sent", key)
            return
        if outcome == SUPERSEDED:
            logger.warning("WeChat turn %s was run again elsewhere; this result is dropped", key)

    async def _renew(self, key: str) -> None:
        while True:
            await asyncio.sleep(self._renew_every)
            try:
                await self._state.renew_turn(key, self._owner, self._lease)
            except Exception as error:  # the state is unreachable: the next renewal may work
                logger.error("WeChat turn %s: its lease was not renewed (%s)", key, error)
