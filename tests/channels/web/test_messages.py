"""What the page shows, from a turn's messages and from the tracker's events (pure)."""

from channels.web.messages import CHOICE_METADATA, history, offered_options, turn_messages
from understanding.choices import Option

QUESTION = {
    "text": "卡还有可能找回来吗？比如可能落在家里了。",
    "buttons": [
        {"title": "可能还能找到", "payload": "可能还能找到"},
        {"title": "找不回来了", "payload": "找不回来了"},
    ],
    "structure": {"kind": "question", "slot": "card_findable"},
}
ANSWER = {
    "text": "请先尽快办理临时挂失。\n临时挂失只在一段时间内有效。\n（依据：《指南》；公开指引）",
    "structure": {
        "kind": "answer",
        "topic": "card_lost",
        "lines": [
            {"statement": "a", "text": "请先尽快办理临时挂失。", "personal": True},
            {"statement": "b", "text": "临时挂失只在一段时间内有效。", "personal": False},
        ],
        "sources": ["《指南》", "公开指引"],
    },
}
FOLLOW_UP_BUTTONS = [
    {"title": "挂失后找到了卡，怎么解挂", "payload": "/card_unblock"},
    {"title": "没有了，谢谢", "payload": "/deny"},
]
FOLLOW_UP = {
    "text": "还有其他问题吗？您可能还想问：",
    "buttons": FOLLOW_UP_BUTTONS,
    "structure": {"kind": "follow_up", "topic": "card_lost", "options": FOLLOW_UP_BUTTONS},
}
MENU = {
    "text": "\n".join(
        [
            "我可以解答这些问题：",
            "1. 社保卡丢了，怎么挂失、补办",
            "2. 劳动仲裁的时效",
            "请直接说出您的问题。",
        ]
    ),
    "structure": {
        "kind": "menu",
        "options": [
            {"title": "社保卡丢了，怎么挂失、补办", "payload": "/card_lost"},
            {"title": "劳动仲裁的时效", "payload": "/arbitration_deadline"},
        ],
    },
}


def texts(message):
    return [paragraph["text"] for paragraph in message["paragraphs"]]


def test_an_answer_shows_its_lines_and_lists_its_sources_apart():
    [answer, follow_up] = turn_messages([ANSWER, FOLLOW_UP])
    assert answer["kind"] == "answer"
    assert texts(answer) == ["请先尽快办理临时挂失。", "临时挂失只在一段时间内有效。"]
    assert [p["personal"] for p in answer["paragraphs"]] == [True, False]
    assert answer["sources"] == ["《指南》", "公开指引"]
    assert not any("依据" in text for text in texts(answer))
    assert [(o["number"], o["title"], o["payload"]) for o in follow_up["options"]] == [
        (1, "挂失后找到了卡，怎么解挂", "/card_unblock"),
        (2, "没有了，谢谢", "/deny"),
    ]


def test_options_are_numbered_across_the_turn_as_a_typed_number_picks_them():
    [question, follow_up] = turn_messages([QUESTION, FOLLOW_UP])
    assert [o["number"] for o in question["options"] + follow_up["options"]] == [1, 2, 3, 4]


def test_the_menu_lists_its_topics_once_as_options():
    [menu] = turn_messages([MENU])
    assert texts(menu) == ["我可以解答这些问题：", "请直接说出您的问题。"]
    assert [(o["number"], o["payload"]) for o in menu["options"]] == [
        (1, "/card_lost"),
        (2, "/arbitration_deadline"),
    ]


def test_a_question_answered_in_own_words_has_an_unnumbered_shortcut():
    wage = {
        "text": "方便的话，告诉我您每月工资大概多少。",
        "buttons": [{"title": "跳过", "payload": "跳过"}],
        "structure": {"kind": "question", "slot": "monthly_wage"},
    }
    [message] = turn_messages([wage])
    assert message["options"] == [{"number": None, "title": "跳过", "payload": "跳过"}]


