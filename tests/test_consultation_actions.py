"""The consultation actions run on real rasa_sdk Tracker objects."""
import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.consultation import (
    ActionAnswerTopic,
    ActionExplainQuestion,
    ActionStartTopic,
    ValidateConsultationForm,
)
from knowledge.topics import all_question_slots

DOMAIN = {"forms": {"consultation_form": {"required_slots": all_question_slots()}}}


def tracker(text="", intent=None, confidence=1.0, slots=None, entities=(), events=None):
    all_slots = {slot: None for slot in all_question_slots()}
    all_slots.update(topic=None, previous_topic=None, retried_slot=None, requested_slot=None)
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": confidence},
              "intent_ranking": [{"name": intent, "confidence": confidence}] if intent else [],
              "entities": list(entities)}
    return Tracker("citizen", all_slots, latest, events or [], False, None,
                   {"name": "consultation_form"}, "action_listen")


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def reply(slot, text, intent=None, confidence=0.0, **slots):
    """The form's requested slot filled with the reply text, as Rasa's from_text mapping does."""
    slots = {"requested_slot": slot, **slots}
    events = [{"event": "user", "text": text}, {"event": "slot", "name": slot, "value": text}]
    return tracker(text, intent, confidence, {**slots, slot: text}, events=events)


def test_start_takes_the_topic_and_what_was_already_said():
    _, slots = run(ActionStartTopic(), tracker("社保卡坏了换新卡钱会没吗", "card_replacement"))
    assert slots["topic"] == "card_replacement"
    assert slots["replacement_reason"] == "damaged"


def test_start_does_not_take_a_yes_no_answer_from_the_question():
    _, slots = run(ActionStartTopic(), tracker("我的社保卡丢了还能找到吗", "card_lost"))
    assert slots["topic"] == "card_lost"
    assert "card_findable" not in slots or slots["card_findable"] is None


def test_start_resolves_two_cities_in_one_province():
    entities = [{"entity": "city", "value": "广州"}, {"entity": "city", "value": "深圳"}]
    _, slots = run(ActionStartTopic(), tracker("社保从广州转到深圳要换卡吗", "cross_province_transfer", entities=entities))
    assert slots["transfer_scope"] == "within"


def test_start_resolves_places_in_two_provinces():
    entities = [{"entity": "province", "value": "河南"}, {"entity": "city", "value": "杭州"}]
    _, slots = run(ActionStartTopic(), tracker("从河南转到杭州", "cross_province_transfer", entities=entities))
    assert slots["transfer_scope"] == "across"


def test_start_reads_years_and_durations_volunteered():
    _, slots = run(ActionStartTopic(), tracker("我交了十二年断缴了还算吗", "pension_contribution_gap"))
    assert slots["years_paid"] == 12
    _, slots = run(ActionStartTopic(), tracker("干了三个月工资5000老板不签合同", "contract_not_signed"))
    assert slots["employment_duration"] == {"months": 3, "days": 0}
    assert slots["monthly_wage"] == 5000


def test_form_asks_only_what_the_topic_needs():
    form = ValidateConsultationForm()
    t = tracker(slots={"topic": "multiple_cards", "knows_card_status": False})
    required = asyncio.run(form.required_slots([], CollectingDispatcher(), t, DOMAIN))
    assert required == ["knows_card_status"]
    t = tracker(slots={"topic": "multiple_cards", "knows_card_status": True, "extra_card_status": "usable"})
    required = asyncio.run(form.required_slots([], CollectingDispatcher(), t, DOMAIN))
    assert required == ["knows_card_status", "extra_card_status", "card_used_locally"]


def test_a_reply_is_understood():
    _, slots = run(ValidateConsultationForm(), reply("card_findable", "找不回来了", topic="card_lost"))
    assert slots["card_findable"] is False
    assert slots["requested_slot"] == "temporary_loss_done"


def test_a_keypad_number_picks_the_option():
    _, slots = run(ValidateConsultationForm(), reply("physical_card_state", "3", topic="ecard_after_loss"))
    assert slots["physical_card_state"] == "formal_loss"
    assert slots["requested_slot"] is None  # nothing more to ask


