"""A consultation on a topic: which follow-up questions to ask, and the answer they lead to.

A question is asked only when its answer could change what the assistant says: for some answer
the question could get, another statement applies or another figure is given (the wage does not
change the answer for someone who has worked less than a month). This is decided from the
statements' conditions and texts, by composing the answer for answers of every kind.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any, Dict, List, Mapping, Tuple

from knowledge.facts import derive_facts
from knowledge.periods import Contribution, Employment, add_months
from knowledge.policy import Answer, all_statements, applicable, compose_answer
from knowledge.questions import UNKNOWN, Question, all_questions
from knowledge.topics import Topic

# At most this many combinations of possible answers are tried per question (topics have a few
# questions, so every combination is tried).
MAX_COMBINATIONS = 2000


def answer_for(topic: Topic, answers: Mapping[str, Any], today: date) -> Answer:
    """The answer on the topic, given the answers so far (questions not answered count as
    unknown)."""
    known = {
        slot: answers.get(slot) if answers.get(slot) is not None else UNKNOWN
        for slot in topic.slots
    }
    facts = derive_facts(known, today)
    return compose_answer(topic.intent, applicable(all_statements(), topic.intent, facts), facts)


def questions_to_ask(topic: Topic, answers: Mapping[str, Any], today: date) -> List[str]:
    """The topic's questions still to ask, in order: their conditions hold (data/topics.yml)
    and their answer could change what the assistant says."""
    return [
        slot
        for slot in topic.questions_to_ask(answers)
        if answers.get(slot) is None and could_change_answer(topic, slot, answers, today)
    ]


def could_change_answer(topic: Topic, slot: str, answers: Mapping[str, Any], today: date) -> bool:
    """Whether two answers to the question lead to different answers on the topic, for some
    answers to the other questions not answered yet."""
    questions = all_questions()
    open_slots = [s for s in topic.slots if s != slot and answers.get(s) is None]
    choices: List[Tuple[Any, ...]] = [possible_answers(questions[s], today) for s in open_slots]
    tried = 0
    for combination in itertools.product(*choices):
        known: Dict[str, Any] = dict(answers)
        known.update(zip(open_slots, combination, strict=False))
        texts = set()
        for value in possible_answers(questions[slot], today):
            texts.add(_rendered(topic, {**known, slot: value}, today))
            if len(texts) > 1:
                return True
        tried += 1
        if tried >= MAX_COMBINATIONS:
            return True
    return False


def _rendered(topic: Topic, answers: Mapping[str, Any], today: date) -> Tuple[str, ...]:
    return tuple(line.text for line in answer_for(topic, answers, today).lines)


def possible_answers(question: Question, today: date) -> Tuple[Any, ...]:
    """Answers standing for every kind of answer the question can get: each value of a yes/no
    or choice question, and figures on every side of the thresholds the policy uses."""
    if question.kind == "yes_no":
        return (True, False, UNKNOWN)
    if question.kind == "choice":
        mixed = (question.mixed,) if question.mixed else ()
        return tuple(question.options) + mixed + (UNKNOWN,)
    return _SAMPLES[question.kind](today) + (UNKNOWN,)


def _duration_samples(today: date) -> Tuple[Any, ...]:
    """Starts of work 20 days, a month, 3 months and 10 days, 14 months and 10 years ago."""
    samples = []
    for months, days in ((0, 20), (1, 0), (3, 10), (14, 0), (120, 0)):
        start = add_months(today, -months) - timedelta(days=days)
        samples.append(Employment(start, start, start, "exact").as_slot())
    return tuple(samples)


_SAMPLES = {
    "years": lambda today: tuple(Contribution((years,)).as_slot() for years in (5.0, 15.0, 30.0)),
    "money": lambda today: (3000.0, 8000.0),
    "evidence": lambda today: ([], ["考勤记录"]),
    "duration": _duration_samples,
}
