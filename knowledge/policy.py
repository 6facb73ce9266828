"""The policy knowledge base: statements with their conditions and sources (data/policy/*.yml).

Which statements apply is decided here; what they say and where it is written lives in the
data files.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from knowledge.conditions import Conditions, conditions_hold, parse_conditions
from knowledge.data import DATA_DIR, load_data

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


def parse_statements(document: Mapping[str, Any]) -> List[Statement]:
    statements = []
    for item in document["statements"]:
        statements.append(
            Statement(id=item["id"], topic=item["topic"], text=item["text"].strip(),
                      source=item["source"].strip(), when=parse_conditions(item.get("when")))
        )
    return statements


@lru_cache(maxsize=1)
def all_statements() -> Tuple[Statement, ...]:
    statements: List[Statement] = []
    for path in sorted(POLICY_DIR.glob("*.yml")):
        statements.extend(parse_statements(load_data(f"policy/{path.name}")))
    return tuple(statements)


def applicable(statements: Iterable[Statement], topic: str, facts: Mapping[str, Any]) -> List[Statement]:
    return [s for s in statements if s.topic == topic and s.applies_to(facts)]


def source_list(statements: Iterable[Statement]) -> List[str]:
    """Each source once, in the order first cited; '；' separates several in one statement."""
    sources: Dict[str, None] = {}
    for statement in statements:
        for source in statement.source.split("；"):
            sources.setdefault(source.strip(), None)
    return list(sources)


def compose_answer(statements: List[Statement], facts: Mapping[str, Any]) -> str:
    """The statements' texts, one per line, ending with their sources."""
    lines = [statement.text.format_map(facts) for statement in statements]
    lines.append(f"（依据：{'；'.join(source_list(statements))}）")
    return "\n".join(lines)
