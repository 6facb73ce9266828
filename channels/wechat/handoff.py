"""Handing a follower to a person of WeChat's customer-service system: when, and what the agent
is told first. Pure functions over the assistant's messages and the conversation's events.

The follower is handed over when they ask for a person (the assistant answers with a message of
kind `human`) or when two turns in a row fail (the apology, or the message not understood).
The agent first reads a short summary: why, the topic, the questions asked with the follower's
answers, and what the follower said last; personal numbers masked.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from channels.core.masking import mask_text
from understanding.choices import structure_of

HUMAN_KIND = "human"
NOT_UNDERSTOOD_KIND = "not_understood"
QUESTION_KIND = "question"
FAILURES_BEFORE_HANDOFF = 2
# Failed turns count as "in a row" while the next one comes within this time.
FAILURE_WINDOW_SECONDS = 30 * 60.0

# Why the follower is handed over, as the agent reads it.
ASKED = "用户要求转人工"
STUCK = "智能助手连续两次没能解答"
# What the follower reads (through the customer-service API) while the transfer happens.
NOTICES = {
    ASKED: "好的，正在为您转接人工客服，请稍候。",
    STUCK: "抱歉，我没能帮上忙，正在为您转接人工客服，请稍候。",
}
MAX_EXCHANGES = 4
MAX_SUMMARY_CHARS = 400


def asks_for_person(messages: Iterable[Mapping[str, Any]]) -> bool:
    return any(structure_of(message).get("kind") == HUMAN_KIND for message in messages)


def turn_failed(messages: Sequence[Mapping[str, Any]], apology: bool) -> bool:
    """Whether the turn helped nobody: the apology, or a reply that starts by saying it did not
    understand (what follows is the menu or the open question again)."""
    if apology:
        return True
    return bool(messages) and structure_of(messages[0]).get("kind") == NOT_UNDERSTOOD_KIND


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def exchanges(events: Sequence[Mapping[str, Any]]) -> List[Tuple[str, str]]:
    """The assistant's questions of the current session, each with the follower's reply; not
    the follower's last message (it asked for the person, or it failed)."""
    start = max(
        (i for i, event in enumerate(events) if event.get("name") == "action_session_start"),
        default=0,
    )
    end = max((i for i, event in enumerate(events) if event.get("event") == "user"), default=0)
    pairs: List[Tuple[str, str]] = []
    asked: Optional[str] = None
    for event in events[start:end]:
        if event.get("event") == "bot":
            kind = structure_of(event).get("kind")
            asked = _first_line(event.get("text") or "") if kind == QUESTION_KIND else None
        elif event.get("event") == "user":
            text = (event.get("text") or "").strip()
            if asked and text and not text.startswith("/"):
                pairs.append((asked, text))
            asked = None
    return pairs


def summary(
    reason: str,
    slots: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    topic_titles: Mapping[str, str],
) -> str:
    """What the agent reads first: why, the topic, the answers given, the last words."""
    lines = [f"转人工原因：{reason}"]
    topic = slots.get("topic")
    if topic:
        lines.append(f"咨询主题：{topic_titles.get(topic, topic)}")
    pairs = exchanges(events)[-MAX_EXCHANGES:]
    if pairs:
        lines.append("已回答：" + "；".join(f"{question} {answer}" for question, answer in pairs))
    said = [
        event.get("text") or ""
        for event in events
        if event.get("event") == "user" and not (event.get("text") or "/").startswith("/")
    ]
    if said:
        lines.append(f"用户最后说：{said[-1]}")
    text = mask_text("\n".join(lines))
    return text if len(text) <= MAX_SUMMARY_CHARS else text[: MAX_SUMMARY_CHARS - 1] + "…"
