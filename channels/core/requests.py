"""The limits every channel puts on requests, and the one type of a refused request."""

from __future__ import annotations

import json
from typing import Any, Dict, Tuple

# A request body larger than this is refused with 413, on every channel.
MAX_BODY_BYTES = 64 * 1024
# A citizen's message is read up to this many characters; the rest is cut before NLU and the
# citizen is told (channels/core/turns.py, INPUT_CUT).
MAX_INPUT_CHARS = 500
# Identifiers that name a conversation or a turn (a sender, a call, a session).
MAX_ID_CHARS = 128


class RequestRejected(Exception):
    """A request the channel cannot process: the HTTP status and a reason safe to show."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_body_size(body: bytes, limit: int = MAX_BODY_BYTES) -> None:
    if len(body) > limit:
        raise RequestRejected(413, f"request body is larger than {limit} bytes")


def read_json_object(body: bytes) -> Dict[str, Any]:
    """The request body's JSON object, within the size limit; RequestRejected (400 or 413) says
    what is wrong with it."""
    check_body_size(body)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise RequestRejected(400, "request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise RequestRejected(400, "request body must be a JSON object")
    return payload


def cut_input(text: str, limit: int = MAX_INPUT_CHARS) -> Tuple[str, bool]:
    """The message as the assistant reads it, and whether its end was cut off."""
    return text[:limit], len(text) > limit
