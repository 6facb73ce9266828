"""The keypad: the menu table, keys for the buttons of every question, and their announcements."""

from datetime import date

import pytest
import yaml

from channels.voice.keypad import (
    MAIN_MENU,
    MENU,
    SEND,
    TRANSFER,
    Key,
    all_menus,
    announcement,
    find,
    keys_for_buttons,
    menu_topics,
    parse_menus,
)
from knowledge.questions import all_questions
from knowledge.topics import all_topics
from tests.support import ROOT
from understanding.choices import Option
from understanding.replies import Answered, Asked, Heard, read_answer, read_reply

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_the_main_menu_offers_the_groups_of_the_hotline():
    keys = {key.digit: key for key in all_menus()[MAIN_MENU].keys}
    assert keys["1"].title == "社保卡挂失补办" and keys["1"].value == "/card_lost"
    assert keys["2"].kind == MENU and "电子社保卡" in keys["2"].title
    assert keys["3"].value == "/cross_province_transfer"
    assert keys["4"].kind == MENU and "养老金资格认证" in keys["4"].title
    assert keys["5"].kind == MENU and "劳动合同" in keys["5"].title
    assert keys["0"].kind == TRANSFER


def test_every_menu_topic_exists_and_sub_menus_lead_back():
    intents = {topic.intent for topic in all_topics()}
    menus = all_menus()
    assert set(menu_topics(menus.values())) <= intents
    for name, menu in menus.items():
        digits = {key.digit for key in menu.keys}
        assert "0" in digits, name
        if name != MAIN_MENU:
            assert find(menu.keys, "9") == Key("9", "返回主菜单", MENU, MAIN_MENU)


def test_the_sub_menus_cover_their_groups():
    menus = all_menus()
    assert set(menu_topics([menus["card_services"]])) == {
        "ecard_after_loss",
        "multiple_cards",
        "card_sealed",
        "card_status_query",
    }
    assert set(menu_topics([menus["pension"]])) == {
        "pension_certification",
        "pension_contribution_gap",
    }
    assert set(menu_topics([menus["labour_contract"]])) == {
        "contract_not_signed",
        "prove_labor_relation",
        "arbitration_deadline",
    }


@pytest.mark.parametrize(
    "document, problem",
    [
        ({"menus": {"other": {"prompt": "p", "keys": []}}}, "no 'main' menu"),
        ({"menus": {"main": {"prompt": "p", "keys": [{"key": "1", "title": "t"}]}}}, "exactly one"),
        (
            {
                "menus": {
                    "main": {"prompt": "p", "keys": [{"key": "12", "title": "t", "transfer": True}]}
                }
            },
            "digit 0-9",
        ),
        (
            {
                "menus": {
                    "main": {"prompt": "p", "keys": [{"key": "1", "title": "t", "menu": "nowhere"}]}
                }
            },
            "no menu",
        ),
        (
            {
                "menus": {
                    "main": {
                        "prompt": "p",
                        "keys": [
                            {"key": "1", "title": "a", "transfer": True},
                            {"key": "1", "title": "b", "transfer": True},
                        ],
                    }
                }
            },
            "twice",
        ),
    ],
)
def test_a_broken_menu_table_is_refused(document, problem):
    with pytest.raises(ValueError, match=problem):
        parse_menus(document)


def test_keys_are_announced_one_sentence_each():
    keys = keys_for_buttons(
        [
            {"title": "已经挂失了", "payload": "已经挂失了"},
            {"title": "还没挂失", "payload": "还没挂失"},
        ]
    )
    assert announcement(keys) == ["已经挂失了，请按1。", "还没挂失，请按2。"]
    follow_up = keys_for_buttons(
        [{"title": "接着问刚才的：怎么解挂", "payload": "/card_unblock"}], 3
    )
    assert follow_up == [Key("3", "接着问刚才的：怎么解挂", SEND, "/card_unblock")]
    assert announcement(follow_up) == ["接着问刚才的怎么解挂，请按3。"]


def test_no_more_than_nine_keys_and_buttons_without_payload_are_skipped():
    buttons = [{"title": str(n), "payload": str(n)} for n in range(12)] + [{"title": "x"}]
    assert [key.digit for key in keys_for_buttons(buttons)] == [str(n) for n in range(1, 10)]
    assert keys_for_buttons([{"title": "x"}, {"title": "y", "payload": "y"}]) == [
        Key("1", "y", SEND, "y")
    ]


def question_buttons():
    """(slot, channel, buttons) for every follow-up question asked by a response, in every
    channel variant."""
    for slot in all_questions():
        for variant in DOMAIN["responses"].get(f"utter_ask_{slot}", []):
            yield slot, variant.get("channel", "default"), variant.get("buttons", [])


@pytest.mark.parametrize("slot, channel, buttons", list(question_buttons()))
def test_a_key_means_what_its_button_means(slot, channel, buttons):
    """Key n sends button n's answer; the digit n sent instead reads the same (the keypad
    reply to the open question)."""
    question = all_questions()[slot]
    today = date(2026, 1, 1)
    options = tuple(Option(button["title"], button["payload"]) for button in buttons)
    for key in keys_for_buttons(buttons):
        by_button = read_reply(Asked(question, options), Heard(key.value), today)
        assert isinstance(by_button, Answered), (slot, key)
        assert read_reply(Asked(question, options), Heard(key.digit), today) == by_button, (
            slot,
            key,
        )
    if question.kind == "yes_no":
        yes, no = keys_for_buttons(buttons)
        assert read_answer(question, yes.value, today) is True
        assert read_answer(question, no.value, today) is False
