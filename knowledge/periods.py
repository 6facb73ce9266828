"""Lengths of time, employment dates and years of contributions: the values that replies are
read into (by understanding/), with the date arithmetic they need. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, Mapping, Optional, Tuple


@dataclass(frozen=True)
class Duration:
    """A length of time in whole months plus remaining days."""

    months: int
    days: int = 0


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


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def _iso(day: Optional[date]) -> Optional[str]:
    return day.isoformat() if day else None


def _day(value: Optional[str]) -> Optional[date]:
    return date.fromisoformat(value) if value else None


WORDINGS = ("exact", "over", "under", "about")


@dataclass(frozen=True)
class Employment:
    """When a job began, as far as the citizen's words tell, and whether a contract was signed.

    start: the reference start: the day said; the 1st of the month or 1 January of the year
    said; or the end (today, or the day the job ended) minus the length said.
    earliest, latest: the earliest and latest start the words allow (equal when a day or an
    exact length was said).
    wording: how a length was qualified: "exact", "over" (多/出头/不止/以上), "under"
    (快/不到/将近), "about" (差不多/大概/左右, ranges such as 两三个月, 年底).
    signed: the day a written contract was signed (None: not signed).
    ended: the day the job ended (None: still working there).
    """

    start: date
    earliest: date
    latest: date
    wording: str
    signed: Optional[date] = None
    ended: Optional[date] = None

    def as_slot(self) -> Dict[str, Optional[str]]:
        return {
            "start": _iso(self.start),
            "earliest": _iso(self.earliest),
            "latest": _iso(self.latest),
            "wording": self.wording,
            "signed": _iso(self.signed),
            "ended": _iso(self.ended),
        }

    @staticmethod
    def from_slot(value: Mapping[str, Any]) -> "Employment":
        return Employment(
            start=date.fromisoformat(value["start"]),
            earliest=date.fromisoformat(value["earliest"]),
            latest=date.fromisoformat(value["latest"]),
            wording=str(value.get("wording") or "exact"),
            signed=_day(value.get("signed")),
            ended=_day(value.get("ended")),
        )


@dataclass(frozen=True)
class Contribution:
    """Years of pension contributions as told: one figure, or one per period named."""

    periods: Tuple[float, ...]
    holder: Optional[str] = None  # whose record it is when not the citizen's own (老公, 妈 …)
    adds: bool = False  # the reply adds to periods already given (还有在老家交的6年)

    @property
    def years(self) -> float:
        return round(sum(self.periods), 2)

    def as_slot(self) -> Dict[str, Any]:
        return {
            "periods": list(self.periods),
            "years": self.years,
            "holder": self.holder,
            "adds": self.adds,
        }

    @staticmethod
    def from_slot(value: Mapping[str, Any]) -> "Contribution":
        return Contribution(
            periods=tuple(float(p) for p in value["periods"]),
            holder=value.get("holder"),
            adds=bool(value.get("adds")),
        )


# How the assistant names the person whose record it is, by the word the citizen used.
HOLDER_TITLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    (
        "您爱人",
        (
            "老公",
            "老婆",
            "爱人",
            "丈夫",
            "妻子",
            "媳妇",
            "媳妇儿",
            "对象",
            "先生",
            "太太",
            "男人",
            "那口子",
        ),
    ),
    ("您母亲", ("妈", "妈妈", "母亲", "老妈", "娘", "老娘")),
    ("您父亲", ("爸", "爸爸", "父亲", "老爸", "爹", "老爹")),
    ("您岳父", ("岳父", "老丈人", "丈人")),
    ("您岳母", ("岳母", "丈母娘")),
    ("您女儿", ("女儿", "闺女", "姑娘")),
    ("老人", ("老人", "老人家")),
)


def holder_title(holder: Optional[str]) -> str:
    """None → '您'; 老公 → '您爱人'; 妈 → '您母亲'; 婆婆 → '您婆婆'; 老人 → '老人'."""
    if not holder:
        return "您"
    for title, words in HOLDER_TITLES:
        if holder in words:
            return title
    return "您" + holder
