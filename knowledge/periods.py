"""Lengths of time and the months between two dates. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Dict


@dataclass(frozen=True)
class Duration:
    """A length of employment in whole months plus remaining days."""

    months: int
    days: int = 0

    def as_slot(self) -> Dict[str, int]:
        return {"months": self.months, "days": self.days}

    @staticmethod
    def from_slot(value: Dict[str, int]) -> "Duration":
        return Duration(int(value["months"]), int(value["days"]))


def months_between(start: date, today: date) -> Duration:
    """Whole months from start to today, and the days left over."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day:
        months -= 1
    anniversary_month = start.month - 1 + months
    year, month = start.year + anniversary_month // 12, anniversary_month % 12 + 1
    day = min(start.day, _days_in_month(year, month))
    return Duration(max(months, 0), max((today - date(year, month, day)).days, 0))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days

