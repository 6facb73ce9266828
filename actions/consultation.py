"""The consultation: start a topic, ask its follow-up questions, answer from the knowledge base,
and read what the citizen says after the answer.

One form (`consultation_form`) serves every topic. It stays active while the assistant waits for
a reply to something it asked: the topic's questions (data/topics.yml, asked only when their
answer could change the answer: knowledge/consultations.py), then `follow_up`, asked with the
answer ("还有其他问题吗？"), and `confirm_leave` after a goodbye in the middle. Every reply
goes to the form, and `understanding.replies` decides what it says: an answer first, and only
otherwise a correction, a move (stop, why, a person …), another topic or an aside.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge.consultations import answer_for, questions_to_ask
from knowledge.questions import UNKNOWN, Question, all_questions
from knowledge.topics import (
    Topic,
    all_question_slots,
    all_topics,
    menu_structure,
    menu_text,
    topic_for_intent,
)
from understanding.choices import Option, options_of
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
    Reading,
    Restated,
    read_reply,
    volunteered_answers,
)

TOPIC_SLOT = "topic"
PREVIOUS_TOPIC_SLOT = "previous_topic"
RETRIED_SLOT = "retried_slot"
FOLLOW_UP = "follow_up"
CONFIRM_LEAVE = "confirm_leave"
LEAVING_SLOT = "leaving"  # the question open when the citizen said goodbye
ANSWER_GIVEN_SLOT = "answer_given"  # the answers the latest answer was given for
REQUESTED_SLOT = "requested_slot"
CONSULTATION_SLOTS = (FOLLOW_UP, CONFIRM_LEAVE)

ASK_NEXT = "还有其他问题吗？您可能还想问："
SWITCHING = "好的，我们先说说：{title}。"
NOT_UNDERSTOOD = "抱歉，我没太明白。{examples}"
SKIPPED = "好的，这个问题先跳过。"
REFUSED = "好的，不方便说也没关系。"
CORRECTED = "好的，我按您说的改过来了。"
RESTATED = "好的，刚才就是按您说的这个情况回答的。"
NOTED = "好的，这个情况我记下了。"
WAITING = "好的，不着急，您想好了再告诉我。"
EXPLAINED = "换个说法：{examples}"
NEW_QUESTION = "好的，这个问题先不问了。"
ASIDE_RESPONSES = {
    "out_of_scope": "utter_out_of_scope",
    "bot_challenge": "utter_bot_challenge",
    "thank": "utter_thank",
    "greet": "utter_greet",
}


def is_topic(intent: str) -> bool:
    return topic_for_intent(intent) is not None


def answers_of(topic: Topic, tracker: Tracker) -> Dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in topic.slots}


def reset_answers(tracker: Tracker) -> List[EventType]:
    """Clears the answers and state of an earlier topic."""
    slots = all_question_slots() + [
        RETRIED_SLOT,
        LEAVING_SLOT,
        ANSWER_GIVEN_SLOT,
        *CONSULTATION_SLOTS,
    ]
    return [SlotSet(slot, None) for slot in slots if tracker.get_slot(slot) is not None]


def start_topic_events(topic: Topic, tracker: Tracker, text: str, today: date) -> List[EventType]:
    """Starts a consultation: the answers the citizen already gave in the message are taken."""
    events = reset_answers(tracker) + [SlotSet(TOPIC_SLOT, topic.intent)]
    first = (
        Asked(all_questions()[topic.slots[0]], (), topic.intent, topic.slots, {})
        if topic.slots
        else None
    )
    if first is not None:
        found = volunteered_answers(first, text, today)
        events += [SlotSet(slot, value) for slot, value in found.items()]
    return events


class ActionStartTopic(Action):
    """Begins a consultation on the topic of the latest message."""

    def name(self) -> Text:
        return "action_start_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topic = topic_for_intent(tracker.get_intent_of_latest_message())
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        text = tracker.latest_message.get("text") or ""
        return start_topic_events(topic, tracker, text, date.today()) + [
            SlotSet(PREVIOUS_TOPIC_SLOT, None)
        ]


def offered_options(tracker: Tracker) -> List[Option]:
    """The options the assistant offered in its messages before the latest user message."""
    events = list(tracker.events)
    user_turns = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if not user_turns:
        return []
    end = user_turns[-1]
    start = user_turns[-2] + 1 if len(user_turns) > 1 else 0
    return options_of(event for event in events[start:end] if event.get("event") == "bot")


class ValidateConsultationForm(FormValidationAction):
    """Chooses the questions for the topic and reads every reply (understanding/replies.py).

    It needs no domain, so Rasa sends none (endpoints: enable_selective_domain): the slots are
    filled by Rasa from the reply's text, never extracted here, and the form always names the
    next question itself, since `required_slots` is its own."""

    def name(self) -> Text:
        return "validate_consultation_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return []

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Optional[EventType]:
        required = await self.required_slots([], dispatcher, tracker, domain)
        missing = (slot for slot in required if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        topic = topic_for_intent(tracker.get_slot(TOPIC_SLOT))
        if topic is None:
            return []
        if tracker.get_slot(LEAVING_SLOT):
            return [CONFIRM_LEAVE]
        return questions_to_ask(topic, answers_of(topic, tracker), date.today()) + [FOLLOW_UP]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        questions = all_questions()
        events: List[EventType] = []
        for slot, value in tracker.slots_to_validate().items():
            if (
                slot in questions
                and isinstance(value, str)
                and slot == tracker.get_slot(REQUESTED_SLOT)
            ):
                events += self._reply(questions[slot], value, dispatcher, tracker)
        return events

    def _reply(
        self, question: Question, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        topic = topic_for_intent(tracker.get_slot(TOPIC_SLOT))
        if topic is None:
            return [SlotSet(question.slot, None)]
        today = date.today()
        intent = tracker.latest_message.get("intent") or {}
        asked = Asked(
            question,
            offered_options(tracker),
            topic.intent,
            topic.slots,
            answers_of(topic, tracker),
        )
        heard = Heard(text, intent.get("name"), float(intent.get("confidence") or 0.0))
        if question.slot == CONFIRM_LEAVE:
            return self._confirm_leave(asked, heard, dispatcher, tracker, today)
        reading = read_reply(asked, heard, today, is_topic)
        if question.slot == FOLLOW_UP:
            return self._after_answer(reading, topic, dispatcher, tracker, today)
        return self._in_question(reading, question, topic, dispatcher, tracker, today)

    def _in_question(
        self,
        reading: Reading,
        question: Question,
        topic: Topic,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        today: date,
    ) -> List[EventType]:
        ask_again = [SlotSet(question.slot, None)]
        if isinstance(reading, Answered):
            if reading.refused:
                dispatcher.utter_message(text=REFUSED, structure=noted("refused", question.slot))
            return [SlotSet(question.slot, reading.value), SlotSet(RETRIED_SLOT, None)] + [
                SlotSet(slot, value) for slot, value in reading.also.items()
            ]
        if isinstance(reading, Correction):
            dispatcher.utter_message(text=CORRECTED, structure=noted("corrected", reading.slot))
            return [SlotSet(reading.slot, reading.value)] + ask_again
        if isinstance(reading, Restated):
            dispatcher.utter_message(text=RESTATED, structure=noted("restated", reading.slot))
            return ask_again
        if isinstance(reading, Invalid):
            dispatcher.utter_message(text=reading.reason, structure=noted("invalid", question.slot))
            return ask_again
        if isinstance(reading, Noted):
            dispatcher.utter_message(text=NOTED, structure=noted("noted", question.slot))
            return [SlotSet(slot, value) for slot, value in reading.answers.items()] + ask_again
        if isinstance(reading, OtherTopic):
            return self._switch_topic(reading.intent, dispatcher, tracker, today)
        if isinstance(reading, Move):
            return self._move(reading.move, question, dispatcher) + (
                [] if reading.move in ("stop", "more") else ask_again
            )
        if isinstance(reading, Aside):
            if reading.intent == "help":
                dispatcher.utter_message(text=NEW_QUESTION)
                show_menu(dispatcher)
                return end_consultation()
            dispatcher.utter_message(response=ASIDE_RESPONSES[reading.intent])
            return ask_again
        return self._unclear(question, dispatcher, tracker)

    def _move(
        self, move: str, question: Question, dispatcher: CollectingDispatcher
    ) -> List[EventType]:
        if move == "human":
            dispatcher.utter_message(response="utter_request_human")
        elif move == "why":
            dispatcher.utter_message(text=question.why)
        elif move == "explain":
            dispatcher.utter_message(
                text=question.means or EXPLAINED.format(examples=question.examples)
            )
        elif move == "wait":
            dispatcher.utter_message(text=WAITING)
        elif move == "stop":
            dispatcher.utter_message(response="utter_consultation_stopped")
            return end_consultation()
        elif move == "more":
            dispatcher.utter_message(text=NEW_QUESTION)
            dispatcher.utter_message(response="utter_ask_question")
            return end_consultation()
        elif move == "farewell":
            return [SlotSet(LEAVING_SLOT, question.slot)]
        return []  # repeat: the question is asked again

    def _unclear(
        self, question: Question, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        if tracker.get_slot(RETRIED_SLOT) != question.slot:
            dispatcher.utter_message(
                text=NOT_UNDERSTOOD.format(examples=question.examples),
                structure=noted("not_understood", question.slot),
            )
            return [SlotSet(question.slot, None), SlotSet(RETRIED_SLOT, question.slot)]
        dispatcher.utter_message(text=SKIPPED, structure=noted("skipped", question.slot))
        return [SlotSet(question.slot, UNKNOWN), SlotSet(RETRIED_SLOT, None)]

    def _after_answer(
        self,
        reading: Reading,
        topic: Topic,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        today: date,
    ) -> List[EventType]:
        """The reply to 还有其他问题吗: a new topic, a correction (the answer is given again),
        more questions, or the end of the consultation."""
        ask_again = [SlotSet(FOLLOW_UP, None)]
        if isinstance(reading, Answered) and isinstance(reading.value, bool):
            if reading.value:
                dispatcher.utter_message(response="utter_ask_question")
            else:
                dispatcher.utter_message(response="utter_goodbye")
            return end_consultation()
        if isinstance(reading, Correction):
            dispatcher.utter_message(text=CORRECTED, structure=noted("corrected", reading.slot))
            return [SlotSet(reading.slot, reading.value)] + ask_again
        if isinstance(reading, Restated):
            dispatcher.utter_message(text=RESTATED, structure=noted("restated", reading.slot))
            return ask_again
        if isinstance(reading, OtherTopic):
            return self._switch_topic(reading.intent, dispatcher, tracker, today, announce=False)
        if isinstance(reading, Move):
            if reading.move == "repeat":
                return [SlotSet(ANSWER_GIVEN_SLOT, None)] + ask_again
            if reading.move == "human":
                dispatcher.utter_message(response="utter_request_human")
                return ask_again
            if reading.move == "more":
                dispatcher.utter_message(response="utter_ask_question")
                return end_consultation()
            if reading.move in ("stop", "farewell"):
                dispatcher.utter_message(response="utter_goodbye")
                return end_consultation()
            return ask_again
        if isinstance(reading, Aside):
            if reading.intent in ("greet", "help"):
                if reading.intent == "greet":
                    dispatcher.utter_message(response="utter_greet")
                show_menu(dispatcher)
                return end_consultation()
            dispatcher.utter_message(response=ASIDE_RESPONSES[reading.intent])
            return end_consultation() if reading.intent == "thank" else ask_again
        if tracker.get_slot(RETRIED_SLOT) != FOLLOW_UP:
            question = all_questions()[FOLLOW_UP]
            dispatcher.utter_message(
                text=NOT_UNDERSTOOD.format(examples=question.examples),
                structure=noted("not_understood", question.slot),
            )
            return ask_again + [SlotSet(RETRIED_SLOT, FOLLOW_UP)]
        dispatcher.utter_message(response="utter_ask_rephrase")
        show_menu(dispatcher)
        return end_consultation()

    def _confirm_leave(
        self,
        asked: Asked,
        heard: Heard,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        today: date,
    ) -> List[EventType]:
        """After a goodbye in the middle: leave, go on, or an answer to the question left open."""
        pending = all_questions().get(tracker.get_slot(LEAVING_SLOT) or "")
        reading = read_reply(asked, heard, today, is_topic)
        resume = [SlotSet(LEAVING_SLOT, None), SlotSet(CONFIRM_LEAVE, None)]
        if isinstance(reading, Answered) and reading.value is True:
            dispatcher.utter_message(response="utter_goodbye")
            return resume + end_consultation()
        if isinstance(reading, Answered) and reading.value is False or pending is None:
            return resume
        return resume + self._in_question(
            read_reply(
                Asked(pending, (), asked.topic, asked.slots, asked.answers), heard, today, is_topic
            ),
            pending,
            topic_for_intent(asked.topic),
            dispatcher,
            tracker,
            today,
        )

    @staticmethod
    def _switch_topic(
        intent: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        today: date,
        announce: bool = True,
    ) -> List[EventType]:
        topic = topic_for_intent(intent)
        current = tracker.get_slot(TOPIC_SLOT)
        if announce:
            dispatcher.utter_message(
                text=SWITCHING.format(title=topic.title),
                structure={"kind": "switched", "topic": topic.intent, "from": current},
            )
        text = tracker.latest_message.get("text") or ""
        previous = current if announce else None
        return start_topic_events(topic, tracker, text, today) + [
            SlotSet(PREVIOUS_TOPIC_SLOT, previous)
        ]


def noted(kind: str, slot: str) -> Dict[str, str]:
    """The structure of a message about the reply to a question (not understood, skipped …)."""
    return {"kind": kind, "slot": slot}


def end_consultation() -> List[EventType]:
    return [SlotSet(REQUESTED_SLOT, None), ActiveLoop(None)]


class ActionAskFollowUp(Action):
    """Answers the topic from the knowledge base, with its sources, and asks whether there is
    anything else, offering related topics. The answer is given once for the same answers."""

    def name(self) -> Text:
        return "action_ask_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topic = topic_for_intent(tracker.get_slot(TOPIC_SLOT))
        if topic is None:
            dispatcher.utter_message(response="utter_default")
            return []
        answers = answers_of(topic, tracker)
        given = json.dumps([topic.intent, answers], ensure_ascii=False, sort_keys=True)
        events: List[EventType] = []
        if tracker.get_slot(ANSWER_GIVEN_SLOT) != given:
            answer = answer_for(topic, answers, date.today())
            dispatcher.utter_message(text=answer.text, structure=answer.as_structure())
            events.append(SlotSet(ANSWER_GIVEN_SLOT, given))
        buttons = next_question_buttons(topic, tracker.get_slot(PREVIOUS_TOPIC_SLOT))
        dispatcher.utter_message(
            text=ASK_NEXT,
            buttons=buttons,
            structure={"kind": "follow_up", "topic": topic.intent, "options": buttons},
        )
        return events


def next_question_buttons(topic: Topic, previous_topic: Optional[str]) -> List[Dict[str, str]]:
    buttons = []
    previous = topic_for_intent(previous_topic)
    if previous and previous.intent != topic.intent:
        buttons.append(
            {"title": f"接着问刚才的：{previous.title}", "payload": f"/{previous.intent}"}
        )
    for intent in topic.related:
        related = topic_for_intent(intent)
        if related and len(buttons) < 3 and related.intent != previous_topic:
            buttons.append({"title": related.title, "payload": f"/{related.intent}"})
    buttons.append({"title": "没有了，谢谢", "payload": "/deny"})
    return buttons


def show_menu(dispatcher: CollectingDispatcher) -> None:
    topics = all_topics()
    dispatcher.utter_message(text=menu_text(topics), structure=menu_structure(topics))
