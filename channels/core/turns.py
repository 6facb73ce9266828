"""One turn of a conversation, run so that the citizen is never left without an answer.

Every input channel hands its user messages to `TurnRunner.run` instead of Rasa's
`on_new_message` directly:

- when a custom action fails (the action server is down or answers with an error), Rasa only
  logs it and carries on; the runner notices the failure and the turn's answer becomes an
  apology that names 12333;
- when the turn takes longer than `timeout` seconds (a slow action server), the citizen gets
  the apology at once; the turn itself carries on and is stored when it completes (or, with
  `cancel_late_turns`, is stopped and leaves no trace: the telephone line, where nobody could
  hear a late answer and the conversation must not move past what the caller heard);
- when the tracker store or the lock store cannot be reached, Rasa's fail-safe tracker store
  would carry on with an empty conversation kept in memory; here the turn stops with
  `StoreUnavailable` instead, which the channel answers (REST: 503 with the reason).

A channel that reads the tracker itself before the turn calls `fail_instead_of_forgetting`
first, so that those reads raise on a store outage too.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, List, Mapping, Optional, Set, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore

from channels.core.action_server import keep_action_server_session
from channels.core.settings import Setting, positive, read_settings

logger = logging.getLogger(__name__)

APOLOGY = "抱歉，系统暂时有点忙，请稍后再问一次。着急的话，可以拨打12333人社服务热线。"
# Said before the answer when a message was longer than a channel reads (its end is cut).
INPUT_CUT = "您的消息比较长，我先看了前{limit}个字。"
STORE_UNAVAILABLE = "conversation store unavailable"
TIMEOUT_VARIABLE = "ASSISTANT_TURN_TIMEOUT"
DEFAULT_TIMEOUT = 10.0
# How long a cancelled turn may take to stop before it is left to finish by itself.
CANCEL_GRACE_SECONDS = 2.0
# Libraries whose errors mean that the tracker store or the lock store cannot be reached.
STORE_ERROR_MODULES = ("sqlalchemy", "psycopg2", "redis", "sqlite3")

_failed_actions: "contextvars.ContextVar[Optional[List[str]]]" = contextvars.ContextVar(
    "failed_actions", default=None
)


class StoreUnavailable(Exception):
    """The conversation could not be read or saved; the reason is safe to show to clients."""


class _StoreError(Exception):
    """Raised by the tracker store's error callback instead of falling back to memory."""


def _raise_store_error(error: Exception) -> None:
    raise _StoreError(f"{type(error).__name__}") from error


class _ActionFailureWatch(logging.Filter):
    """Notes the processor's 'exception while running action' records of the running turn."""

    def filter(self, record: logging.LogRecord) -> bool:
        failures = _failed_actions.get()
        if failures is not None and record.levelno >= logging.ERROR and record.exc_info:
            failures.append(type(record.exc_info[1]).__name__)
        return True


_WATCH = _ActionFailureWatch()


def _watch_action_failures() -> None:
    processor = logging.getLogger("rasa.core.processor")
    if _WATCH not in processor.filters:
        processor.addFilter(_WATCH)


def store_problem(error: BaseException) -> Optional[str]:
    """Why the conversation store failed, when `error` (or its cause) is a store error."""
    seen: Set[int] = set()
    current: Optional[BaseException] = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, LockError):
            return "the conversation is busy: its lock could not be acquired"
        module = type(current).__module__.split(".")[0]
        if isinstance(current, _StoreError) or module in STORE_ERROR_MODULES:
            return f"{STORE_UNAVAILABLE} ({type(current).__name__})"
        current = current.__cause__ or current.__context__
    return None


TIMEOUT_SETTING = Setting(
    "turn_timeout",
    TIMEOUT_VARIABLE,
    DEFAULT_TIMEOUT,
    float,
    positive,
    "a number of seconds above 0",
)


