"""Computations behind policy answers. Pure functions with no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from knowledge.periods import Duration, Employment, add_months, months_between

MINIMUM_CONTRIBUTION_YEARS = 15  # 《社会保险法》第十六条
MAX_DOUBLE_PAY_MONTHS = (
    11  # 《劳动合同法实施条例》第七条: month 2 up to the day before month 12 ends
)
LIMITATION_MONTHS = 12  # 《劳动争议调解仲裁法》第二十七条: one year to apply for arbitration
DAYS_PER_MONTH = 30  # part of a month, for a rough figure


def remaining_contribution_years(years_paid: float) -> float:
    """Years still needed to reach the 15 cumulative years (0 when already reached)."""
    return max(0.0, MINIMUM_CONTRIBUTION_YEARS - years_paid)


@dataclass(frozen=True)
class ContractPosition:
    """Where someone who worked without a written contract stands, as of a day.

    band: how long they worked without one: under_one_month | exactly_one_month |
        one_to_twelve_months | over_one_year
    unsigned: that time, from the first day of work to the signing, the end of the job, or today
    signed: a written contract was signed in the end
    double_pay: the time double pay is owed for: from the day after the first full month to the
        day before the signing, at most until the day before the first anniversary (11 months)
    near_one_year: the citizen's words leave open whether a year without a contract was reached
        (快一年, 差不多一年): the answer covers both
    limitation: how much of the double-pay time lies more than a year back, beyond the usual
        time limit for arbitration: none | partly | past
    """

    band: str
    unsigned: Duration
    signed: bool
    double_pay: Duration
    near_one_year: bool
    limitation: str

    def extra_pay(self, monthly_wage: float) -> float:
        """The extra wage owed: one month's wage per month of double pay, days pro rata."""
        months = self.double_pay.months + self.double_pay.days / DAYS_PER_MONTH
        return round(months * monthly_wage)


def contract_position(employment: Employment, today: date) -> ContractPosition:
    """《劳动合同法》第十条、第十四条、第八十二条，《劳动合同法实施条例》第六条、第七条."""
    end = employment.signed or employment.ended or today
    start = employment.latest if employment.wording == "under" else employment.start
    unsigned = months_between(start, end)
    band = _band(unsigned)
    bands = {
        _band(months_between(employment.earliest, end)),
        _band(months_between(employment.latest, end)),
    }
    near_one_year = ("over_one_year" in bands and len(bands) > 1) or (
        employment.wording == "under"
        and band == "one_to_twelve_months"
        and months_between(employment.earliest, end).months >= 11
    )
    first_full_month = add_months(start, 1)
    double_pay_end = min(end, add_months(start, LIMITATION_MONTHS))
    double_pay = (
        months_between(first_full_month, double_pay_end)
        if band in ("one_to_twelve_months", "over_one_year")
        else Duration(0)
    )
    return ContractPosition(
        band,
        unsigned,
        employment.signed is not None,
        double_pay,
        near_one_year,
        _limitation(first_full_month, double_pay_end, today)
        if double_pay != Duration(0)
        else "none",
    )


# A length said so loosely (不到一年) that it spans more than this and more than one case is
# asked again rather than answered.
VAGUE_MONTHS = 3


def is_vague(employment: Employment, today: date) -> bool:
    """Whether the words leave open which case applies, over a wide range (不到一年, 一两个月 …):
    the citizen is asked how long it was. 差不多一年 (11 to 13 months) is answered for both."""
    end = employment.signed or employment.ended or today
    longest = months_between(employment.earliest, end)
    shortest = months_between(employment.latest, end)
    return _band(longest) != _band(shortest) and longest.months - shortest.months > VAGUE_MONTHS


def _band(unsigned: Duration) -> str:
    if unsigned.months == 0:
        return "under_one_month"
    if unsigned.months == 1 and unsigned.days == 0:
        return "exactly_one_month"
    if unsigned.months >= LIMITATION_MONTHS:
        return "over_one_year"
    return "one_to_twelve_months"


def _limitation(first_day: date, last_day: date, today: date) -> str:
    """How much of the time from first_day to last_day lies more than a year before today."""
    cutoff = add_months(today, -LIMITATION_MONTHS)
    if last_day - timedelta(days=1) < cutoff:
        return "past"
    if first_day < cutoff:
        return "partly"
    return "none"


def describe_duration(duration: Duration, more: bool = False) -> str:
    """3个月, 1个月零15天, 20天, 1年2个月, 10年 (with `more`: 8个多月, 1年多): a length as
    the assistant says it."""
    years, months = divmod(duration.months, 12)
    if years:
        if more and not months:
            return f"{years}年多"
        return f"{years}年" + (f"{months}个{'多' if more else ''}月" if months else "")
    if months and duration.days and not more:
        return f"{months}个月零{duration.days}天"
    if months:
        return f"{months}个{'多' if more else ''}月"
    return f"{duration.days}{'多' if more else ''}天"


def format_number(value: Optional[float]) -> str:
    """12.0 → '12', 8.5 → '8.5', 4500.0 → '4500'."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")
