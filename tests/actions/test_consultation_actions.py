"""The consultation actions run on real rasa_sdk Tracker objects."""

import asyncio
from datetime import date, timedelta

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.consultation import (
    ActionAskFollowUp,
    ActionStartTopic,
    ValidateConsultationForm,
    end_consultation,
)
from actions.conversation import ActionRepeat, ActionShowMenu
from knowledge.periods import Contribution, Employment, add_months
from knowledge.questions import UNKNOWN
from knowledge.topics import all_question_slots
from tests.support import ROOT

STATE_SLOTS = (
    "topic",
    "previous_topic",
    "retried_slot",
    "requested_slot",
    "leaving",
    "answer_given",
    "follow_up",
    "confirm_leave",
)
DOMAIN = {"forms": {"consultation_form": {"required_slots": all_question_slots()}}}
TWO_BUTTONS = [
    {"title": "已经挂失了", "payload": "已经挂失了"},
    {"title": "还没挂失", "payload": "还没挂失"},
]


def worked(months, days=0):
    """Work started `months` and `days` ago (the actions measure to the real today)."""
    start = add_months(date.today() - timedelta(days=days), -months)
    return Employment(start, start, start, "exact").as_slot()


def paid(years):
    return Contribution((float(years),)).as_slot()


def tracker(
    text="", intent=None, confidence=1.0, slots=None, events=None, loop="consultation_form"
):
    all_slots = {slot: None for slot in all_question_slots() + list(STATE_SLOTS)}
    all_slots.update(slots or {})
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}] if intent else [],
        "entities": [],
    }
    return Tracker(
        "citizen",
        all_slots,
        latest,
        events or [],
        False,
        None,
        {"name": loop} if loop else {},
        "action_listen",
    )


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    loop_ended = any(e.get("event") == "active_loop" and e.get("name") is None for e in events)
    return dispatcher.messages, slots, loop_ended


def reply(slot, text, intent=None, confidence=0.0, buttons=None, **slots):
    """The form's requested slot filled with the reply text, as Rasa's from_text mapping does,
    after the assistant asked it (with its buttons, if any)."""
    slots = {"requested_slot": slot, **slots}
    events = [
        {"event": "user", "text": "…"},
        {"event": "bot", "text": "问题", "data": {"buttons": buttons}},
        {"event": "user", "text": text},
        {"event": "slot", "name": slot, "value": text},
    ]
    return tracker(text, intent, confidence, {**slots, slot: text}, events=events)


def required(**slots):
    form = ValidateConsultationForm()
    return asyncio.run(
        form.required_slots([], CollectingDispatcher(), tracker(slots=slots), DOMAIN)
    )


def test_start_takes_the_topic_and_what_was_already_said():
    _, slots, _ = run(ActionStartTopic(), tracker("社保卡坏了换新卡钱会没吗", "card_replacement"))
    assert slots["topic"] == "card_replacement"
    assert slots["replacement_reason"] == "damaged"


def test_start_does_not_take_a_yes_no_answer_from_the_question():
    _, slots, _ = run(ActionStartTopic(), tracker("我的社保卡丢了还能找到吗", "card_lost"))
    assert slots["topic"] == "card_lost" and slots.get("card_findable") is None


def test_start_reads_places_named_in_the_question():
    _, slots, _ = run(
        ActionStartTopic(), tracker("社保从广州转到深圳要换卡吗", "cross_province_transfer")
    )
    assert slots["transfer_scope"] == "within"
    _, slots, _ = run(ActionStartTopic(), tracker("从河南转到杭州", "cross_province_transfer"))
    assert slots["transfer_scope"] == "across"


def test_a_menu_title_asks_instead_of_answering_one_case():
    _, slots, _ = run(ActionStartTopic(), tracker("卡坏了、到期了、旧卡换新卡", "card_replacement"))
    assert slots.get("replacement_reason") is None
    _, slots, _ = run(
        ActionStartTopic(), tracker("实体卡挂失或注销后，电子社保卡还能不能用", "ecard_after_loss")
    )
    assert slots.get("physical_card_state") is None


