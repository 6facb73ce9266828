"""A reply to an open question is an answer first: the reader of replies, case by case."""

from datetime import date

import pytest

from knowledge.questions import UNKNOWN, all_questions
from knowledge.topics import topic_for_intent
from understanding.choices import Option
from understanding.replies import (
    Answered,
    Aside,
    Asked,
    Correction,
    Heard,
    Invalid,
    Move,
    Noted,
    OtherTopic,
    Restated,
    Unclear,
    read_reply,
)

TODAY = date(2026, 12, 1)
QUESTIONS = all_questions()


def is_topic(intent):
    return topic_for_intent(intent) is not None


def read(slot, text, topic, intent=None, confidence=0.0, buttons=(), **answers):
    slots = topic_for_intent(topic).slots
    asked = Asked(
        QUESTIONS[slot],
        tuple(Option(title, payload) for title, payload in buttons),
        topic,
        slots,
        answers,
    )
    return read_reply(asked, Heard(text, intent, confidence), TODAY, is_topic)


YES_NO_LOST = (("已经挂失了", "已经挂失了"), ("还没挂失", "还没挂失"))
MOBILITY = (("出不了门", "出不了门"), ("能出门", "能出门"))
FOLLOW_UP = (
    ("挂失后找到了卡，怎么解挂", "/card_unblock"),
    ("实体卡挂失或注销后，电子社保卡还能不能用", "/ecard_after_loss"),
    ("没有了，谢谢", "/deny"),
)


@pytest.mark.parametrize(
    "text, intent, value",
    [
        ("挂了", "goodbye", True),
        ("嗯", "affirm", True),
        ("对的，已经挂了", None, True),
        ("是的是的", None, True),
        ("办了", "goodbye", True),
        ("还没", None, False),
        ("没呢", None, False),
        ("还没呢", "deny", False),
        ("没", None, False),
        ("不知道怎么挂", None, False),
        ("不清楚", None, UNKNOWN),
        ("不记得了", "stop", UNKNOWN),
        ("1", "goodbye", True),
        ("2", "goodbye", False),
        ("２", None, False),
        ("第二个", None, False),
        ("选1", None, True),
        ("已经挂失了", None, True),
    ],
)
def test_yes_or_no_as_people_say_it(text, intent, value):
    assert read("temporary_loss_done", text, "card_lost", intent, 0.95, YES_NO_LOST) == Answered(
        value
    )


@pytest.mark.parametrize("text", ["6000", "５０００", "月薪6000", "8000块", "六千", "1.2万"])
def test_a_wage_is_an_answer_whatever_the_classifier_says(text):
    reading = read(
        "monthly_wage", text, "contract_not_signed", "goodbye", 0.97, (("跳过", "跳过"),)
    )
    assert isinstance(reading, Answered) and reading.value >= 1000


@pytest.mark.parametrize("text", ["不想说", "不方便说", "保密", "跳过", "这个不说了"])
def test_an_optional_question_may_be_refused(text):
    assert read("monthly_wage", text, "contract_not_signed", "stop", 0.95) == Answered(
        UNKNOWN, refused=True
    )


def test_a_button_title_means_what_it_says_even_when_classified_as_stop():
    assert read(
        "limited_mobility", "出不了门", "pension_certification", "stop", 0.97, MOBILITY
    ) == Answered(True)
    assert read("replacement_reason", "刷不了", "card_replacement", "stop", 0.9) == Answered(
        "damaged"
    )


@pytest.mark.parametrize(
    "text, move",
    [
        ("等一下", "wait"),
        ("等等，我问问我儿子", "wait"),
        ("啥意思", "explain"),
        ("没听懂你说的", "explain"),
        ("为什么问这个", "why"),
        ("转人工", "human"),
        ("再说一遍", "repeat"),
        ("算了", "stop"),
        ("不问了", "stop"),
        ("再见", "farewell"),
        ("拜拜", "farewell"),
        ("我还有别的问题", "more"),
    ],
)
def test_moves_are_not_answers(text, move):
    assert read("card_findable", text, "card_lost", "deny", 0.9) == Move(move)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("医保报销怎么弄", "out_of_scope"),
        ("社保卡密码忘了怎么办", "out_of_scope"),
        ("你是机器人吗", "bot_challenge"),
        ("谢谢", "thank"),
    ],
)
def test_a_question_on_something_else_is_answered_in_passing(text, intent):
    assert read("temporary_loss_done", text, "card_lost", intent, 0.93, YES_NO_LOST) == Aside(
        intent
    )


def test_another_topic_interrupts_but_an_answer_stays_an_answer():
    assert read(
        "card_findable", "没签合同咋办", "card_lost", "contract_not_signed", 0.95
    ) == OtherTopic("contract_not_signed")
    assert read("card_collected", "卡已经领了", "card_sealed", "card_lost", 0.9) == Answered(True)
    assert read(
        "temporary_loss_done", "挂失了电子社保卡还能用吗", "card_lost", "ecard_after_loss", 0.95
    ) == OtherTopic("ecard_after_loss")


