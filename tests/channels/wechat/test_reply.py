"""Bot messages as WeChat text: numbered buttons, long replies split between blocks."""

from channels.wechat.reply import (
    CHOOSE_BY_NUMBER,
    MAX_REPLY_CHARS,
    RenderedReply,
    render_reply,
    split_message,
    split_reply,
)

YES_NO = [{"title": "有", "payload": "/affirm"}, {"title": "没有了", "payload": "/deny"}]


def test_messages_are_joined_and_buttons_numbered():
    reply = render_reply(
        [
            {"recipient_id": "o", "text": "您问的是：社保卡丢了。"},
            {"recipient_id": "o", "text": "请问还有其他问题吗？", "buttons": YES_NO},
        ]
    )
    assert reply.text == (
        "您问的是：社保卡丢了。\n\n请问还有其他问题吗？\n1. 有\n2. 没有了\n" + CHOOSE_BY_NUMBER
    )


def test_numbers_continue_across_messages_and_link_buttons_are_not_numbered():
    reply = render_reply(
        [
            {"text": "第一个问题", "buttons": YES_NO},
            {
                "text": "第二个问题",
                "buttons": [
                    {"title": "办事指南", "type": "web_url", "url": "https://example.org/guide"},
                    {"title": "好的"},
                ],
            },
            {"image": "https://example.org/card.png"},
            {"custom": {"kind": "not shown"}},
        ]
    )
    assert "3. 好的" in reply.text
    assert "办事指南：https://example.org/guide" in reply.text
    assert reply.text.endswith("https://example.org/card.png")


def test_a_turn_without_messages_renders_empty():
    assert render_reply([]) == render_reply([{"custom": {}}])
    assert render_reply([]).text == ""


def test_questions_answered_in_own_words_get_no_number_hint():
    wage = render_reply(
        [
            {
                "text": "方便的话，告诉我您每月工资大概多少。",
                "structure": {"kind": "question", "slot": "monthly_wage"},
                "buttons": [{"title": "跳过", "payload": "跳过"}],
            }
        ]
    )
    assert wage.text == "方便的话，告诉我您每月工资大概多少。\n1. 跳过"
    lost = render_reply(
        [
            {
                "text": "已经办了临时挂失吗？",
                "structure": {"kind": "question", "slot": "temporary_loss_done"},
                "buttons": YES_NO,
            }
        ]
    )
    assert lost.text.endswith(CHOOSE_BY_NUMBER)


def test_a_long_reply_is_split_between_blocks_never_inside_the_options():
    answer = "临时挂失只在一段时间内有效。" * 40  # 560 characters
    follow_up = (
        "还有其他问题吗？您可能还想问：\n1. 挂失后找到了卡，怎么解挂\n"
        "2. 卡坏了、到期了、旧卡换新卡\n3. 没有了，谢谢\n" + CHOOSE_BY_NUMBER
    )
    parts = split_reply(RenderedReply([answer, follow_up]))
    assert parts == [answer, follow_up]
    short = split_reply(RenderedReply(["好的。", follow_up]))
    assert short == ["好的。\n\n" + follow_up]


def test_short_replies_are_one_message():
    assert split_message("您好！") == ["您好！"]
    assert split_message("  \n ") == []


def test_long_replies_are_split_at_sentence_ends():
    sentence = "社保卡丢失后，请先办理临时挂失，再到服务网点办理正式挂失和补卡。"
    text = sentence * 60
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(part) <= MAX_REPLY_CHARS for part in parts)
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
