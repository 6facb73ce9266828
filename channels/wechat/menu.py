"""The Official Account's custom menu, read from data/wechat_menu.yml.

The channel maps the key of a clicked button to an intent; the module
prints the menu as the JSON body of WeChat's menu/create API (`python -m channels.wechat.menu`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Tuple

from knowledge.data import load_data


@dataclass(frozen=True)
class MenuButton:
    key: str
    name: str
    intent: str


@dataclass(frozen=True)
class MenuGroup:
    name: str
    buttons: Tuple[MenuButton, ...]


def parse_menu(document: Dict) -> List[MenuGroup]:
    return [
        MenuGroup(
            name=group["name"],
            buttons=tuple(
                MenuButton(key=button["key"], name=button["name"], intent=button["intent"])
                for button in group["buttons"]
            ),
        )
        for group in document["menu"]
    ]


@lru_cache(maxsize=1)
def wechat_menu() -> Tuple[MenuGroup, ...]:
    return tuple(parse_menu(load_data("wechat_menu.yml")))


def intents_by_key(menu: Tuple[MenuGroup, ...]) -> Dict[str, str]:
    """EventKey of each button -> the intent it asks about."""
    return {button.key: button.intent for group in menu for button in group.buttons}


def menu_create_body(menu: Tuple[MenuGroup, ...]) -> Dict:
    """The menu as WeChat's menu/create API expects it."""
    return {
        "button": [
            {
                "name": group.name,
                "sub_button": [
                    {"type": "click", "name": button.name, "key": button.key}
                    for button in group.buttons
                ],
            }
            for group in menu
        ]
    }


if __name__ == "__main__":
    print(json.dumps(menu_create_body(wechat_menu()), ensure_ascii=False, indent=2))
