"""The topics the assistant covers (data/topics.yml): menu titles, follow-up questions and
related topics."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple

from knowledge.conditions import Conditions, conditions_hold, parse_conditions
from knowledge.data import load_data


@dataclass(frozen=True)
class TopicQuestion:
    slot: str
    when: Conditions = ()

    def is_needed(self, answers: Mapping[str, Any]) -> bool:
        return conditions_hold(self.when, answers)


@dataclass(frozen=True)
class Topic:
    intent: str
    title: str
    questions: Tuple[TopicQuestion, ...] = ()
    related: Tuple[str, ...] = ()

    @property
    def slots(self) -> List[str]:
        return [question.slot for question in self.questions]

    def questions_to_ask(self, answers: Mapping[str, Any]) -> List[str]:
        """The slots to ask, in order, given the answers so far (conditions may skip some)."""
        return [q.slot for q in self.questions if q.is_needed(answers)]


def parse_topics(document: Dict) -> List[Topic]:
    topics = []
    for item in document["topics"]:
        questions = tuple(
            TopicQuestion(slot=q["slot"], when=parse_conditions(q.get("when")))
            for q in item.get("questions", [])
        )
        topics.append(
            Topic(item["intent"], item["title"], questions, tuple(item.get("related", [])))
        )
    return topics


@lru_cache(maxsize=1)
def all_topics() -> List[Topic]:
    return parse_topics(load_data("topics.yml"))


def topic_for_intent(intent: Optional[str]) -> Optional[Topic]:
    return next((topic for topic in all_topics() if topic.intent == intent), None)


def all_question_slots() -> List[str]:
    return list(dict.fromkeys(slot for topic in all_topics() for slot in topic.slots))


def menu_text(topics: List[Topic]) -> str:
    """The numbered list of topics, as citizens see it."""
    lines = ["我可以解答这些问题："]
    lines += [f"{number}. {topic.title}" for number, topic in enumerate(topics, start=1)]
    lines.append("请直接说出您的问题，比如：“我的社保卡丢了怎么办”。")
    return "\n".join(lines)


def menu_structure(topics: List[Topic]) -> Dict[str, Any]:
    """The menu as options, numbered as `menu_text` numbers them: the citizen's "3" (or 第三个)
    picks the third topic."""
    return {
        "kind": "menu",
        "options": [{"title": topic.title, "payload": f"/{topic.intent}"} for topic in topics],
    }