def test_start_reads_facts_stated_in_the_question():
    _, slots, _ = run(
        ActionStartTopic(), tracker("社保卡被偷了，已经打电话挂失了，接下来咋办", "card_lost")
    )
    assert slots["card_findable"] is False and slots["temporary_loss_done"] is True
    _, slots, _ = run(
        ActionStartTopic(),
        tracker("厂里拖欠工资，我上个月辞职了，还能仲裁吗", "arbitration_deadline"),
    )
    assert slots["dispute_about_wages"] is True and slots["still_employed"] is False
    _, slots, _ = run(ActionStartTopic(), tracker("我没领过社保卡，但是显示封存", "card_sealed"))
    assert slots["card_collected"] is False


def test_the_form_asks_only_what_the_topic_needs_then_the_follow_up():
    assert required(topic="multiple_cards", knows_card_status=False) == ["follow_up"]
    assert required(topic="multiple_cards") == ["knows_card_status", "follow_up"]
    assert required(topic="multiple_cards", knows_card_status=True, extra_card_status="usable") == [
        "card_used_locally",
        "follow_up",
    ]
    assert required(topic="card_status_query") == ["follow_up"]


def test_the_wage_is_not_asked_when_it_cannot_change_the_answer():
    assert required(topic="contract_not_signed", employment_duration=worked(0, 20)) == ["follow_up"]
    assert required(topic="contract_not_signed", employment_duration=worked(3)) == [
        "monthly_wage",
        "follow_up",
    ]


def test_abroad_no_questions_about_leaving_the_house():
    asked = required(
        topic="pension_certification", retiree_location="abroad", can_use_face_recognition=False
    )
    assert asked == ["follow_up"]


def test_a_reply_is_understood_and_the_next_question_follows():
    _, slots, _ = run(
        ValidateConsultationForm(), reply("card_findable", "找不回来了", topic="card_lost")
    )
    assert slots["card_findable"] is False and slots["requested_slot"] == "temporary_loss_done"


def test_a_number_picks_the_button_shown_with_the_question():
    _, slots, _ = run(
        ValidateConsultationForm(),
        reply(
            "temporary_loss_done",
            "2",
            "goodbye",
            0.9,
            TWO_BUTTONS,
            topic="card_lost",
            card_findable=False,
        ),
    )
    assert slots["temporary_loss_done"] is False and slots["requested_slot"] == "follow_up"


def test_an_unclear_reply_is_asked_again_once_then_skipped():
    messages, slots, _ = run(
        ValidateConsultationForm(), reply("years_paid", "这个嘛", topic="pension_contribution_gap")
    )
    assert slots["years_paid"] is None and slots["retried_slot"] == "years_paid"
    assert "十二年" in messages[0]["text"]
    messages, slots, _ = run(
        ValidateConsultationForm(),
        reply("years_paid", "啊这个", topic="pension_contribution_gap", retried_slot="years_paid"),
    )
    assert slots["years_paid"] == UNKNOWN and "跳过" in messages[0]["text"]


def test_a_refused_wage_is_skipped_and_the_answer_follows():
    messages, slots, ended = run(
        ValidateConsultationForm(),
        reply(
            "monthly_wage",
            "不想说",
            "stop",
            0.95,
            topic="contract_not_signed",
            employment_duration=worked(3),
        ),
    )
    assert slots["monthly_wage"] == UNKNOWN and not ended
    assert slots["requested_slot"] == "follow_up" and "没关系" in messages[0]["text"]


