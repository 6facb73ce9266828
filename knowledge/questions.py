"""The follow-up questions of the consultations and the words that answer them
(data/questions.yml), and the words of replies that are not answers (data/replies.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, Mapping, Optional, Tuple

from knowledge.data import load_data

KINDS = ("yes_no", "choice", "years", "duration", "money", "evidence")
# Kinds answered in the citizen's own words; their buttons are only shortcuts (跳过).
OWN_WORDS_KINDS = ("years", "duration", "money", "evidence")
# The one marker of "no answer": the citizen does not know, or chose not to say.
UNKNOWN = "unknown"
MOVES = ("human", "why", "explain", "repeat", "wait", "stop", "farewell", "more")

Words = Tuple[str, ...]


@dataclass(frozen=True)
class Question:
    slot: str
    kind: str
    examples: str
    why: str
    optional: bool = False
    yes: Words = ()
    no: Words = ()
    said_yes: Words = ()
    said_no: Words = ()
    options: Mapping[str, Words] = field(default_factory=dict)
    # The option that means "some of each" when several are named (choice questions only).
    mixed: Optional[str] = None
    # Two places named decide the answer: one province → `within`, two → `across`.
    from_places: bool = False
    # The question said again in plain words, for a citizen who asks what it means.
    means: str = ""
    # Corrections of earlier answers are looked for before the question's own words.
    corrections_first: bool = False
    # A yes anywhere in the reply answers a yes/no question, whatever else is said.
    yes_wins: bool = False

    @property
    def answered_in_own_words(self) -> bool:
        return self.kind in OWN_WORDS_KINDS


@dataclass(frozen=True)
class Vocabulary:
    """The words that answer every question of a kind, and the words of other replies."""

    yes: Words
    no: Words
    unknown: Words
    refusal: Words
    evidence: Mapping[str, Words]
    no_evidence: Words
    moves: Mapping[str, Words]
    corrections: Words
    spelling: Mapping[str, str]  # a misspelling and the word meant


def _words(item: Mapping[str, Any], key: str) -> Words:
    return tuple(str(word) for word in item.get(key) or ())


def parse_questions(document: Mapping[str, Any]) -> Dict[str, Question]:
    questions = {}
    for slot, item in document["questions"].items():
        if item["kind"] not in KINDS:
            raise ValueError(f"question {slot}: unknown kind {item['kind']}")
        options = {key: tuple(words) for key, words in (item.get("options") or {}).items()}
        mixed = item.get("mixed")
        if mixed is not None and (item["kind"] != "choice" or mixed in options):
            raise ValueError(f"question {slot}: 'mixed' must name a value of its own")
        questions[slot] = Question(
            slot=slot,
            kind=item["kind"],
            examples=item["examples"],
            why=item["why"],
            optional=bool(item.get("optional")),
            yes=_words(item, "yes_words"),
            no=_words(item, "no_words"),
            said_yes=_words(item, "said_yes"),
            said_no=_words(item, "said_no"),
            options=options,
            mixed=mixed,
            from_places=bool(item.get("from_places")),
            means=str(item.get("means") or ""),
            corrections_first=bool(item.get("corrections_first")),
            yes_wins=bool(item.get("yes_wins")),
        )
    return questions


def parse_vocabulary(questions: Mapping[str, Any], replies: Mapping[str, Any]) -> Vocabulary:
    kinds = questions["kinds"]
    moves = {move: _words(replies["moves"], move) for move in MOVES}
    return Vocabulary(
        yes=_words(kinds["yes_no"], "yes_words"),
        no=_words(kinds["yes_no"], "no_words"),
        unknown=_words(kinds, "unknown"),
        refusal=_words(kinds, "refusal"),
        evidence={label: tuple(words) for label, words in questions["evidence"].items()},
        no_evidence=_words(questions, "no_evidence"),
        moves=moves,
        corrections=_words(replies, "corrections"),
        spelling={
            str(wrong): str(right) for wrong, right in (replies.get("spelling") or {}).items()
        },
    )


@lru_cache(maxsize=1)
def all_questions() -> Dict[str, Question]:
    return parse_questions(load_data("questions.yml"))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return parse_vocabulary(load_data("questions.yml"), load_data("replies.yml"))