def test_link_buttons_are_text_and_personal_numbers_are_masked():
    [message] = turn_messages(
        [
            {
                "text": "您的号码13812345678已记下。",
                "buttons": [{"title": "办事指南", "url": "https://example.org/guide"}],
            },
            {"custom": {"not": "shown"}},
        ]
    )
    assert texts(message) == ["您的号码138****5678已记下。", "办事指南：https://example.org/guide"]
    assert message["options"] == []


def bot(message):
    return {
        "event": "bot",
        "text": message.get("text"),
        "data": {"buttons": message.get("buttons")},
        "metadata": {"structure": message["structure"]},
    }


def user(text, **metadata):
    return {"event": "user", "text": text, "metadata": metadata}


EVENTS = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    user("/greet", channel="web", source="open"),
    bot({"text": "您好！", "structure": {"kind": "greeting"}}),
    bot(MENU),
    user("社保卡丢了 身份证110101199003071234"),
    bot(QUESTION),
    user("找不回来了", **{CHOICE_METADATA: "找不回来了"}),
    bot(ANSWER),
    bot(FOLLOW_UP),
    user("/deny", **{CHOICE_METADATA: "没有了，谢谢"}),
    bot({"text": "感谢您的咨询，再见！", "structure": {"kind": "goodbye"}}),
]


def test_history_shows_what_the_page_showed_without_the_greeting_command():
    shown = history(EVENTS)
    assert [(m["from"], m["kind"]) for m in shown] == [
        ("assistant", "greeting"),
        ("assistant", "menu"),
        ("citizen", "message"),
        ("assistant", "question"),
        ("citizen", "message"),
        ("assistant", "answer"),
        ("assistant", "follow_up"),
        ("citizen", "message"),
        ("assistant", "goodbye"),
    ]
    assert texts(shown[2]) == ["社保卡丢了 身份证1101**********1234"]
    assert texts(shown[7]) == ["没有了，谢谢"]  # the button's title, not its payload
    assert shown[5]["sources"] == ["《指南》", "公开指引"]


def test_only_the_latest_turn_is_latest():
    shown = [m for m in history(EVENTS[:-2]) if m["from"] == "assistant"]
    assert [(m["kind"], m["latest"]) for m in shown] == [
        ("greeting", False),
        ("menu", False),
        ("question", False),
        ("answer", True),
        ("follow_up", True),
    ]
    assert all(not m["latest"] for m in history(EVENTS)[:-2])


def test_offered_options_are_those_of_the_latest_turn():
    assert offered_options(EVENTS[:7]) == [
        Option("可能还能找到", "可能还能找到"),
        Option("找不回来了", "找不回来了"),
    ]
    assert Option("没有了，谢谢", "/deny") in offered_options(EVENTS[:10])
    assert offered_options(EVENTS) == []
    assert offered_options([]) == []


def test_an_empty_conversation_has_no_history():
    assert history([]) == []


# A turn answered with the apology: the tracker keeps the citizen's message and nothing the
# assistant said (the apology is the channel's, not the assistant's).
FAILED_TURN = EVENTS[:7] + [
    user("找不回来了", **{CHOICE_METADATA: "找不回来了"}),
    {"event": "slot", "name": "card_findable", "value": False},
    {"event": "action", "name": "consultation_form"},
]


def test_a_turn_that_got_the_apology_shows_it_again():
    shown = history(FAILED_TURN)
    assert [(m["from"], m["kind"]) for m in shown[-3:]] == [
        ("assistant", "question"),
        ("citizen", "message"),
        ("assistant", "apology"),
    ]
    assert "12333" in texts(shown[-1])[0]
    assert shown[-3]["latest"]  # the question's buttons can still be pressed


def test_a_turn_that_got_the_apology_leaves_the_buttons_before_it_on_offer():
    assert offered_options(FAILED_TURN) == offered_options(EVENTS[:7])
    assert offered_options(FAILED_TURN + [user("找不回来了")]) == offered_options(EVENTS[:7])
    assert offered_options(FAILED_TURN + EVENTS[8:10]) == offered_options(EVENTS[:10])
