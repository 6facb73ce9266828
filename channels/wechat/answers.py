"""Each WeChat message is processed once, however often WeChat retries it.

WeChat retries a message it got no answer to within 5 seconds, twice. A retry of a message that
is still being processed joins the running turn and waits for the same result; a retry of a
finished one gets the kept result. The turn's result goes out once by the customer-service API
if any request for it ran out of time (`PendingAnswer.hand_over`).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Generic, Optional, Tuple, TypeVar

Result = TypeVar("Result")

# Long enough to cover WeChat's retries (about 15 seconds) with a wide margin.
KEEP_SECONDS = 300.0
MAX_TURNS = 10_000


def finished(result: Result) -> "asyncio.Future[Result]":
    """A turn result known at once (a fixed answer), so it never waits for the deadline."""
    future: "asyncio.Future[Result]" = asyncio.get_running_loop().create_future()
    future.set_result(result)
    return future


@dataclass
class PendingAnswer(Generic[Result]):
    task: "asyncio.Future[Result]"
    started_at: float
    late: bool = field(default=False)

    async def result_within(self, seconds: float) -> Optional[Result]:
        """The result if the turn finishes within `seconds` and has not been handed over."""
        if not self.late:
            try:
                result = await asyncio.wait_for(asyncio.shield(self.task), max(seconds, 0.0))
            except asyncio.TimeoutError:
                return None
            if not self.late:
                return result
        return None

    def hand_over(self) -> bool:
        """Marks the result for delivery by the customer-service API; True only the first time."""
        if self.late:
            return False
        self.late = True
        return True


class PendingAnswers(Generic[Result]):
    """Answers by message key; finished ones are kept for `keep_seconds` to answer replays."""

    def __init__(
        self,
        keep_seconds: float = KEEP_SECONDS,
        max_turns: int = MAX_TURNS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keep_seconds = keep_seconds
        self._max_turns = max_turns
        self._clock = clock
        self._turns: "OrderedDict[str, PendingAnswer[Result]]" = OrderedDict()

    def __len__(self) -> int:
        return len(self._turns)

    def start_or_join(
        self, key: str, start: Callable[[], Awaitable[Result]]
    ) -> Tuple[PendingAnswer[Result], bool]:
        """The turn for `key`, started now if there is none; and whether it was started now."""
        self._forget_old()
        turn = self._turns.get(key)
        if turn is not None:
            return turn, False
        turn = PendingAnswer(task=asyncio.ensure_future(start()), started_at=self._clock())
        self._turns[key] = turn
        return turn, True

    def _forget_old(self) -> None:
        now = self._clock()
        while self._turns:
            key, oldest = next(iter(self._turns.items()))
            expired = now - oldest.started_at > self._keep_seconds
            if not (expired or len(self._turns) >= self._max_turns) or not oldest.task.done():
                return
            del self._turns[key]
