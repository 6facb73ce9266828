"""Every reply of the reply matrix (tests/replies/matrix.yml), played through a real conversation
with the Rasa server and the action server.

A reply to a topic's question is understood as its value, and the consultation goes on (the
question after it, or the answer) instead of ending. A reply after the answer (follow_up) or to
"您是要结束这次咨询吗？" (confirm_leave) has the outcome the matrix names."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any, Dict, Iterator, Tuple

import pytest
import yaml

from knowledge.periods import Contribution, Employment, add_months, months_between
from knowledge.questions import UNKNOWN, all_questions
from tests.support import GOODBYE, SOURCES, TESTS, rest_texts, tracker

MATRIX = yaml.safe_load((TESTS / "replies" / "matrix.yml").read_text(encoding="utf-8"))
ASK_QUESTION = "请直接说出您的问题"
OUTCOME_SLOTS = ("follow_up", "confirm_leave")


def cases() -> Iterator[Tuple[str, str, Any]]:
    for slot, entry in MATRIX["questions"].items():
        for reply in entry["replies"]:
            yield slot, str(reply["say"]), reply["outcome" if slot in OUTCOME_SLOTS else "value"]


def day(expression: str, today: date) -> date:
    """A day as the matrix writes it: 2025-10-01; Y-10-01 (this year), Y-1-10-01 (last year);
    -3m, -20d, -1y (before today)."""
    match = re.fullmatch(r"-(\d+)([ymd])", expression)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit == "d":
            return today - timedelta(days=amount)
        return add_months(today, -amount * (12 if unit == "y" else 1))
    match = re.fullmatch(r"Y(?:-(\d+))?-(\d{2})-(\d{2})", expression)
    if match:
        return date(today.year - int(match.group(1) or 0), int(match.group(2)), int(match.group(3)))
    return date.fromisoformat(expression)


def understood_as(slot: str, stored: Any, expected: Any, today: date) -> bool:
    """Whether the slot value stored for the reply is the value the matrix expects."""
    kind = all_questions()[slot].kind
    if expected == UNKNOWN or kind in ("yes_no", "choice"):
        return stored == expected
    if kind == "money":
        return isinstance(stored, (int, float)) and abs(stored - float(expected)) < 0.5
    if kind == "evidence":
        return isinstance(stored, list) and sorted(stored) == sorted(expected)
    if kind == "years":
        contribution = Contribution.from_slot(stored)
        return abs(
            contribution.years - float(expected["years"])
        ) < 0.01 and contribution.holder == expected.get("holder")
    employment = Employment.from_slot(stored)
    start = employment.latest if employment.wording == "under" else employment.start
    if "start" in expected and start != day(str(expected["start"]), today):
        return False
    if "months" in expected:
        end = employment.signed or employment.ended or today
        if months_between(start, end).months != int(expected["months"]):
            return False
    signed = expected.get("signed")
    return (employment.signed == day(str(signed), today)) if signed else employment.signed is None


@pytest.mark.parametrize("slot, text, expected", list(cases()))
def test_a_reply_is_understood_and_the_consultation_goes_on(rasa_server, slot, text, expected):
    entry = MATRIX["questions"][slot]
    sender = uuid.uuid4().hex
    for step in [entry["ask"]] + list(entry.get("before") or []):
        rest_texts(rasa_server, sender, str(step))
    before = tracker(rasa_server, sender)
    assert before["slots"]["requested_slot"] == slot, (slot, "the question is not asked")
    today = date.today()
    said = rest_texts(rasa_server, sender, text)
    after = tracker(rasa_server, sender)
    consulting = (after.get("active_loop") or {}).get("name") == "consultation_form"
    if slot in OUTCOME_SLOTS:
        assert has_outcome(expected, before, after, "\n".join(said), consulting, today), (
            text,
            expected,
            said,
        )
        return
    assert not any(GOODBYE in line for line in said), (text, said)
    assert consulting, (text, said)
    assert understood_as(slot, after["slots"][slot], expected, today), (
        text,
        after["slots"][slot],
        expected,
        said,
    )


def has_outcome(
    expected: Any,
    before: Dict[str, Any],
    after: Dict[str, Any],
    said: str,
    consulting: bool,
    today: date,
) -> bool:
    """goodbye, more (another question is invited), answer_again, leave, stay (the question left
    open is asked again), {topic: intent}, {corrected: {slot: value}}."""
    if expected in ("goodbye", "leave"):
        return GOODBYE in said and not consulting
    if expected == "more":
        return ASK_QUESTION in said and not consulting
    if expected == "answer_again":
        return SOURCES in said and consulting
    if expected == "stay":
        return consulting and after["slots"]["requested_slot"] == before["slots"]["leaving"]
    if "topic" in expected:
        return consulting and after["slots"]["topic"] == expected["topic"]
    ((slot, value),) = expected["corrected"].items()
    return (
        consulting and SOURCES in said and understood_as(slot, after["slots"][slot], value, today)
    )
