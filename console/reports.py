"""The two reports of a date range, from the database: the overview's figures and the groups of
unanswered messages (with the review marks they carry). The web pages, the CSV files and the
benchmark all go through these two functions."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from console.figures import DateRange, overview
from console.grouping import Message, group_messages
from console.labels import Labels
from console.store import Store
from console.turns import Folded, asked_about, fold, unanswered_outcome


def overview_report(store: Store, period: DateRange, labels: Labels) -> Dict[str, Any]:
    return overview(fold(store.rows(period)), period, labels)


def unanswered_messages(
    folded: Folded, period: DateRange, texts: Callable[[List[int]], Dict[int, str]]
) -> List[Message]:
    """The unanswered messages of the range, with their texts (read by `texts`, by event id;
    a message whose event is gone is left out)."""
    found = [
        (turn, outcome)
        for turn in folded.turns
        if period.start <= turn.timestamp < period.end
        for outcome in (unanswered_outcome(turn),)
        if outcome
    ]
    text_of = texts([turn.event_id for turn, _ in found])
    return [
        Message(outcome, text_of[turn.event_id], turn.timestamp, turn.sender_id, asked_about(turn))
        for turn, outcome in found
        if turn.event_id in text_of
    ]


def unanswered_report(
    store: Store, period: DateRange, reviews: Optional[List[Dict[str, Any]]] = None
) -> List[Dict[str, Any]]:
    """The groups, largest first; each with the review mark of one of its texts, if any."""
    groups = group_messages(unanswered_messages(fold(store.rows(period)), period, store.texts))
    marks = {
        review["normalised"]: review for review in (store.reviews() if reviews is None else reviews)
    }
    result = []
    for group in groups:
        item = group.as_dict()
        item["review"] = next((marks[norm] for norm in group.members if norm in marks), None)
        result.append(item)
    return result
