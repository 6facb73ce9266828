"""The voice gateway protocol, version 1 (docs/voice-gateway.md): settings, requests, responses.

Pure functions: reading the channel's settings, checking the bearer token, turning a request
body into a `GatewayTurn` (or a 4xx reason) and a `GatewayReply` into the response body.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from channels.core.requests import (
    MAX_ID_CHARS,
    MAX_INPUT_CHARS,
    RequestRejected,
    read_json_object,
)
from channels.core.settings import Setting, positive, read_settings
from channels.voice.speech import ssml

PROTOCOL_VERSION = "1"
MAX_CALLER_FIELD_CHARS = 32
TOKEN_VARIABLE = "VOICE_GATEWAY_TOKEN"

START, SPEECH, DTMF, NO_INPUT, HANGUP = "start", "speech", "dtmf", "no_input", "hangup"
EVENTS = (START, SPEECH, DTMF, NO_INPUT, HANGUP)
LISTEN, TRANSFER, HANG_UP = "listen", "transfer", "hangup"
DTMF_DIGITS = re.compile(r"[0-9*#]{1,32}")


@dataclass(frozen=True)
class Settings:
    token: Optional[str] = None
    confidence_threshold: float = 0.5
    transfer_target: str = "human_agents"
    no_input_timeout_ms: int = 8000


def _whole_number(text: str) -> int:
    return int(text)


SETTINGS = (
    Setting("token", TOKEN_VARIABLE, None, required=True, secret=True),
    Setting(
        "confidence_threshold",
        None,
        Settings.confidence_threshold,
        float,
        lambda value: 0 <= value <= 1,
        "a number from 0 to 1",
    ),
    Setting("transfer_target", None, Settings.transfer_target),
    Setting(
        "no_input_timeout_ms",
        None,
        Settings.no_input_timeout_ms,
        _whole_number,
        positive,
        "a positive whole number of milliseconds",
    ),
)


def settings_from(
    credentials: Optional[Mapping[str, Any]], environ: Mapping[str, str]
) -> Tuple[Settings, List[str]]:
    """The channel's settings from credentials.yml (VOICE_GATEWAY_TOKEN overrides the token),
    and the problems that keep it from serving."""
    values, problems = read_settings(SETTINGS, credentials, environ)
    return Settings(**values), problems


def authorised(header: Optional[str], token: str) -> bool:
    """Whether an Authorization header carries the bearer token (compared in constant time)."""
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))


@dataclass(frozen=True)
class GatewayTurn:
    """One turn of a call, as the gateway sends it."""

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
        raise RequestRejected(400, f"'{name}' must be a non-empty string")
    if len(value) > MAX_ID_CHARS or not value.isprintable():
        raise RequestRejected(400, f"'{name}' must be at most {MAX_ID_CHARS} printable characters")
    return value


def _caller(payload: Mapping[str, Any]) -> Dict[str, str]:
    caller = payload.get("caller")
    if caller is None:
        return {}
    if not isinstance(caller, dict):
        raise RequestRejected(400, "'caller' must be a JSON object")
    fields = {}
    for name in ("number", "area_code"):
        value = caller.get(name)
        if value is None:
            continue
        if (
            not isinstance(value, str)
            or len(value) > MAX_CALLER_FIELD_CHARS
            or not value.isprintable()
        ):
            raise RequestRejected(
                400,
                f"'caller.{name}' must be a string of at most "
                f"{MAX_CALLER_FIELD_CHARS} printable characters",
            )
        fields[name] = value
    return fields


def _confidence(payload: Mapping[str, Any]) -> Optional[float]:
    value = payload.get("confidence")
    if value is None:
        return None
    # The comparison also refuses NaN and infinities, and never turns a huge integer into a float.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise RequestRejected(400, "'confidence' must be a number from 0 to 1")
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


def parse_turn(body: bytes) -> GatewayTurn:
    """The turn a request body describes; RequestRejected (400 or 413) says what is wrong."""
    payload = read_json_object(body)
    if payload.get("version") != PROTOCOL_VERSION:
        raise RequestRejected(400, f"'version' must be \"{PROTOCOL_VERSION}\"")
    call_id, turn_id = _identifier(payload, "call_id"), _identifier(payload, "turn_id")
    event = payload.get("event")
    if event not in EVENTS:
        raise RequestRejected(400, f"unknown event {event!r}; expected one of {', '.join(EVENTS)}")
    text, digits = "", ""
    if event == SPEECH:
        text = payload.get("text")
        if not isinstance(text, str):
            raise RequestRejected(400, "'text' must be a string for a speech event")
        text = recognised_text(text)[:MAX_INPUT_CHARS]
    if event == DTMF:
        digits = payload.get("digits")
        if not isinstance(digits, str) or not DTMF_DIGITS.fullmatch(digits):
            raise RequestRejected(400, "'digits' must be 1 to 32 of 0-9, * and # for a dtmf event")
    return GatewayTurn(
        call_id, turn_id, event, text, _confidence(payload), digits, _caller(payload)
    )


@dataclass(frozen=True)
class GatewayReply:
    """What the channel answers to a turn, before rendering (and as kept for a repeated turn)."""

    prompts: List[str]
    action: str = LISTEN
    max_digits: int = 1
    transfer_reason: str = ""
    transfer_context: Dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "prompts": list(self.prompts),
            "action": self.action,
            "max_digits": self.max_digits,
            "transfer_reason": self.transfer_reason,
            "transfer_context": self.transfer_context,
        }

    @staticmethod
    def from_dict(item: Mapping[str, Any]) -> "GatewayReply":
        return GatewayReply(
            prompts=[str(prompt) for prompt in item.get("prompts", [])],
            action=str(item.get("action", LISTEN)),
            max_digits=int(item.get("max_digits", 1)),
            transfer_reason=str(item.get("transfer_reason", "")),
            transfer_context=dict(item.get("transfer_context") or {}),
        )


def response_body(turn: GatewayTurn, reply: GatewayReply, settings: Settings) -> Dict[str, Any]:
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
