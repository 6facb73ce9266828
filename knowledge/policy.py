"""The policy knowledge base: statements with their conditions and sources (data/policy/*.yml),
and answers composed from them.

Which statements apply is decided here; what they say and where it is written lives in the
data files.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from knowledge.conditions import Conditions, conditions_hold, parse_conditions
from knowledge.data import DATA_DIR, load_data
from knowledge.questions import UNKNOWN
from knowledge.sources import source_line

POLICY_DIR = DATA_DIR / "policy"


@dataclass(frozen=True)
class Statement:
    id: str
    topic: str
    text: str
    source: str
    when: Conditions = ()

    def applies_to(self, facts: Mapping[str, Any]) -> bool:
        return conditions_hold(self.when, facts)

    @property
    def placeholders(self) -> Tuple[str, ...]:
        return tuple(name for _, name, _, _ in string.Formatter().parse(self.text) if name)

    def is_personal(self, facts: Mapping[str, Any]) -> bool:
        """Whether the statement says what applies to this citizen: it gives their figures, or
        it applies because of what they answered (not because an answer is unknown)."""
        if self.placeholders:
            return True
        return bool(self.when) and all(facts.get(key) != UNKNOWN for key, _ in self.when)


def parse_statements(document: Mapping[str, Any]) -> List[Statement]:
    statements = []
    for item in document["statements"]:
        statements.append(
            Statement(
                id=item["id"],
                topic=item["topic"],
                text=item["text"].strip(),
                source=item["source"].strip(),
                when=parse_conditions(item.get("when")),
            )
        )
    return statements


@lru_cache(maxsize=1)
def all_statements() -> Tuple[Statement, ...]:
    statements: List[Statement] = []
    for path in sorted(POLICY_DIR.glob("*.yml")):
        statements.extend(parse_statements(load_data(f"policy/{path.name}")))
    return tuple(statements)


def applicable(
    statements: Iterable[Statement], topic: str, facts: Mapping[str, Any]
) -> List[Statement]:
    return [s for s in statements if s.topic == topic and s.applies_to(facts)]


@dataclass(frozen=True)
class AnswerLine:
    statement: str  # the statement's id
    text: str
    personal: bool  # what applies to this citizen, rather than the general rule


@dataclass(frozen=True)
class Answer:
    """The assistant's answer on a topic: the statements that apply, filled in, and their
    sources (one entry per document)."""

    topic: str
    lines: Tuple[AnswerLine, ...]
    sources: Tuple[str, ...]

    @property
    def text(self) -> str:
        """As citizens read it: one statement per line, then （依据：…）."""
        return "\n".join(
            [line.text for line in self.lines] + [f"（依据：{'；'.join(self.sources)}）"]
        )

    def as_structure(self) -> Dict[str, Any]:
        """What the answer is, for channels that show or speak it in their own way."""
        return {
            "kind": "answer",
            "topic": self.topic,
            "lines": [
                {"statement": line.statement, "text": line.text, "personal": line.personal}
                for line in self.lines
            ],
            "sources": list(self.sources),
        }


def compose_answer(topic: str, statements: List[Statement], facts: Mapping[str, Any]) -> Answer:
    lines = tuple(
        AnswerLine(s.id, s.text.format_map(facts), s.is_personal(facts)) for s in statements
    )
    return Answer(topic, lines, tuple(source_line(s.source for s in statements)))
