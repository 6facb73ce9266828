"""One conversation's events as the conversation view shows them: each citizen message with
its channel, intent and confidence, followed by what the assistant did (actions, slots set, bot
messages with their `structure.kind`). Pure functions over Rasa's event dictionaries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

MAX_VALUE_CHARS = 200
HIDDEN_ACTIONS = ("action_listen",)


@dataclass
class Step:
    kind: str  # bot, slot, action, loop, session
    text: str = ""
    detail: str = ""  # structure.kind / utter_action of a bot message; a slot's value
    name: str = ""
    timestamp: float = 0.0


@dataclass
class Exchange:
    """A citizen message (none for what happened before the first) and what followed it."""

    timestamp: float = 0.0
    text: Optional[str] = None
    channel: str = ""
    intent: str = ""
    confidence: Optional[float] = None
    keyed: Optional[str] = None  # keypad digits on the telephone line
    steps: List[Step] = field(default_factory=list)

    @property
    def slots(self) -> List[Step]:
        return [step for step in self.steps if step.kind == "slot"]


def shown_value(name: str, value: Any) -> str:
    """A slot's value, shortened; the telephone line's call state as its reply."""
    if name == "voice_call" and isinstance(value, dict):
        reply = value.get("reply") or {}
        if isinstance(reply, dict):
            action, reason = reply.get("action", ""), reply.get("transfer_reason", "")
            return f"reply: {action}" + (f" ({reason})" if reason else "")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def _float(value: Any) -> Optional[float]:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def transcript(events: List[Dict[str, Any]]) -> List[Exchange]:
    exchanges: List[Exchange] = [Exchange()]
    for event in events:
        kind = event.get("event")
        timestamp = _float(event.get("timestamp")) or 0.0
        current = exchanges[-1]
        if kind == "user":
            parse = _dict(event.get("parse_data"))
            intent = _dict(parse.get("intent"))
            voice = _dict(_dict(event.get("metadata")).get("voice"))
            exchanges.append(
                Exchange(
                    timestamp,
                    str(event.get("text") or ""),
                    str(event.get("input_channel") or ""),
                    str(intent.get("name") or ""),
                    _float(intent.get("confidence")),
                    str(voice["digits"]) if voice.get("digits") else None,
                )
            )
        elif kind == "bot":
            metadata = _dict(event.get("metadata"))
            structure = _dict(metadata.get("structure"))
            detail = " · ".join(
                str(part) for part in (structure.get("kind"), metadata.get("utter_action")) if part
            )
            buttons = [
                str(_dict(b).get("title", ""))
                for b in (_dict(event.get("data")).get("buttons") or [])
                if isinstance(b, dict)
            ]
            text = str(event.get("text") or "")
            if buttons:
                text += "\n[" + "] [".join(buttons) + "]"
            current.steps.append(Step("bot", text, detail, timestamp=timestamp))
        elif kind == "slot":
            name = str(event.get("name") or "")
            current.steps.append(
                Step(
                    "slot",
                    name=name,
                    timestamp=timestamp,
                    detail=shown_value(name, event.get("value")),
                )
            )
        elif kind == "action":
            name = str(event.get("name") or "")
            if name not in HIDDEN_ACTIONS:
                current.steps.append(Step("action", name=name, timestamp=timestamp))
        elif kind == "active_loop":
            current.steps.append(
                Step("loop", name=str(event.get("name") or "—"), timestamp=timestamp)
            )
        elif kind == "session_started":
            current.steps.append(Step("session", name="session started", timestamp=timestamp))
    if not exchanges[0].steps:
        exchanges.pop(0)
    return exchanges
