"""The overview's figures, from the turns, consultations and transfers of a date range.

Pure functions. How each figure is defined (docs/console.md, "Figures"):

- conversations: senders with at least one citizen message in the range (per day: that day;
  per channel: on that channel); user turns: citizen messages (console/turns.py);
- topics: consultations started, by topic (the `topic` slot);
- consultations started, answered, switched to another topic before an answer, abandoned, and
  the question open when an abandoned one stopped;
- shares of user turns: fallback (nlu_fallback, utter_ask_rephrase, utter_default), out of scope
  (out_of_scope, utter_out_of_scope), below the confidence threshold (< 0.5), requests for a
  person (request_human, utter_request_human), failures (no bot message at all); they overlap;
- unanswered turns by outcome (`turns.unanswered_outcome`); telephone transfers by reason.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any, Dict, List, Optional, Set
from zoneinfo import ZoneInfo

from console.labels import Labels
from console.turns import (
    OUTCOMES,
    Folded,
    asks_for_human,
    failed,
    is_fallback,
    is_low_confidence,
    is_out_of_scope,
    unanswered_outcome,
)

DEFAULT_DAYS = 7
MAX_DAYS = 366


class RangeError(ValueError):
    """A date range that cannot be used; the message says why."""


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date  # inclusive
    timezone: str

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _midnight(self, day: date) -> float:
        return datetime.combine(day, time(0), self.zone).timestamp()

    @cached_property
    def start(self) -> float:
        return self._midnight(self.first)

    @cached_property
    def end(self) -> float:
        return self._midnight(self.last + timedelta(days=1))

    @property
    def days(self) -> List[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def day_starts(self) -> List[float]:
        return [self._midnight(day) for day in self.days]

    def as_dict(self) -> Dict[str, str]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "timezone": self.timezone,
        }


def parse_day(text: str, name: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RangeError(f"'{name}' must be a date written YYYY-MM-DD, not {text[:40]!r}") from None


def date_range(
    from_text: Optional[str], to_text: Optional[str], today: date, timezone: str
) -> DateRange:
    """The range asked for: by default the last 7 days up to today."""
    last = parse_day(to_text, "to") if to_text else today
    first = parse_day(from_text, "from") if from_text else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise RangeError("'from' must not be after 'to'")
    if (last - first).days + 1 > MAX_DAYS:
        raise RangeError(f"a range covers at most {MAX_DAYS} days")
    return DateRange(first, last, timezone)


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _counted(
    counter: Counter, key_name: str, labels: Optional[Dict[str, str]] = None, label_name: str = ""
) -> List[Dict[str, Any]]:
    items = []
    for key, count in sorted(counter.items(), key=lambda item: (-item[1], str(item[0]))):
        item: Dict[str, Any] = {key_name: key, "count": count}
        if labels is not None:
            item[label_name] = labels.get(key, key)
        items.append(item)
    return items


def overview(folded: Folded, period: DateRange, labels: Labels) -> Dict[str, Any]:
    """Every figure of the overview page (and /api/overview) for the range."""
    days, starts, end = period.days, period.day_starts(), period.end
    per_day: Dict[date, Dict[str, Any]] = {
        day: {"senders": set(), "turns": 0, "channels": Counter()} for day in period.days
    }
    per_channel: Dict[str, Dict[str, Any]] = defaultdict(lambda: {"senders": set(), "turns": 0})
    senders: Set[str] = set()
    flags = Counter()
    outcomes = Counter()
    for turn in folded.turns:
        timestamp = turn.timestamp
        index = bisect.bisect_right(starts, timestamp) - 1
        if index < 0 or timestamp >= end:
            continue
        sender, channel_name = turn.sender_id, turn.channel
        senders.add(sender)
        bucket = per_day[days[index]]
        bucket["senders"].add(sender)
        bucket["turns"] += 1
        bucket["channels"][channel_name] += 1
        channel = per_channel[channel_name]
        channel["senders"].add(sender)
        channel["turns"] += 1
        if is_fallback(turn):
            flags["fallback"] += 1
        if is_out_of_scope(turn):
            flags["out_of_scope"] += 1
        if is_low_confidence(turn):
            flags["low_confidence"] += 1
        if asks_for_human(turn):
            flags["human"] += 1
        if failed(turn):
            flags["failed"] += 1
        outcome = unanswered_outcome(turn)
        if outcome:
            outcomes[outcome] += 1
    turns = sum(bucket["turns"] for bucket in per_day.values())
    start = period.start
    in_range = [c for c in folded.consultations if start <= c.started < end]
    abandoned = [c for c in in_range if c.abandoned]
    transfers = [t for t in folded.transfers if start <= t.timestamp < end]
    return {
        "range": period.as_dict(),
        "conversations": len(senders),
        "user_turns": turns,
        "per_day": [
            {
                "date": day.isoformat(),
                "conversations": len(bucket["senders"]),
                "user_turns": bucket["turns"],
                "channels": dict(bucket["channels"]),
            }
            for day, bucket in per_day.items()
        ],
        "per_channel": [
            {"channel": name, "conversations": len(item["senders"]), "user_turns": item["turns"]}
            for name, item in sorted(
                per_channel.items(), key=lambda pair: (-pair[1]["turns"], pair[0])
            )
        ],
        "topics": _counted(Counter(c.topic for c in in_range), "topic", labels.topics, "title"),
        "consultations": {
            "started": len(in_range),
            "answered": sum(c.answered for c in in_range),
            "switched": sum(c.switched and not c.answered for c in in_range),
            "abandoned": len(abandoned),
            "stopped": sum(c.stopped for c in abandoned),
            "gave_up_at": _counted(
                Counter(c.last_question or "(none)" for c in abandoned),
                "question",
                labels.questions,
                "text",
            ),
        },
        "shares": {
            name: {"turns": flags[name], "share": share(flags[name], turns)}
            for name in ("fallback", "out_of_scope", "low_confidence")
        },
        "human": {
            "requests": flags["human"],
            "share": share(flags["human"], turns),
            "transfers": len(transfers),
            "transfer_reasons": _counted(Counter(t.reason for t in transfers), "reason"),
        },
        "failures": {"turns": flags["failed"], "share": share(flags["failed"], turns)},
        "unanswered": {
            "turns": sum(outcomes.values()),
            "share": share(sum(outcomes.values()), turns),
            "by_outcome": {outcome: outcomes[outcome] for outcome in OUTCOMES},
        },
    }