def test_a_question_on_another_topic_switches_topic():
    t = reply(
        "temporary_loss_done",
        "对了我爸的养老金资格认证怎么弄",
        "pension_certification",
        0.95,
        topic="card_lost",
        card_findable=False,
    )
    messages, slots, _ = run(ValidateConsultationForm(), t)
    assert slots["topic"] == "pension_certification" and slots["previous_topic"] == "card_lost"
    assert slots["card_findable"] is None and slots["requested_slot"] == "retiree_location"
    assert messages[0]["text"] == "好的，我们先说说：领取养老金的资格认证。"


def test_moves_in_the_middle_of_a_question():
    messages, slots, ended = run(
        ValidateConsultationForm(),
        reply("card_findable", "为什么问这个", "ask_why", 0.9, topic="card_lost"),
    )
    assert (
        "解挂" in messages[0]["text"] and slots["requested_slot"] == "card_findable" and not ended
    )
    messages, _, ended = run(
        ValidateConsultationForm(), reply("card_findable", "啥意思", "deny", 0.9, topic="card_lost")
    )
    assert "比如" in messages[0]["text"] and not ended
    messages, _, ended = run(
        ValidateConsultationForm(), reply("card_findable", "算了", "stop", 0.9, topic="card_lost")
    )
    assert messages[0]["response"] == "utter_consultation_stopped" and ended
    messages, _, ended = run(
        ValidateConsultationForm(),
        reply("card_findable", "转人工", "request_human", 0.9, topic="card_lost"),
    )
    assert messages[0]["response"] == "utter_request_human" and not ended


def test_a_goodbye_in_the_middle_is_confirmed_first():
    _, slots, ended = run(
        ValidateConsultationForm(),
        reply("card_findable", "再见", "goodbye", 0.95, topic="card_lost"),
    )
    assert (
        slots["leaving"] == "card_findable"
        and slots["requested_slot"] == "confirm_leave"
        and not ended
    )
    messages, _, ended = run(
        ValidateConsultationForm(),
        reply("confirm_leave", "结束咨询", topic="card_lost", leaving="card_findable"),
    )
    assert messages[0]["response"] == "utter_goodbye" and ended
    _, slots, ended = run(
        ValidateConsultationForm(),
        reply("confirm_leave", "继续回答", topic="card_lost", leaving="card_findable"),
    )
    assert slots["leaving"] is None and slots["requested_slot"] == "card_findable" and not ended


def test_an_aside_is_answered_and_the_question_asked_again():
    messages, slots, ended = run(
        ValidateConsultationForm(),
        reply(
            "temporary_loss_done",
            "医保报销怎么弄",
            "out_of_scope",
            0.9,
            topic="card_lost",
            card_findable=False,
        ),
    )
    assert messages[0]["response"] == "utter_out_of_scope" and not ended
    assert slots["requested_slot"] == "temporary_loss_done"


def test_the_answer_cites_its_sources_once_and_offers_next_questions():
    t = tracker(
        slots={
            "topic": "contract_not_signed",
            "employment_duration": worked(3),
            "monthly_wage": 5000,
            "previous_topic": "card_lost",
        }
    )
    messages, slots, _ = run(ActionAskFollowUp(), t)
    answer, follow_up = messages
    assert "约10000元" in answer["text"] and answer["structure"]["kind"] == "answer"
    assert "《中华人民共和国劳动合同法》第十条、第八十二条" in answer["text"]
    assert answer["structure"]["sources"][0] == "《中华人民共和国劳动合同法》第十条、第八十二条"
    titles = [button["title"] for button in follow_up["buttons"]]
    assert titles[0].startswith("接着问刚才的：社保卡丢了")
    assert follow_up["buttons"][-1]["payload"] == "/deny"
    assert slots["answer_given"]
    # Asked again (after an aside), the follow-up question comes without the answer.
    again, _, _ = run(ActionAskFollowUp(), tracker(slots={**t.slots, **slots}))
    assert [message["text"] for message in again] == [follow_up["text"]]


