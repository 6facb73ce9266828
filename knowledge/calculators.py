"""Computations behind policy answers. Pure functions with no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from knowledge.periods import Duration

MINIMUM_CONTRIBUTION_YEARS = 15  # 《社会保险法》第十六条
MAX_DOUBLE_PAY_MONTHS = 11  # 《劳动合同法实施条例》第七条: month 2 up to the day before month 12 ends


def remaining_contribution_years(years_paid: float) -> float:
    """Years still needed to reach the 15 cumulative years (0 when already reached)."""
    return max(0.0, MINIMUM_CONTRIBUTION_YEARS - years_paid)


@dataclass(frozen=True)
class DoublePay:
    """The double-wage position of someone working without a written contract."""

    band: str  # under_one_month | exactly_one_month | one_to_twelve_months | over_one_year
    months: int  # whole months of double pay owed so far (the extra wage is one month's each)
    partial_month: bool  # some days beyond the whole months are owed too

    def extra_pay(self, monthly_wage: float) -> float:
        """The extra amount owed for the whole months: one month's wage per month."""
        return self.months * monthly_wage


def double_pay(worked: Duration) -> DoublePay:
    """Double pay runs from the day after the first full month until the day before the
    contract is signed, and at most until the day before the first anniversary
    (《劳动合同法》第八十二条，《劳动合同法实施条例》第六条、第七条)."""
    if worked.months == 0:
        return DoublePay("under_one_month", 0, False)
    if worked.months == 1 and worked.days == 0:
        return DoublePay("exactly_one_month", 0, False)
    if worked.months >= 12:
        return DoublePay("over_one_year", MAX_DOUBLE_PAY_MONTHS, False)
    return DoublePay("one_to_twelve_months", worked.months - 1, worked.days > 0)


def format_number(value: Optional[float]) -> str:
    """12.0 → '12', 8.5 → '8.5', 4500.0 → '4500'."""
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")
