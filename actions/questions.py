"""The follow-up questions (data/questions.yml) and how their answers are understood."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

import yaml

from actions import parsing

QUESTIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "questions.yml"
KINDS = ("yes_no", "choice", "years", "duration", "money", "evidence")


@dataclass(frozen=True)
class Question:
    slot: str
    kind: str
    examples: str
    why: str
    yes: Tuple[str, ...] = ()
    no: Tuple[str, ...] = ()
    skip: Tuple[str, ...] = ()
    said_yes: Tuple[str, ...] = ()
    said_no: Tuple[str, ...] = ()
    options: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    def understand(self, text: str, intent: Optional[str], today: date) -> Any:
        """The answer as a slot value, or None when the reply does not answer the question."""
        if self.kind == "yes_no":
            return parsing.parse_yes_no(text, intent, self.yes, self.no)
        if self.kind == "choice":
            return parsing.parse_choice(text, self.options)
        if self.kind == "years":
            return parsing.parse_years(text)
        if self.kind == "duration":
            duration = parsing.parse_duration(text, today)
            return duration.as_slot() if duration else None
        if self.kind == "money":
            return parsing.parse_money(text, self.skip)
        return parsing.parse_evidence(text)

    def volunteered(self, text: str, today: date) -> Any:
        """An answer the citizen already gave while asking, or None.

        Yes/no questions count as answered only by their said_yes/said_no phrases: the
        wording of a question (还能找到吗) is no answer.
        """
        if self.kind == "yes_no":
            text = parsing.normalise(text)
            if any(phrase in text for phrase in self.said_no):
                return False
            if any(phrase in text for phrase in self.said_yes):
                return True
            return None
        if self.kind == "choice":
            return parsing.parse_choice(text, self.options) if not parsing.normalise(text).isdigit() else None
        if self.kind == "years":
            return parsing.parse_years(text, require_context=True)
        if self.kind == "duration":
            duration = parsing.parse_duration(text, today, require_context=True)
            return duration.as_slot() if duration else None
        if self.kind == "money":
            amount = parsing.parse_money(text, require_context=True)
            return amount if amount != "skipped" else None
        return None


def parse_questions(document: Mapping[str, Any]) -> Dict[str, Question]:
    questions = {}
    for slot, item in document["questions"].items():
        if item["kind"] not in KINDS:
            raise ValueError(f"question {slot}: unknown kind {item['kind']}")
        questions[slot] = Question(
            slot=slot,
            kind=item["kind"],
            examples=item["examples"],
            why=item["why"],
            yes=tuple(item.get("yes_words", ())),
            no=tuple(item.get("no_words", ())),
            skip=tuple(item.get("skip", ())),
            said_yes=tuple(item.get("said_yes", ())),
            said_no=tuple(item.get("said_no", ())),
            options={key: tuple(words) for key, words in item.get("options", {}).items()},
        )
    return questions


@lru_cache(maxsize=1)
def all_questions() -> Dict[str, Question]:
    return parse_questions(yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8")))
