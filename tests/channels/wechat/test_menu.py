"""The Official Account's menu (data/wechat_menu.yml) fits WeChat's limits and the domain."""

import yaml

from channels.wechat.menu import intents_by_key, menu_create_body, wechat_menu
from tools.servers import ROOT


def domain_intents():
    return set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])


def test_every_button_asks_about_an_intent_of_the_domain():
    table = intents_by_key(wechat_menu())
    assert table["MENU_CARD_LOST"] == "card_lost"
    assert set(table.values()) <= domain_intents()


def test_the_menu_fits_wechats_limits():
    menu = wechat_menu()
    assert 1 <= len(menu) <= 3
    keys = [button.key for group in menu for button in group.buttons]
    assert len(keys) == len(set(keys))
    for group in menu:
        assert 1 <= len(group.buttons) <= 5
        assert len(group.name.encode("utf-8")) <= 16
        for button in group.buttons:
            assert len(button.name.encode("utf-8")) <= 60
            assert 0 < len(button.key.encode("utf-8")) <= 128


def test_the_menu_create_body_lists_click_buttons():
    body = menu_create_body(wechat_menu())
    first = body["button"][0]["sub_button"][0]
    assert first == {"type": "click", "name": "挂失和补办", "key": "MENU_CARD_LOST"}
