"""The REST channel (/webhooks/rest/webhook), with malformed requests answered 4xx.

Rasa's own RestInput answers a body that is valid JSON but not the expected object with a
500; this channel checks every request first and says what is wrong with it.
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

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
    """Rasa's REST channel, answering malformed requests with 400/413 and a reason."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[Text]:
        return shortened(req.json["message"])

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def reject_malformed(request: Request) -> Optional[response.HTTPResponse]:
            if request.method != "POST":
                return None
            problem = request_problem(request.body or b"")
            if problem is None:
                return None
            status = 413 if problem.startswith("request body is larger") else 400
            return response.json({"error": problem}, status=status)

        return blueprint
