"""What the assistant says, as WeChat text: buttons as numbered options, long replies split.

WeChat text messages have no buttons, so each button becomes a numbered line and the citizen
answers with the number. The number is read by the assistant itself, from the conversation
(nlp/replies.py, understanding/replies.py), which numbers a turn's options as done here:
across the whole turn, in order (understanding/choices.py).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from knowledge.questions import all_questions
from understanding.choices import structure_of

# WeChat limits a text message to 2048 bytes of UTF-8 (passive replies and the customer-service
# API alike). A Chinese character takes 3 bytes, so 600 characters (1800 bytes) stay below the
# limit with room for the occasional 4-byte emoji or symbol.
MAX_REPLY_CHARS = 600

CHOOSE_BY_NUMBER = "请回复数字选择。"

# A sentence ends at these marks (and any closing quotes or brackets after them) or at a line break.
_SENTENCE = re.compile(r"[^。！？!?；;…\n]*(?:[。！？!?；;…]+[”’\"」』）)]*|\n+|$)")
# Where a sentence longer than a message may be cut, best first.
_SOFT_BREAKS = ("，", ",", "、", "：", ":", " ")


@dataclass(frozen=True)
class RenderedReply:
    blocks: List[str]  # one block per message of the turn, options kept with their message

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)


def render_reply(messages: Iterable[Dict[str, Any]]) -> RenderedReply:
    """All bot messages of one turn, buttons numbered across the whole turn."""
    blocks: List[str] = []
    numbered = 0
    for message in messages:
        lines = [
            str(message[field]).strip()
            for field in ("text", "image", "attachment")
            if isinstance(message.get(field), str) and message[field].strip()
        ]
        options = 0
        for button in message.get("buttons") or []:
            title = str(button.get("title") or button.get("payload") or "").strip()
            if button.get("url"):
                lines.append(f"{title}：{button['url']}" if title else str(button["url"]))
            elif title:
                numbered += 1
                options += 1
                lines.append(f"{numbered}. {title}")
        if options and not _answered_in_own_words(message):
            lines.append(CHOOSE_BY_NUMBER)
        if lines:
            blocks.append("\n".join(lines))
    return RenderedReply(blocks)


def said_to(events: Sequence[Mapping[str, Any]], message_id: str) -> Optional[List[Dict]]:
    """The assistant's messages in reply to the user message `message_id`, as a channel collects
    them, from the conversation's events; None when the conversation has no such message."""
    start = next(
        (
            index
            for index in range(len(events) - 1, -1, -1)
            if events[index].get("event") == "user"
            and str(events[index].get("message_id")) == message_id
        ),
        None,
    )
    if start is None:
        return None
    messages: List[Dict] = []
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            message = {"text": event.get("text"), **(event.get("data") or {})}
            messages.append({**message, "structure": dict(structure_of(event))})
    return messages


def _answered_in_own_words(message: Dict[str, Any]) -> bool:
    """Whether the message asks a question answered in the follower's own words (a wage, a
    date): its buttons are only a shortcut (跳过) and get no "reply with a number" line."""
    question = all_questions().get(str(structure_of(message).get("slot") or ""))
    return question is not None and question.answered_in_own_words


def split_reply(reply: RenderedReply, limit: int = MAX_REPLY_CHARS) -> List[str]:
    """The reply as messages of at most `limit` characters: blocks are kept whole and joined
    while they fit; only a block longer than a message is split, at sentence ends."""
    parts: List[str] = []
    current = ""
    for block in reply.blocks:
        pieces = [block] if len(block) <= limit else split_message(block, limit)
        for piece in pieces:
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def _sentences(text: str) -> List[str]:
    return [piece for piece in _SENTENCE.findall(text) if piece]


def _cut_long_sentence(sentence: str, limit: int) -> List[str]:
    """A sentence longer than `limit`, cut at commas or spaces where possible."""
    pieces = []
    while len(sentence) > limit:
        window = sentence[:limit]
        cut = max((window.rfind(mark) + 1 for mark in _SOFT_BREAKS), default=0)
        cut = cut if cut > limit // 2 else limit
        pieces.append(sentence[:cut])
        sentence = sentence[cut:]
    pieces.append(sentence)
    return pieces


def split_message(text: str, limit: int = MAX_REPLY_CHARS) -> List[str]:
    """The text as messages of at most `limit` characters, split at sentence boundaries."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    parts: List[str] = []
    current = ""
    for sentence in _sentences(text):
        for piece in _cut_long_sentence(sentence, limit):
            if current and len(current) + len(piece) > limit:
                parts.append(current)
                current = ""
            current += piece
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def transfer_xml(received_to: str, received_from: str, kf_account: str) -> str:
    """WeChat's passive reply that passes the follower's message to a customer-service agent
    (transfer_customer_service with the agent's account). The ids are WeChat's own: the
    follower's OpenID and the account's ID, which hold no CDATA end."""
    return (
        f"<xml><ToUserName><![CDATA[{received_from}]]></ToUserName>"
        f"<FromUserName><![CDATA[{received_to}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[transfer_customer_service]]></MsgType>"
        f"<TransInfo><KfAccount><![CDATA[{kf_account}]]></KfAccount></TransInfo></xml>"
    )
