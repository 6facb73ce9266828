"""Bot messages as WeChat text: numbered buttons, numbers read back, long replies split."""
import pytest

from channels.wechat_reply import (
    CHOOSE_BY_NUMBER, MAX_MESSAGE_CHARS, PendingChoices, chosen_option, render_reply,
    split_message,
)

YES_NO = [{"title": "有", "payload": "/affirm"}, {"title": "没有了", "payload": "/deny"}]


def test_messages_are_joined_and_buttons_numbered():
    reply = render_reply([
        {"recipient_id": "o", "text": "您问的是：社保卡丢了。"},
        {"recipient_id": "o", "text": "请问还有其他问题吗？", "buttons": YES_NO},
    ])
    assert reply.text == (
        "您问的是：社保卡丢了。\n\n请问还有其他问题吗？\n1. 有\n2. 没有了\n" + CHOOSE_BY_NUMBER
    )
    assert reply.options == ("/affirm", "/deny")


def test_numbers_continue_across_messages_and_link_buttons_are_not_numbered():
    reply = render_reply([
        {"text": "第一个问题", "buttons": YES_NO},
        {"text": "第二个问题", "buttons": [
            {"title": "办事指南", "type": "web_url", "url": "https://example.org/guide"},
            {"title": "好的"},
        ]},
        {"image": "https://example.org/card.png"},
        {"custom": {"kind": "not shown"}},
    ])
    assert "3. 好的" in reply.text
    assert "办事指南：https://example.org/guide" in reply.text
    assert reply.text.endswith("https://example.org/card.png")
    assert reply.options == ("/affirm", "/deny", "好的")


def test_a_turn_without_messages_renders_empty():
    assert render_reply([]) == render_reply([{"custom": {}}])
    assert render_reply([]).text == ""


@pytest.mark.parametrize("answer, payload", [
    ("1", "/affirm"), ("2", "/deny"), ("２", "/deny"), ("2。", "/deny"), (" 2 ", "/deny"),
    ("第2个", "/deny"), ("二", "/deny"), ("选1", "/affirm"),
    ("3", None), ("0", None), ("12", None), ("2a", None), ("没有了", None), ("", None),
])
def test_an_answer_with_an_options_number_picks_its_payload(answer, payload):
    assert chosen_option(answer, ["/affirm", "/deny"]) == payload


def test_numbers_mean_nothing_without_options():
    assert chosen_option("1", []) is None


def test_pending_choices_apply_to_the_followers_next_message_only_until_they_expire():
    now = [0.0]
    choices = PendingChoices(keep_seconds=60, clock=lambda: now[0])
    choices.remember("alice", ["/affirm", "/deny"])
    assert choices.resolve("alice", "2") == "/deny"
    assert choices.resolve("bob", "2") == "2"
    assert choices.resolve("alice", "社保卡丢了") == "社保卡丢了"
    choices.remember("alice", [])  # the next reply had no buttons
    assert choices.resolve("alice", "2") == "2"
    choices.remember("alice", ["/affirm", "/deny"])
    now[0] = 61
    assert choices.resolve("alice", "1") == "1"


def test_pending_choices_forget_the_oldest_follower_when_full():
    choices = PendingChoices(max_senders=2)
    for sender in ("a", "b", "c"):
        choices.remember(sender, ["/affirm"])
    assert choices.resolve("a", "1") == "1"
    assert choices.resolve("c", "1") == "/affirm"


def test_short_replies_are_one_message():
    assert split_message("您好！") == ["您好！"]
    assert split_message("  \n ") == []


def test_long_replies_are_split_at_sentence_ends():
    sentence = "社保卡丢失后，请先办理临时挂失，再到服务网点办理正式挂失和补卡。"
    text = sentence * 60
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(part) <= MAX_MESSAGE_CHARS for part in parts)
    assert all(part.endswith("。") for part in parts)
    assert "".join(parts) == text


def test_line_breaks_and_closing_quotes_are_sentence_ends():
    text = "第一段说明。\n" * 150 + "他说：“好的。”" * 50
    parts = split_message(text, limit=100)
    assert all(len(part) <= 100 for part in parts)
    assert all(part.endswith(("。", "。”")) for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_a_sentence_longer_than_a_message_is_cut_at_commas_or_hard():
    with_commas = ("这是一个很长的分句" + "，") * 100 + "完。"
    parts = split_message(with_commas, limit=95)
    assert all(len(part) <= 95 for part in parts)
    assert all(part.endswith("，") for part in parts[:-1])
    assert "".join(parts) == with_commas
    without_breaks = "长" * 1300
    assert [len(part) for part in split_message(without_breaks)] == [600, 600, 100]
