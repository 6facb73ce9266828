"""The follow-up questions of the consultations (data/questions.yml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, Mapping, Tuple

from knowledge.data import load_data

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
    return parse_questions(load_data("questions.yml"))