def test_an_option_named_or_not_known():
    assert read(
        "extra_card_status", "一张正常一张挂失了", "multiple_cards", knows_card_status=True
    ) == Answered("mixed")
    assert read(
        "extra_card_status", "我也不知道是不是正常", "multiple_cards", knows_card_status=True
    ) == Answered(UNKNOWN)
    assert read("physical_card_state", "不是临时挂失，是正式挂失", "ecard_after_loss") == Answered(
        "formal_loss"
    )
    assert read("replacement_reason", "卡坏了、到期了、旧卡换新卡", "card_replacement") == Unclear()


@pytest.mark.parametrize(
    "text, scope",
    [
        ("从广州转到深圳", "within"),
        ("广州到深圳", "within"),
        ("从河南转到浙江", "across"),
        ("转到外省", "across"),
        ("在省内转", "within"),
    ],
)
def test_places_decide_the_transfer_scope(text, scope):
    assert read("transfer_scope", text, "cross_province_transfer") == Answered(scope)


def test_several_facts_in_one_reply():
    reading = read("employment_duration", "干了三个月，月薪五千", "contract_not_signed")
    assert isinstance(reading, Answered) and reading.also == {"monthly_wage": 5000}
    assert reading.value["start"] == "2026-09-01"
    reading = read("card_findable", "找不回来了，还没挂失", "card_lost")
    assert reading == Answered(False, {"temporary_loss_done": False})


def test_corrections_of_earlier_answers():
    five = {"periods": [5.0], "years": 5.0, "holder": None, "adds": False}
    assert read(
        "follow_up", "不对，是三年", "pension_contribution_gap", years_paid=five
    ) == Correction("years_paid", {"periods": [3.0], "years": 3.0, "holder": None, "adds": False})
    assert read(
        "follow_up", "还有在老家交的6年", "pension_contribution_gap", years_paid=five
    ) == Correction(
        "years_paid", {"periods": [5.0, 6.0], "years": 11.0, "holder": None, "adds": False}
    )
    assert read(
        "follow_up",
        "不对，我已经挂失了",
        "card_lost",
        card_findable=False,
        temporary_loss_done=False,
    ) == Correction("temporary_loss_done", True)


def test_an_answer_said_again_as_a_correction_stands():
    assert read(
        "follow_up",
        "不对，我已经挂失了",
        "card_lost",
        "deny",
        0.95,
        card_findable=False,
        temporary_loss_done=True,
    ) == Restated("temporary_loss_done")


def test_a_hesitation_is_no_greeting():
    assert read("years_paid", "这个嘛", "pension_contribution_gap", "greet", 0.61) == Unclear()
    assert read("years_paid", "你好", "pension_contribution_gap", "greet", 0.97) == Aside("greet")


def test_after_an_answer_the_buttons_and_yes_or_no():
    assert read("follow_up", "2", "card_lost", "goodbye", 0.7, FOLLOW_UP) == OtherTopic(
        "ecard_after_loss"
    )
    assert read("follow_up", "第三个", "card_lost", None, 0.0, FOLLOW_UP) == Answered(False)
    assert read("follow_up", "没有了", "card_lost", "deny", 0.99, FOLLOW_UP) == Answered(False)
    assert read("follow_up", "我还有别的问题", "card_lost", "help", 0.9, FOLLOW_UP) == Answered(
        True
    )
    assert read("follow_up", "再说一遍", "card_lost", "repeat", 0.9, FOLLOW_UP) == Move("repeat")


def test_impossible_dates_are_asked_again_with_the_reason():
    reading = read("employment_duration", "2027年5月", "contract_not_signed")
    assert isinstance(reading, Invalid) and "2027年5月还没到" in reading.reason


def test_a_length_too_loose_to_answer_is_asked_again():
    reading = read("employment_duration", "不到一年", "contract_not_signed")
    assert isinstance(reading, Invalid) and "具体" in reading.reason
    assert isinstance(read("employment_duration", "差不多一年", "contract_not_signed"), Answered)


def test_what_is_no_answer_is_unclear():
    assert (
        read("years_paid", "这个嘛", "pension_contribution_gap", "nlu_fallback", 0.5) == Unclear()
    )


@pytest.mark.parametrize(
    "text, noted",
    [
        ("出不了门", {"limited_mobility": True}),
        ("老人卧床好几年了", {"limited_mobility": True}),
    ],
)
def test_a_reply_that_answers_another_question_of_the_consultation_is_kept(text, noted):
    assert read("retiree_location", text, "pension_certification") == Noted(noted)


def test_a_reply_that_answers_no_question_stays_unclear():
    assert read("retiree_location", "今天天气不错", "pension_certification") == Unclear()
