"""The REST channel (/webhooks/rest/webhook), with malformed requests answered 4xx.

Rasa's own RestInput answers a body that is valid JSON but not the expected object with a
500; this channel checks every request first and says what is wrong with it. Personal data is
masked before the message reaches Rasa, and every turn gets an answer (channels/turns.py).
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from channels.masking import (
    LOGGERS_WITH_HANDLERS, install_log_masking, mask_text, mask_value, pseudonymous_sender,
)
from channels.turns import APOLOGY, INPUT_CUT, StoreUnavailable, TurnRunner

MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128
MAX_MESSAGE_CHARS = 500


def request_problem(body: bytes) -> Optional[str]:
    """Why a webhook request body cannot be processed, or None when it can."""
    if len(body) > MAX_BODY_BYTES:
        return f"request body is larger than {MAX_BODY_BYTES} bytes"
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "request body is not valid JSON"
    if not isinstance(payload, dict):
        return "request body must be a JSON object"
    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' must be a non-empty string"
    if len(sender) > MAX_SENDER_CHARS:
        return f"'sender' is longer than {MAX_SENDER_CHARS} characters"
    message = payload.get("message")
    if not isinstance(message, str):
        return "'message' must be a string"
    if not message.strip():
        return "'message' is empty"
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be a JSON object"
    return None


def shortened(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """The first `limit` characters: longer messages are cut before NLU."""
    return text[:limit]


class CheckedRestInput(RestInput):
    """Rasa's REST channel, answering malformed requests with 400/413 and a reason.

    Personal data in the message and metadata is masked before Rasa sees it; a turn that fails
    is answered with an apology naming 12333; when the conversation store cannot be reached the
    answer is 503 with the reason (channels/turns.py).
    """

    def __init__(self) -> None:
        self.turns = TurnRunner()
        install_log_masking(*LOGGERS_WITH_HANDLERS)

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        rest = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @rest.route("/", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            problem = request_problem(request.body or b"")
            if problem is not None:
                status = 413 if problem.startswith("request body is larger") else 400
                return response.json({"error": problem}, status=status)
            payload = json.loads(request.body)
            text = mask_text(payload["message"])
            message = UserMessage(
                text=shortened(text),
                output_channel=CollectingOutputChannel(),
                sender_id=pseudonymous_sender(payload["sender"]),
                input_channel=self.name(),
                metadata=mask_value(payload.get("metadata")),
            )
            try:
                outcome = await self.turns.run(request.app, on_new_message, message)
            except StoreUnavailable as unavailable:
                return response.json({"error": str(unavailable), "text": APOLOGY}, status=503)
            messages = outcome.messages
            if len(text) > MAX_MESSAGE_CHARS:
                note = {"recipient_id": message.sender_id,
                        "text": INPUT_CUT.format(limit=MAX_MESSAGE_CHARS)}
                messages = [note] + messages
            return response.json(messages)

        @rest.listener("after_server_start")
        async def mask_server_logs(*_: Any) -> None:
            install_log_masking(*LOGGERS_WITH_HANDLERS)

        return rest
