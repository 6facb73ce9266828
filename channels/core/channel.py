"""The base of the assistant's input channels: their routes under one blueprint, a channel that
is not configured answering 503 with what is missing, and personal data masked in the logs."""

from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, List, Optional, Sequence

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.core.masking import LOGGERS_WITH_HANDLERS, install_log_masking
from channels.core.requests import RequestRejected
from channels.core.turns import TurnRunner, timeout_from

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]
_masking_listener_added = False


class AssistantChannel(InputChannel):
    """An input channel of the assistant. Subclasses add their routes (`add_routes`), give a
    title for the log, add the problems that keep them from serving to `problems` (from
    channels/core/settings.py) and get their TurnRunner from `turn_runner`."""

    title = "assistant"

    def __init__(self, problems: Sequence[str] = ()) -> None:
        self.problems: List[str] = list(problems)

    def turn_runner(self, **options: Any) -> TurnRunner:
        """The runner of this channel's turns, with the timeout the environment sets
        (ASSISTANT_TURN_TIMEOUT); a bad value is one of the channel's problems."""
        timeout, problems = timeout_from(os.environ)
        self.problems.extend(problems)
        return TurnRunner(timeout=timeout, **options)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)
        self.add_routes(blueprint, on_new_message)
        _mask_logs_once(blueprint)
        if self.problems:
            logger.error(
                "The %s channel answers 503 until it is configured: %s",
                self.title,
                "; ".join(self.problems),
            )
        return blueprint

    def add_routes(self, blueprint: Blueprint, on_new_message: Handler) -> None:
        raise NotImplementedError

    def unavailable(self) -> Optional[HTTPResponse]:
        """503 with the problems, when the channel is not configured to serve; else None."""
        if not self.problems:
            return None
        logger.warning("%s request refused with 503: %s", self.title, "; ".join(self.problems))
        return response.json(
            {"error": f"the {self.title} channel is not configured: " + "; ".join(self.problems)},
            status=503,
        )


def rejected(problem: RequestRejected) -> HTTPResponse:
    return response.json({"error": problem.reason}, status=problem.status)


def _mask_logs_once(blueprint: Blueprint) -> None:
    """Masks personal data in the log handlers now and once the server has started (Sanic adds
    handlers of its own); one listener for the whole server, whatever the number of channels."""
    global _masking_listener_added
    install_log_masking(*LOGGERS_WITH_HANDLERS)
    if not _masking_listener_added:
        blueprint.listener("after_server_start")(_install_after_start)
        _masking_listener_added = True


async def _install_after_start(*_: Any) -> None:
    install_log_masking(*LOGGERS_WITH_HANDLERS)


def health(_: Request) -> HTTPResponse:
    return response.json({"status": "ok"})