def timeout_from(environ: Mapping[str, str]) -> Tuple[float, List[str]]:
    """The turn timeout (ASSISTANT_TURN_TIMEOUT) and the problem with it, if any."""
    values, problems = read_settings([TIMEOUT_SETTING], {}, environ)
    return values[TIMEOUT_SETTING.name], problems


@dataclass
class TurnOutcome:
    messages: List[dict]
    failed: bool = False  # the messages are the apology
    reason: str = ""


@dataclass
class TurnRunner:
    timeout: float = DEFAULT_TIMEOUT
    # A turn over the timeout is stopped instead of being left to finish in the background.
    cancel_late_turns: bool = False
    # Whether a turn in which the assistant said nothing is answered with the apology; a
    # channel that reads the turn's messages from the tracker decides that itself.
    apologise_for_silence: bool = True
    _running: Set["asyncio.Future[Any]"] = field(default_factory=set)

    def __post_init__(self) -> None:
        _watch_action_failures()

    async def run(
        self,
        app: Any,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        message: UserMessage,
    ) -> TurnOutcome:
        """Runs the turn and returns what to answer; raises StoreUnavailable."""
        output = message.output_channel
        if not isinstance(output, CollectingOutputChannel):
            raise TypeError("TurnRunner needs a collecting output channel")
        fail_instead_of_forgetting(app)
        agent = getattr(getattr(app, "ctx", None), "agent", None)
        if agent is not None:
            keep_action_server_session(agent)
        failures: List[str] = []
        token = _failed_actions.set(failures)
        try:
            turn = asyncio.ensure_future(on_new_message(message))  # copies the context
        finally:
            _failed_actions.reset(token)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.timeout)
        except asyncio.TimeoutError:
            if self.cancel_late_turns:
                await self._cancel(turn)
            else:
                self._keep_until_done(turn)
            logger.error(
                "A turn took longer than %.1f s; the citizen got the apology", self.timeout
            )
            return self._apology(message, f"no answer within {self.timeout:g} s")
        except Exception as error:
            problem = store_problem(error)
            if problem is not None:
                logger.error("Conversation store unavailable: %s", error)
                raise StoreUnavailable(problem) from None
            logger.exception("The assistant failed on a message")
            return self._apology(message, f"the turn failed: {type(error).__name__}")
        if failures:
            logger.error(
                "Custom actions failed in this turn (%s); the citizen got the apology",
                ", ".join(failures),
            )
            return self._apology(message, "custom action failed")
        if not output.messages and self.apologise_for_silence:
            return self._apology(message, "the assistant had nothing to say")
        return TurnOutcome(list(output.messages))

    @staticmethod
    def _apology(message: UserMessage, reason: str) -> TurnOutcome:
        return TurnOutcome([{"recipient_id": message.sender_id, "text": APOLOGY}], True, reason)

    async def _cancel(self, turn: "asyncio.Future[Any]") -> None:
        """Stops the turn: Rasa saves a conversation only at the end of a turn, so a stopped
        turn is not recorded. One that does not stop in time is left to finish."""
        self._keep_until_done(turn)
        turn.cancel()
        done, _ = await asyncio.wait({turn}, timeout=CANCEL_GRACE_SECONDS)
        if not done:
            logger.error(
                "A late turn did not stop within %.1f s; it finishes in the background",
                CANCEL_GRACE_SECONDS,
            )

    def _keep_until_done(self, turn: "asyncio.Future[Any]") -> None:
        self._running.add(turn)

        def finished(done: "asyncio.Future[Any]") -> None:
            self._running.discard(done)
            if not done.cancelled() and done.exception() is not None:
                logger.error("A late turn failed: %s", type(done.exception()).__name__)

        turn.add_done_callback(finished)


def fail_instead_of_forgetting(app: Any) -> None:
    """Makes the agent's fail-safe tracker store raise on errors rather than carry on with an
    empty in-memory conversation (which would answer as if the citizen had just arrived)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = _raise_store_error