def test_after_the_answer_a_correction_gives_the_answer_again():
    messages, slots, ended = run(
        ValidateConsultationForm(),
        reply(
            "follow_up",
            "不对，是三年",
            "deny",
            0.96,
            topic="pension_contribution_gap",
            years_paid=paid(5),
            answer_given="x",
        ),
    )
    assert slots["years_paid"]["years"] == 3 and slots["follow_up"] is None and not ended
    assert slots["requested_slot"] == "follow_up"


def test_after_the_answer_no_more_questions_ends_with_goodbye():
    messages, _, ended = run(
        ValidateConsultationForm(), reply("follow_up", "没有了", "deny", 0.99, topic="card_lost")
    )
    assert messages[0]["response"] == "utter_goodbye" and ended
    messages, _, ended = run(
        ValidateConsultationForm(),
        reply("follow_up", "我还有别的问题", "help", 0.9, topic="card_lost"),
    )
    assert messages[0]["response"] == "utter_ask_question" and ended


def test_the_menu_is_numbered_and_carries_its_options():
    messages, _, _ = run(ActionShowMenu(), tracker(loop=None))
    assert messages[0]["text"].startswith("我可以解答这些问题：")
    assert "15. 劳动仲裁的时效" in messages[0]["text"]
    options = messages[0]["structure"]["options"]
    assert options[2] == {
        "title": "实体卡挂失或注销后，电子社保卡还能不能用",
        "payload": "/ecard_after_loss",
    }


def test_repeat_says_the_last_turn_again():
    events = [
        {"event": "user", "text": "社保卡丢了"},
        {"event": "bot", "text": "卡还有可能找回来吗？", "data": {"buttons": TWO_BUTTONS}},
        {"event": "user", "text": "再说一遍"},
    ]
    messages, _, _ = run(ActionRepeat(), tracker("再说一遍", "repeat", events=events, loop=None))
    assert messages[0]["text"] == "卡还有可能找回来吗？" and messages[0]["buttons"] == TWO_BUTTONS


def test_ending_a_consultation_clears_the_question_and_the_form():
    assert [event["event"] for event in end_consultation()] == ["slot", "active_loop"]


# Rasa sends the action server no domain (endpoints: enable_selective_domain); the form must
# answer every kind of reply exactly as it does with the full domain.
WITHOUT_DOMAIN_CASES = {
    "an answer": lambda: reply("card_findable", "找不回来了", topic="card_lost"),
    "a button by number": lambda: reply(
        "temporary_loss_done", "2", "goodbye", 0.9, TWO_BUTTONS, topic="card_lost"
    ),
    "an unclear reply": lambda: reply("years_paid", "这个嘛", topic="pension_contribution_gap"),
    "a correction": lambda: reply(
        "follow_up", "不对，是三年", topic="pension_contribution_gap", years_paid=paid(5)
    ),
    "a goodbye midway": lambda: reply("card_findable", "再见", "goodbye", 0.95, topic="card_lost"),
    "another topic": lambda: reply(
        "card_findable", "我想问养老金认证", "pension_certification", 0.95, topic="card_lost"
    ),
    "the last answer": lambda: reply(
        "monthly_wage", "五千", topic="contract_not_signed", employment_duration=worked(3)
    ),
    "no topic": lambda: reply("card_findable", "找不回来了"),
}


@pytest.mark.parametrize("case", sorted(WITHOUT_DOMAIN_CASES))
def test_the_form_answers_alike_without_the_domain(case):
    from rasa.shared.core.domain import Domain

    full_domain = Domain.load(str(ROOT / "domain.yml")).as_dict()
    answers = []
    for domain in (full_domain, {}):
        dispatcher = CollectingDispatcher()
        tracker_ = WITHOUT_DOMAIN_CASES[case]()
        events = asyncio.run(ValidateConsultationForm().run(dispatcher, tracker_, domain))
        answers.append((dispatcher.messages, events))
    assert answers[0] == answers[1]
    assert answers[0][1], "the form said nothing"
