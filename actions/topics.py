"""The topics the assistant covers, read from data/topics.yml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

TOPICS_FILE = Path(__file__).resolve().parent.parent / "data" / "topics.yml"


@dataclass(frozen=True)
class Topic:
    intent: str
    title: str


def parse_topics(document: Dict) -> List[Topic]:
    return [Topic(intent=item["intent"], title=item["title"]) for item in document["topics"]]


@lru_cache(maxsize=1)
def all_topics() -> List[Topic]:
    return parse_topics(yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8")))


def topic_for_intent(intent: Optional[str]) -> Optional[Topic]:
    return next((topic for topic in all_topics() if topic.intent == intent), None)


def menu_text(topics: List[Topic]) -> str:
    """The numbered list of topics, as citizens see it."""
    lines = ["我可以解答这些问题："]
    lines += [f"{number}. {topic.title}" for number, topic in enumerate(topics, start=1)]
    lines.append("请直接说出您的问题，比如：“我的社保卡丢了怎么办”。")
    return "\n".join(lines)
