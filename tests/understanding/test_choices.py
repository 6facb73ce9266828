"""Choosing one of the options offered: by number, ordinal, title or payload."""

import pytest

from understanding.choices import Option, chosen_number, chosen_option, options_of

YES_NO = [Option("有", "/affirm"), Option("没有了", "/deny")]


@pytest.mark.parametrize(
    "answer, payload",
    [
        ("1", "/affirm"),
        ("2", "/deny"),
        ("２", "/deny"),
        ("2。", "/deny"),
        (" 2 ", "/deny"),
        ("第2个", "/deny"),
        ("二", "/deny"),
        ("选1", "/affirm"),
        ("第二个", "/deny"),
        ("选二", "/deny"),
        ("选择第一项", "/affirm"),
        ("就第二个吧", "/deny"),
        ("没有了", "/deny"),
        ("有", "/affirm"),
        ("3", None),
        ("0", None),
        ("12", None),
        ("2a", None),
        ("", None),
        ("有没有别的", None),
    ],
)
def test_an_answer_picks_an_option_by_number_or_title(answer, payload):
    option = chosen_option(answer, YES_NO)
    assert (option.payload if option else None) == payload


def test_numbers_mean_nothing_without_options():
    assert chosen_option("1", []) is None
    assert chosen_number("6000") is None and chosen_number("十三") == 13


def test_options_are_numbered_across_a_turn_from_buttons_and_menus():
    events = [
        {"event": "bot", "text": "答案", "metadata": {"structure": {"kind": "answer"}}},
        {
            "event": "bot",
            "text": "还有其他问题吗？",
            "data": {
                "buttons": [
                    {"title": "怎么解挂", "payload": "/card_unblock"},
                    {"title": "链接", "url": "https://example.org"},
                ]
            },
        },
        {
            "event": "bot",
            "text": "1. 社保卡丢了",
            "metadata": {
                "structure": {
                    "kind": "menu",
                    "options": [{"title": "社保卡丢了", "payload": "/card_lost"}],
                }
            },
        },
    ]
    assert options_of(events) == [
        Option("怎么解挂", "/card_unblock"),
        Option("社保卡丢了", "/card_lost"),
    ]
