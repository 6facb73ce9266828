"""Names a person reads instead of identifiers: topic titles (knowledge/topics.py), the
questions' wording and the intents (domain.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

import yaml

from knowledge.topics import all_topics


@dataclass(frozen=True)
class Labels:
    topics: Dict[str, str] = field(default_factory=dict)  # intent -> menu title
    questions: Dict[str, str] = field(default_factory=dict)  # slot -> the question asked
    intents: List[str] = field(default_factory=list)  # the domain's intents, in its order

    def topic(self, intent: str) -> str:
        return self.topics.get(intent, intent)

    def question(self, slot: str) -> str:
        return self.questions.get(slot, slot)


def _first_text(variants: object) -> str:
    if isinstance(variants, list):
        for variant in variants:
            if isinstance(variant, dict) and variant.get("text") and not variant.get("channel"):
                return str(variant["text"])
    return ""


def labels_from_domain(domain: Dict) -> Labels:
    responses = domain.get("responses") or {}
    questions = {
        name[len("utter_ask_") :]: _first_text(variants)
        for name, variants in responses.items()
        if name.startswith("utter_ask_")
    }
    questions = {slot: text for slot, text in questions.items() if text}
    questions.setdefault("follow_up", "还有其他问题吗？")
    intents = [
        str(intent) if not isinstance(intent, dict) else str(next(iter(intent)))
        for intent in domain.get("intents") or []
    ]
    topics = {topic.intent: topic.title for topic in all_topics()}
    return Labels(topics, questions, intents)


def load_labels(domain_file: Path) -> Labels:
    return labels_from_domain(yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {})
