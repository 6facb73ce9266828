"""The keys a caller can press: the menus of data/voice_menu.yml and keys for a message's buttons.

Pure functions apart from reading the menu file once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from knowledge.data import load_data

MAIN_MENU = "main"
HUMAN_KEY = "0"

# What pressing a key does.
SEND = "send"  # send `value` to the assistant as the caller's words (an answer or an /intent)
MENU = "menu"  # speak the menu named `value`
REPLAY = "replay"  # speak the latest answer again, in full
TRANSFER = "transfer"  # hand the call to a human agent
KEY_KINDS = (SEND, MENU, REPLAY, TRANSFER)


@dataclass(frozen=True)
class Key:
    digit: str
    title: str
    kind: str
    value: str = ""

    def as_dict(self) -> Dict[str, str]:
        return {"digit": self.digit, "title": self.title, "kind": self.kind, "value": self.value}

    @staticmethod
    def from_dict(item: Mapping[str, Any]) -> "Key":
        kind = str(item.get("kind"))
        if kind not in KEY_KINDS:
            raise ValueError(f"unknown key kind {kind!r}")
        return Key(str(item["digit"]), str(item.get("title", "")), kind, str(item.get("value", "")))


@dataclass(frozen=True)
class Menu:
    name: str
    prompt: str
    keys: Tuple[Key, ...]


def _menu_key(menu: str, item: Mapping[str, Any]) -> Key:
    digit, title = str(item.get("key", "")), item.get("title")
    if not re.fullmatch(r"[0-9]", digit) or not title:
        raise ValueError(f"menu {menu}: each key needs a digit 0-9 and a title: {dict(item)}")
    actions = [name for name in ("topic", "menu", "transfer") if item.get(name)]
    if len(actions) != 1:
        raise ValueError(f"menu {menu}, key {digit}: give exactly one of topic, menu, transfer")
    if actions[0] == "topic":
        return Key(digit, title, SEND, f"/{item['topic']}")
    if actions[0] == "menu":
        return Key(digit, title, MENU, str(item["menu"]))
    return Key(digit, title, TRANSFER)


def parse_menus(document: Mapping[str, Any]) -> Dict[str, Menu]:
    menus = {}
    for name, item in document["menus"].items():
        keys = tuple(_menu_key(name, key) for key in item["keys"])
        digits = [key.digit for key in keys]
        if len(set(digits)) != len(digits):
            raise ValueError(f"menu {name}: a key is used twice")
        menus[name] = Menu(name, item["prompt"], keys)
    if MAIN_MENU not in menus:
        raise ValueError(f"no '{MAIN_MENU}' menu")
    for menu in menus.values():
        for key in menu.keys:
            if key.kind == MENU and key.value not in menus:
                raise ValueError(f"menu {menu.name}, key {key.digit}: no menu {key.value!r}")
    return menus


@lru_cache(maxsize=1)
def all_menus() -> Dict[str, Menu]:
    return parse_menus(load_data("voice_menu.yml"))


def menu_topics(menus: Iterable[Menu]) -> List[str]:
    """The topics (intents) the menus start."""
    return [key.value[1:] for menu in menus for key in menu.keys if key.kind == SEND]


def keys_for_buttons(buttons: Optional[Sequence[Mapping[str, Any]]], first: int = 1) -> List[Key]:
    """A key for each button, numbered from `first` in button order (at most up to 9)."""
    keys = []
    for button in buttons or []:
        payload, title = button.get("payload"), button.get("title") or button.get("payload")
        if not payload or first + len(keys) > 9:
            continue
        keys.append(Key(str(first + len(keys)), str(title), SEND, str(payload)))
    return keys


def announcement(keys: Sequence[Key]) -> List[str]:
    """One sentence per key, e.g. 已经挂失了，请按1。"""
    sentences = []
    for key in keys:
        title = re.sub(r"[：:]", "", key.title).rstrip("。！？!?，, ")
        sentences.append(f"{title}，请按{key.digit}。")
    return sentences


def find(keys: Sequence[Key], digits: str) -> Optional[Key]:
    return next((key for key in keys if key.digit == digits), None)
