"""What the assistant says, as WeChat text: buttons as numbered options, long replies split.

WeChat text messages have no buttons, so each button becomes a numbered line and the
citizen answers with the number; `PendingChoices` remembers, per follower, which payload each
number stands for until their next message.
"""
from __future__ import annotations

import re
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

# WeChat limits a text message to 2048 bytes of UTF-8 (passive replies and the customer-service
# API alike). A Chinese character takes 3 bytes, so 600 characters (1800 bytes) stay below the
# limit with room for the occasional 4-byte emoji or symbol.
MAX_MESSAGE_CHARS = 600

CHOOSE_BY_NUMBER = "请回复数字选择。"

# A sentence ends at these marks (and any closing quotes or brackets after them) or at a line break.
_SENTENCE = re.compile(r"[^。！？!?；;…\n]*(?:[。！？!?；;…]+[”’\"」』）)]*|\n+|$)")
# Where a sentence longer than a message may be cut, best first.
_SOFT_BREAKS = ("，", ",", "、", "：", ":", " ")

_CHINESE_NUMBERS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                    "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# "2", "２", "2。", "第2个", "选二" …
_CHOICE = re.compile(r"^(?:选择?|第)?\s*([0-9]{1,2}|[一二两三四五六七八九十])\s*(?:个|项|条|号)?$")
_TRAILING_MARKS = " \t\r\n.。,，!！?？、"


@dataclass(frozen=True)
class RenderedReply:
    text: str
    # The payload of each numbered option: the citizen's "1" stands for options[0].
    options: Tuple[str, ...] = ()


def render_reply(messages: Iterable[Dict[str, Any]]) -> RenderedReply:
    """All bot messages of one turn as one text, buttons numbered across the whole turn."""
    blocks: List[str] = []
    options: List[str] = []
    for message in messages:
        lines = [str(message[field]).strip() for field in ("text", "image", "attachment")
                 if isinstance(message.get(field), str) and message[field].strip()]
        numbered = False
        for button in message.get("buttons") or []:
            title = str(button.get("title") or button.get("payload") or "").strip()
            if button.get("url"):
                lines.append(f"{title}：{button['url']}" if title else str(button["url"]))
            elif title:
                options.append(str(button.get("payload") or title))
                lines.append(f"{len(options)}. {title}")
                numbered = True
        if numbered:
            lines.append(CHOOSE_BY_NUMBER)
        if lines:
            blocks.append("\n".join(lines))
    return RenderedReply("\n\n".join(blocks), tuple(options))


def chosen_option(text: str, options: Sequence[str]) -> Optional[str]:
    """The payload the citizen picked by answering with an option's number, if they did."""
    if not options:
        return None
    match = _CHOICE.match(unicodedata.normalize("NFKC", text).strip(_TRAILING_MARKS))
    if match is None:
        return None
    number = match.group(1)
    index = int(number) if number.isdigit() else _CHINESE_NUMBERS[number]
    return options[index - 1] if 1 <= index <= len(options) else None


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


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> List[str]:
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


class PendingChoices:
    """Per follower, the numbered options of the assistant's last reply, until they expire."""

    def __init__(self, keep_seconds: float = 3600.0, max_senders: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._keep_seconds = keep_seconds
        self._max_senders = max_senders
        self._clock = clock
        self._options: "OrderedDict[str, Tuple[float, Tuple[str, ...]]]" = OrderedDict()

    def remember(self, sender_id: str, options: Sequence[str]) -> None:
        self._options.pop(sender_id, None)
        if options:
            self._options[sender_id] = (self._clock(), tuple(options))
            while len(self._options) > self._max_senders:
                self._options.popitem(last=False)

    def resolve(self, sender_id: str, text: str) -> str:
        """The payload of the option the text picks, or the text itself."""
        stored = self._options.get(sender_id)
        if stored is None:
            return text
        remembered_at, options = stored
        if self._clock() - remembered_at > self._keep_seconds:
            del self._options[sender_id]
            return text
        return chosen_option(text, options) or text
