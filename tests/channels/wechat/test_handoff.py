"""When a follower is handed to a person, and what the agent reads first (pure functions)."""

from channels.wechat.handoff import (
    ASKED,
    MAX_SUMMARY_CHARS,
    STUCK,
    asks_for_person,
    exchanges,
    summary,
    turn_failed,
)
from channels.wechat.reply import said_to


def bot(text, kind, **extra):
    return {"event": "bot", "text": text, "metadata": {"structure": {"kind": kind, **extra}}}


def user(text, message_id=None):
    return {"event": "user", "text": text, "message_id": message_id}


EVENTS = [
    {"event": "action", "name": "action_session_start"},
    user("我的社保卡丢了", "1"),
    bot("卡还有可能找回来吗？比如可能落在家里了。", "question", slot="card_findable"),
    user("找不回来了", "2"),
    bot("已经办了临时挂失吗？", "question", slot="temporary_loss_done"),
    user("身份证110101199003071234，还没挂", "3"),
    bot("请先尽快办理临时挂失……", "answer"),
    user("转人工", "4"),
    bot("好的。需要人工服务，请拨打12333人社服务热线。", "human"),
]


def test_a_person_is_asked_for_by_the_assistants_human_answer():
    assert asks_for_person([{"text": "…", "structure": {"kind": "human"}}])
    assert not asks_for_person([{"text": "…", "structure": {"kind": "answer"}}])


def test_a_turn_fails_with_the_apology_or_when_the_message_was_not_understood():
    not_understood = {"text": "换个说法", "structure": {"kind": "not_understood"}}
    menu = {"text": "我可以解答这些问题：…", "structure": {"kind": "menu"}}
    assert turn_failed([], apology=True)
    assert turn_failed([not_understood, menu], apology=False)
    assert not turn_failed([menu, not_understood], apology=False)
    assert not turn_failed([], apology=False)


def test_the_summary_names_the_reason_topic_answers_and_last_words_masked():
    text = summary(
        ASKED, {"topic": "card_lost"}, EVENTS, {"card_lost": "社保卡丢了，怎么挂失、补办"}
    )
    assert text.splitlines() == [
        "转人工原因：用户要求转人工",
        "咨询主题：社保卡丢了，怎么挂失、补办",
        "已回答：卡还有可能找回来吗？比如可能落在家里了。 找不回来了；"
        "已经办了临时挂失吗？ 身份证1101**********1234，还没挂",
        "用户最后说：转人工",
    ]


def test_the_last_message_is_no_answer_to_the_question_before_it():
    events = EVENTS[:5] + [user("转人工", "4")]
    assert [answer for _, answer in exchanges(events)] == ["找不回来了"]


def test_the_summary_covers_the_current_session_and_stays_short():
    old = [user("我爸退休了养老金资格认证咋弄"), bot("领养老金的人现在住在哪里？", "question")]
    pairs = exchanges(old + [user("在本地")] + EVENTS)
    assert [question for question, _ in pairs][0].startswith("卡还有可能找回来吗")
    long_events = [bot("问题" * 100 + "？", "question"), user("回答" * 100), user("转人工")]
    text = summary(STUCK, {}, long_events, {})
    assert len(text) == MAX_SUMMARY_CHARS and text.endswith("…")
    assert text.startswith("转人工原因：智能助手连续两次没能解答")


def test_what_the_assistant_said_to_a_message_is_read_back_from_the_events():
    buttons = {"buttons": [{"title": "可能还能找到", "payload": "/affirm"}]}
    events = [
        user("我的社保卡丢了", "11"),
        {**bot("卡还有可能找回来吗？", "question", slot="card_findable"), "data": buttons},
        user("找不回来了", "12"),
        bot("已经办了临时挂失吗？", "question"),
    ]
    [message] = said_to(events, "11")
    assert message["text"] == "卡还有可能找回来吗？"
    assert message["buttons"] == buttons["buttons"]
    assert message["structure"] == {"kind": "question", "slot": "card_findable"}
    assert [m["text"] for m in said_to(events, "12")] == ["已经办了临时挂失吗？"]
    assert said_to(events, "13") is None
