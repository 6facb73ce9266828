"""What the web chat page sends: sessions and turns, checked before anything reaches Rasa.

Pure functions, no I/O. The page talks to three endpoints under /webhooks/web/ (see
docs/webchat.md): `session` starts a conversation, `history` reads it back, `webhook` sends one
turn, either typed text or the choice of a button. Bodies are JSON objects; the page sends them
as text/plain, which a browser sends to another site without a CORS preflight.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any, Dict, Optional

from channels.core.requests import (
    MAX_INPUT_CHARS,
    RequestRejected,
    check_body_size,
    read_json_object,
)

# 32 random bytes, URL-safe base64 without padding: 43 characters, 256 bits nobody can guess.
SESSION_BYTES = 32
SESSION_CHARS = 43
_SESSION = re.compile(rf"^[A-Za-z0-9_-]{{{SESSION_CHARS}}}$")
# The conversations of the web chat in the tracker store: web-<SHA-256 of the session id>.
SENDER_PREFIX = "web-"


def new_session() -> str:
    return secrets.token_urlsafe(SESSION_BYTES)


def sender_of(session: str) -> str:
    """The conversation a session writes to. The session id itself is stored nowhere: knowing
    a conversation's name (in the store, the logs, the console) does not give access to it,
    and no session can name a conversation of another channel."""
    return SENDER_PREFIX + hashlib.sha256(session.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Choice:
    """A button the citizen pressed: what it said and what it sends."""

    title: str
    payload: str


@dataclass(frozen=True)
class Turn:
    session: str
    text: str = ""  # what the citizen typed, read as words
    choice: Optional[Choice] = None


def read_object(body: bytes) -> Dict[str, Any]:
    """The request's JSON object; an empty body is an empty object."""
    if not body.strip():
        check_body_size(body)
        return {}
    return read_json_object(body)


def read_session(payload: Dict[str, Any]) -> str:
    session = payload.get("session")
    if not isinstance(session, str) or not session:
        raise RequestRejected(400, "'session' must be the id the session endpoint gave")
    if not _SESSION.match(session):
        raise RequestRejected(
            400, f"'session' must be {SESSION_CHARS} characters of A-Z, a-z, 0-9, '-' and '_'"
        )
    return session


def as_words(text: str) -> str:
    """Typed text as the assistant reads it: an /intent command can only come from a button
    the assistant offered, so leading slashes are dropped."""
    return text.strip().lstrip("/／").strip()


def _text_field(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise RequestRejected(400, f"'{name}' must be a string")
    if not value.strip():
        raise RequestRejected(400, f"'{name}' is empty")
    if len(value) > MAX_INPUT_CHARS:
        raise RequestRejected(400, f"'{name}' is longer than {MAX_INPUT_CHARS} characters")
    return value.strip()


def read_turn(body: bytes) -> Turn:
    """The turn in a webhook request; RequestRejected says what is wrong with it."""
    payload = read_object(body)
    session = read_session(payload)
    has_message, has_choice = "message" in payload, "choice" in payload
    if has_message == has_choice:
        raise RequestRejected(400, "send either 'message' (typed text) or 'choice' (a button)")
    if has_message:
        message = payload["message"]
        if not isinstance(message, str):
            raise RequestRejected(400, "'message' must be a string")
        text = as_words(message)
        if not text:
            raise RequestRejected(400, "'message' is empty")
        return Turn(session, text=text)
    choice = payload["choice"]
    if not isinstance(choice, dict):
        raise RequestRejected(400, "'choice' must be an object with 'title' and 'payload'")
    return Turn(
        session,
        choice=Choice(
            _text_field(choice.get("title"), "choice.title"),
            _text_field(choice.get("payload"), "choice.payload"),
        ),
    )
