"""The consultation: start a topic, ask its follow-up questions, answer from the knowledge base.

One form (`consultation_form`) serves every topic: the questions it asks come from
data/topics.yml and depend on the topic and on the answers so far; answers are understood
by actions/questions.py; the answer is composed from data/policy/*.yml.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.facts import UNKNOWN, derive_facts
from knowledge.policy import all_statements, applicable, compose_answer
from knowledge.questions import Question, all_questions
from knowledge.regions import transfer_scope_from_places
from knowledge.topics import Topic, all_question_slots, topic_for_intent
from understanding.answers import understand, volunteered
from understanding.text import asks_question

TOPIC_SLOT = "topic"
PREVIOUS_TOPIC_SLOT = "previous_topic"
RETRIED_SLOT = "retried_slot"
SWITCH_CONFIDENCE = 0.8


def reset_answers(tracker: Tracker) -> List[EventType]:
    """Clears the answers given on an earlier topic."""
    slots = all_question_slots() + [RETRIED_SLOT]
    return [SlotSet(slot, None) for slot in slots if tracker.get_slot(slot) is not None]


def volunteered_answers(topic: Topic, tracker: Tracker, today: date) -> Dict[str, Any]:
    """Answers the citizen already gave in the message that asked the question."""
    text = tracker.latest_message.get("text") or ""
    questions = all_questions()
    answers = {}
    for slot in topic.slots:
        value = volunteered(questions[slot], text, today)
        if value is not None:
            answers[slot] = value
    if "transfer_scope" in topic.slots and "transfer_scope" not in answers:
        places = [e["value"] for e in tracker.latest_message.get("entities", [])
                  if e.get("entity") in ("province", "city")]
        scope = transfer_scope_from_places(places)
        if scope:
            answers["transfer_scope"] = scope
    return answers


def start_topic_events(topic: Topic, tracker: Tracker, today: date) -> List[EventType]:
    events = reset_answers(tracker) + [SlotSet(TOPIC_SLOT, topic.intent)]
    events += [SlotSet(slot, value) for slot, value in volunteered_answers(topic, tracker, today).items()]
    return events


class ActionStartTopic(Action):
    """Begins a consultation on the topic of the latest message."""

    def name(self) -> Text:
        return "action_start_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        topic = topic_for_intent(tracker.get_intent_of_latest_message())
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        return start_topic_events(topic, tracker, date.today()) + [SlotSet(PREVIOUS_TOPIC_SLOT, None)]


class ValidateConsultationForm(FormValidationAction):
    """Chooses the questions for the topic and understands each reply.

    A reply that does not answer is asked again once with examples, then recorded as
    unknown; a reply that is clearly a question on another topic switches to that topic.
    """

    def name(self) -> Text:
        return "validate_consultation_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        topic = topic_for_intent(tracker.get_slot(TOPIC_SLOT))
        if topic is None:
            return []
        answers = {slot: tracker.get_slot(slot) for slot in topic.slots}
        return topic.questions_to_ask(answers)

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        questions = all_questions()
        events: List[EventType] = []
        for slot, value in tracker.slots_to_validate().items():
            question = questions.get(slot)
            if question is None or not _is_reply_text(question, value):
                continue
            events += self._understand(question, value, dispatcher, tracker)
        return events

    def _understand(self, question: Question, text: str, dispatcher: CollectingDispatcher,
                    tracker: Tracker) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {})
        value = understand(question, text, intent.get("name"), date.today())
        new_topic = _confident_other_topic(intent, tracker.get_slot(TOPIC_SLOT))
        if new_topic and (value is None or (question.kind == "yes_no" and asks_question(text))):
            dispatcher.utter_message(text=f"好的，我们先说说：{new_topic.title}。")
            return self._switch_topic(new_topic, tracker)
        if value is not None:
            return [SlotSet(question.slot, value), SlotSet(RETRIED_SLOT, None)]
        if tracker.get_slot(RETRIED_SLOT) != question.slot:
            dispatcher.utter_message(text=f"抱歉，我没太明白。{question.examples}")
            return [SlotSet(question.slot, None), SlotSet(RETRIED_SLOT, question.slot)]
        dispatcher.utter_message(text="好的，这个问题先跳过。")
        return [SlotSet(question.slot, UNKNOWN), SlotSet(RETRIED_SLOT, None)]

    @staticmethod
    def _switch_topic(topic: Topic, tracker: Tracker) -> List[EventType]:
        current = tracker.get_slot(TOPIC_SLOT)
        return start_topic_events(topic, tracker, date.today()) + [SlotSet(PREVIOUS_TOPIC_SLOT, current)]


def _is_reply_text(question: Question, value: Any) -> bool:
    """A raw reply still to be understood (rather than a value already understood)."""
    if not isinstance(value, str) or value == UNKNOWN:
        return False
    return not (question.kind == "choice" and value in question.options)


def _confident_other_topic(intent: Dict[str, Any], current: Optional[str]) -> Optional[Topic]:
    name = intent.get("name")
    if name == current or (intent.get("confidence") or 0) < SWITCH_CONFIDENCE:
        return None
    return topic_for_intent(name)


class ActionAnswerTopic(Action):
    """Answers the topic from the knowledge base, with sources, and offers next questions."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        topic = topic_for_intent(tracker.get_slot(TOPIC_SLOT))
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        answers = {slot: tracker.get_slot(slot) for slot in topic.slots}
        facts = derive_facts(answers)
        statements = applicable(all_statements(), topic.intent, facts)
        dispatcher.utter_message(text=compose_answer(statements, facts))
        dispatcher.utter_message(
            text="还有其他问题吗？您可能还想问：",
            buttons=next_question_buttons(topic, tracker.get_slot(PREVIOUS_TOPIC_SLOT)),
        )
        return [SlotSet(PREVIOUS_TOPIC_SLOT, None)]


def next_question_buttons(topic: Topic, previous_topic: Optional[str]) -> List[Dict[str, str]]:
    buttons = []
    previous = topic_for_intent(previous_topic)
    if previous and previous.intent != topic.intent:
        buttons.append({"title": f"接着问刚才的：{previous.title}", "payload": f"/{previous.intent}"})
    for intent in topic.related:
        related = topic_for_intent(intent)
        if related and len(buttons) < 3 and related.intent != previous_topic:
            buttons.append({"title": related.title, "payload": f"/{related.intent}"})
    buttons.append({"title": "没有了，谢谢", "payload": "/deny"})
    return buttons


class ActionExplainQuestion(Action):
    """Says why the current follow-up question is asked."""

    def name(self) -> Text:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        question = all_questions().get(tracker.get_slot("requested_slot") or "")
        if question is None:
            dispatcher.utter_message(response="utter_explain_purpose")
        else:
            dispatcher.utter_message(text=question.why)
        return []
