"""The voice gateway protocol, version 1 (docs/voice-gateway.md): settings, requests, responses.

Pure functions: reading the channel's settings, checking the bearer token, turning a request
body into a `Turn` (or a 4xx reason) and a `Reply` into the response body.
"""
from __future__ import annotations

import hmac
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from channels.voice_speech import ssml

PROTOCOL_VERSION = "1"
MAX_BODY_BYTES = 16 * 1024
MAX_SPEECH_CHARS = 300
MAX_ID_CHARS = 128
MAX_CALLER_FIELD_CHARS = 32
TOKEN_VARIABLE = "VOICE_GATEWAY_TOKEN"

START, SPEECH, DTMF, NO_INPUT, HANGUP = "start", "speech", "dtmf", "no_input", "hangup"
EVENTS = (START, SPEECH, DTMF, NO_INPUT, HANGUP)
LISTEN, TRANSFER, HANG_UP = "listen", "transfer", "hangup"
DIGITS = re.compile(r"[0-9*#]{1,32}")


@dataclass(frozen=True)
class Settings:
    token: Optional[str]
    confidence_threshold: float = 0.5
    transfer_target: str = "human_agents"
    no_input_timeout_ms: int = 8000


def settings_from(credentials: Optional[Mapping[str, Any]], environ: Mapping[str, str]) -> Settings:
    """The channel's settings from credentials.yml; VOICE_GATEWAY_TOKEN overrides the token."""
    credentials = credentials or {}
    token = (environ.get(TOKEN_VARIABLE) or str(credentials.get("token") or "")).strip() or None
    threshold = float(credentials.get("confidence_threshold", Settings.confidence_threshold))
    if not 0 <= threshold <= 1:
        raise ValueError("confidence_threshold must be between 0 and 1")
    timeout = int(credentials.get("no_input_timeout_ms", Settings.no_input_timeout_ms))
    if timeout <= 0:
        raise ValueError("no_input_timeout_ms must be positive")
    target = str(credentials.get("transfer_target") or Settings.transfer_target)
    return Settings(token, threshold, target, timeout)


def authorised(header: Optional[str], token: str) -> bool:
    """Whether an Authorization header carries the bearer token (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


class RequestError(Exception):
    """A request the channel cannot process: the HTTP status and the reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Turn:
    call_id: str
    turn_id: str
    event: str
    text: str = ""
    confidence: Optional[float] = None
    digits: str = ""
    caller: Dict[str, str] = field(default_factory=dict)


def _identifier(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        raise RequestError(400, f"'{name}' must be a non-empty string")
    if len(value) > MAX_ID_CHARS or not value.isprintable():
        raise RequestError(400, f"'{name}' must be at most {MAX_ID_CHARS} printable characters")
    return value


def _caller(payload: Mapping[str, Any]) -> Dict[str, str]:
    caller = payload.get("caller")
    if caller is None:
        return {}
    if not isinstance(caller, dict):
        raise RequestError(400, "'caller' must be a JSON object")
    fields = {}
    for name in ("number", "area_code"):
        value = caller.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or len(value) > MAX_CALLER_FIELD_CHARS \
                or not value.isprintable():
            raise RequestError(400, f"'caller.{name}' must be a string of at most "
                                    f"{MAX_CALLER_FIELD_CHARS} printable characters")
        fields[name] = value
    return fields


def _confidence(payload: Mapping[str, Any]) -> Optional[float]:
    value = payload.get("confidence")
    if value is None:
        return None
    # The comparison also refuses NaN and infinities, and never turns a huge integer into a float.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RequestError(400, "'confidence' must be a number from 0 to 1")
    return float(value)


def recognised_text(text: str) -> str:
    """The text without what no speech recogniser produces and UTF-8 cannot carry: control
    characters become spaces; lone surrogates and the non-characters U+FFFE, U+FFFF go."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category != "Cs" and char not in "\ufffe\uffff":
            kept.append(char)
    return "".join(kept)


def parse_turn(body: bytes) -> Turn:
    """The turn a request body describes; RequestError (400 or 413) says what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(413, f"request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise RequestError(400, "request body is not valid JSON")
    if not isinstance(payload, dict):
        raise RequestError(400, "request body must be a JSON object")
    if payload.get("version") != PROTOCOL_VERSION:
        raise RequestError(400, f"'version' must be \"{PROTOCOL_VERSION}\"")
    call_id, turn_id = _identifier(payload, "call_id"), _identifier(payload, "turn_id")
    event = payload.get("event")
    if event not in EVENTS:
        raise RequestError(400, f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
    text, digits = "", ""
    if event == SPEECH:
        text = payload.get("text")
        if not isinstance(text, str):
            raise RequestError(400, "'text' must be a string for a speech event")
        text = recognised_text(text)[:MAX_SPEECH_CHARS]
    if event == DTMF:
        digits = payload.get("digits")
        if not isinstance(digits, str) or not DIGITS.fullmatch(digits):
            raise RequestError(400, "'digits' must be 1 to 32 of 0-9, * and # for a dtmf event")
    return Turn(call_id, turn_id, event, text, _confidence(payload), digits, _caller(payload))


@dataclass(frozen=True)
class Reply:
    """What the channel answers to a turn, before rendering (and as kept for a repeated turn)."""

    prompts: List[str]
    action: str = LISTEN
    max_digits: int = 1
    transfer_reason: str = ""
    transfer_context: Dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "prompts": list(self.prompts), "action": self.action, "max_digits": self.max_digits,
            "transfer_reason": self.transfer_reason, "transfer_context": self.transfer_context,
        }

    @staticmethod
    def from_dict(item: Mapping[str, Any]) -> "Reply":
        return Reply(
            prompts=[str(prompt) for prompt in item.get("prompts", [])],
            action=str(item.get("action", LISTEN)),
            max_digits=int(item.get("max_digits", 1)),
            transfer_reason=str(item.get("transfer_reason", "")),
            transfer_context=dict(item.get("transfer_context") or {}),
        )


def response_body(turn: Turn, reply: Reply, settings: Settings) -> Dict[str, Any]:
    """The JSON body answering a turn."""
    body: Dict[str, Any] = {
        "version": PROTOCOL_VERSION,
        "call_id": turn.call_id,
        "turn_id": turn.turn_id,
        "prompts": [{"text": prompt, "ssml": ssml(prompt)} for prompt in reply.prompts],
        "action": reply.action,
    }
    if reply.action == LISTEN:
        body["listen"] = {
            "input": ["speech", "dtmf"],
            "no_input_timeout_ms": settings.no_input_timeout_ms,
            "max_digits": reply.max_digits,
        }
    elif reply.action == TRANSFER:
        body["transfer"] = {
            "target": settings.transfer_target,
            "reason": reply.transfer_reason,
            "context": reply.transfer_context,
        }
    return body
