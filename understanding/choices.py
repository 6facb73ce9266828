"""Choosing one of the options the assistant offered: by its number (2, ２, 第二个, 选二),
by its title, or by its payload."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence

from knowledge.numbers import chinese_number
from understanding.text import normalise

# "2", "２", "2号", "第2个", "选二", "选择第三项", "就第一个吧", "我选1"
_ORDINAL = re.compile(
    r"^(?:我|那|就)?(?:要|选|选择|选定|按)?(?:第)?"
    r"([0-9]{1,2}|[一二两三四五六七八九十]{1,3})"
    r"(?:个|项|条|号|种)?(?:吧|啊|呀|的|了|呢|哈)?$"
)


@dataclass(frozen=True)
class Option:
    """Something the citizen can choose: what they see and what choosing it sends."""

    title: str
    payload: str


def chosen_number(text: str) -> Optional[int]:
    """The number of the option the reply picks ('第二个' → 2), or None when it is not such a
    reply. A reply of only a number is one too: whether it means an option or an amount is
    for the caller to decide."""
    match = _ORDINAL.match(normalise(unicodedata.normalize("NFKC", text)))
    if match is None:
        return None
    value = chinese_number(match.group(1))
    if value is None or value != int(value) or value < 1:
        return None
    return int(value)


def chosen_option(text: str, options: Sequence[Option]) -> Optional[Option]:
    """The option the reply picks by number, title or payload, if it picks one."""
    if not options:
        return None
    number = chosen_number(text)
    if number is not None:
        return options[number - 1] if number <= len(options) else None
    said = normalise(text)
    for option in options:
        if said and said in (normalise(option.title), normalise(option.payload)):
            return option
    return None


def structure_of(message: Mapping[str, Any]) -> Mapping[str, Any]:
    """What an assistant's message is, as the actions and responses describe it beside the text
    (its kind, topic, sources, options). A tracker event keeps it in its metadata, a response of
    the domain under the metadata of its own."""
    metadata = message.get("metadata") or {}
    for place in (message, metadata, metadata.get("metadata") or {}):
        structure = place.get("structure")
        if isinstance(structure, Mapping):
            return structure
    return {}


def options_of(messages: Iterable[Mapping[str, Any]]) -> List[Option]:
    """The options offered by the assistant's messages of one turn, numbered across the turn:
    each message's buttons, or the options its structure lists (the numbered menu of topics).
    Messages are tracker events or channel messages."""
    options: List[Option] = []
    for message in messages:
        buttons = (message.get("data") or {}).get("buttons") or message.get("buttons")
        for item in buttons or structure_of(message).get("options") or []:
            if not isinstance(item, Mapping) or item.get("url"):
                continue
            title = str(item.get("title") or item.get("payload") or "").strip()
            payload = str(item.get("payload") or title).strip()
            if title:
                options.append(Option(title, payload))
    return options