def test_an_unclear_reply_is_asked_again_once_then_skipped():
    messages, slots = run(ValidateConsultationForm(), reply("years_paid", "这个嘛", topic="pension_contribution_gap"))
    assert slots["years_paid"] is None and slots["retried_slot"] == "years_paid"
    assert "十二年" in messages[0]["text"]
    messages, slots = run(ValidateConsultationForm(),
                          reply("years_paid", "记不清", topic="pension_contribution_gap", retried_slot="years_paid"))
    assert slots["years_paid"] == "unknown"
    assert "跳过" in messages[0]["text"]


def test_a_question_on_another_topic_switches_topic():
    t = reply("temporary_loss_done", "对了我爸的养老金资格认证怎么弄", intent="pension_certification",
              confidence=0.95, topic="card_lost", card_findable=False)
    _, slots = run(ValidateConsultationForm(), t)
    assert slots["topic"] == "pension_certification"
    assert slots["previous_topic"] == "card_lost"
    assert slots["card_findable"] is None
    assert slots["requested_slot"] == "retiree_location"


def test_a_short_no_is_an_answer_not_a_new_topic():
    t = reply("temporary_loss_done", "还没挂", intent="card_lost", confidence=0.9, topic="card_lost")
    _, slots = run(ValidateConsultationForm(), t)
    assert slots["temporary_loss_done"] is False
    assert slots.get("topic") is None  # topic unchanged


def test_a_statement_classified_as_another_topic_is_still_an_answer():
    t = reply("card_collected", "卡已经领了", intent="card_lost", confidence=0.9, topic="card_sealed")
    _, slots = run(ValidateConsultationForm(), t)
    assert slots["card_collected"] is True
    assert slots.get("topic") is None


def test_a_new_question_starting_with_no_switches_topic():
    t = reply("card_findable", "没签合同咋办", intent="contract_not_signed", confidence=0.95, topic="card_lost")
    messages, slots = run(ValidateConsultationForm(), t)
    assert slots["topic"] == "contract_not_signed"
    assert messages[0]["text"] == "好的，我们先说说：单位没签劳动合同怎么办。"


def test_answer_cites_sources_and_offers_next_questions():
    t = tracker(slots={"topic": "contract_not_signed", "employment_duration": {"months": 3, "days": 0},
                       "monthly_wage": 5000, "previous_topic": "card_lost"})
    messages, slots = run(ActionAnswerTopic(), t)
    assert "约10000元" in messages[0]["text"]
    assert messages[0]["text"].endswith("）") and "《中华人民共和国劳动合同法》第八十二条" in messages[0]["text"]
    titles = [button["title"] for button in messages[1]["buttons"]]
    assert titles[0].startswith("接着问刚才的：社保卡丢了")
    assert messages[1]["buttons"][-1]["payload"] == "/deny"
    assert slots["previous_topic"] is None


def test_why_explains_the_current_question():
    messages, _ = run(ActionExplainQuestion(), tracker(slots={"requested_slot": "monthly_wage"}))
    assert "估算" in messages[0]["text"]


def test_start_takes_yes_no_facts_stated_in_the_question():
    _, slots = run(ActionStartTopic(), tracker("社保卡被偷了，已经打电话挂失了，接下来咋办", "card_lost"))
    assert slots["card_findable"] is False
    assert slots["temporary_loss_done"] is True
    _, slots = run(ActionStartTopic(), tracker("厂里拖欠工资，我上个月辞职了，还能仲裁吗", "arbitration_deadline"))
    assert slots["dispute_about_wages"] is True
    assert slots["still_employed"] is False


def test_menu_lists_every_topic():
    from actions.menu import ActionShowMenu

    messages, _ = run(ActionShowMenu(), tracker())
    assert messages[0]["text"].startswith("我可以解答这些问题：")
    assert "13. 劳动仲裁的时效" in messages[0]["text"]
