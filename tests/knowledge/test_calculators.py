"""The computations behind answers, checked against hand calculations (today 2026-12-01)."""

from datetime import date

import pytest

from knowledge.calculators import (
    contract_position,
    describe_duration,
    format_number,
    remaining_contribution_years,
)
from knowledge.periods import Duration, Employment

TODAY = date(2026, 12, 1)


def exactly(start, signed=None, ended=None):
    return Employment(start, start, start, "exact", signed, ended)


@pytest.mark.parametrize("paid, left", [(12, 3), (8.5, 6.5), (15, 0), (30, 0), (0, 15)])
def test_years_left_to_fifteen(paid, left):
    assert remaining_contribution_years(paid) == left


@pytest.mark.parametrize(
    "start, band, unsigned, double_pay, limitation",
    [
        # 20 days: still inside the month for signing.
        (date(2026, 11, 11), "under_one_month", Duration(0, 20), Duration(0), "none"),
        (date(2026, 11, 1), "exactly_one_month", Duration(1), Duration(0), "none"),
        # 1 month and 15 days: 15 days of double pay, never "0 months".
        (date(2026, 10, 16), "one_to_twelve_months", Duration(1, 15), Duration(0, 15), "none"),
        # 3 months: double pay from the second month on, 2 months.
        (date(2026, 9, 1), "one_to_twelve_months", Duration(3), Duration(2), "none"),
        (date(2026, 5, 1), "one_to_twelve_months", Duration(7), Duration(6), "none"),
        # 21 months: capped at 11 months, and the earliest ones lie more than a year back.
        (date(2025, 3, 1), "over_one_year", Duration(21), Duration(11), "partly"),
        # 10 years: the double-pay year ended nine years ago.
        (date(2016, 12, 1), "over_one_year", Duration(120), Duration(11), "past"),
    ],
)
def test_double_pay_runs_from_the_second_month_to_the_first_anniversary(
    start, band, unsigned, double_pay, limitation
):
    position = contract_position(exactly(start), TODAY)
    assert (position.band, position.unsigned, position.double_pay, position.limitation) == (
        band,
        unsigned,
        double_pay,
        limitation,
    )
    assert not position.signed and not position.near_one_year


def test_only_the_time_before_the_signing_counts():
    position = contract_position(exactly(date(2024, 5, 1), signed=date(2025, 3, 1)), TODAY)
    assert position.band == "one_to_twelve_months" and position.signed
    assert (position.unsigned, position.double_pay) == (Duration(10), Duration(9))
    assert position.limitation == "past"


def test_almost_a_year_is_under_a_year_and_says_so():
    almost = Employment(date(2025, 12, 1), date(2025, 12, 2), date(2026, 1, 1), "under")
    position = contract_position(almost, TODAY)
    assert position.band == "one_to_twelve_months" and position.near_one_year
    about = Employment(date(2025, 12, 1), date(2025, 11, 1), date(2026, 1, 1), "about")
    assert contract_position(about, TODAY).near_one_year


def test_the_extra_wage_counts_part_of_a_month_by_days():
    position = contract_position(exactly(date(2026, 10, 16)), TODAY)
    assert position.extra_pay(6000) == 3000
    assert contract_position(exactly(date(2026, 9, 1)), TODAY).extra_pay(5000) == 10000
    assert contract_position(exactly(date(2016, 12, 1)), TODAY).extra_pay(5000) == 55000


@pytest.mark.parametrize(
    "duration, more, said",
    [
        (Duration(3), False, "3个月"),
        (Duration(1, 15), False, "1个月零15天"),
        (Duration(0, 20), False, "20天"),
        (Duration(14), False, "1年2个月"),
        (Duration(120), False, "10年"),
        (Duration(8), True, "8个多月"),
        (Duration(12), True, "1年多"),
    ],
)
def test_lengths_are_said_as_people_say_them(duration, more, said):
    assert describe_duration(duration, more) == said


def test_numbers_are_written_without_trailing_zeros():
    assert [format_number(v) for v in (12.0, 8.5, 4500.0, None)] == ["12", "8.5", "4500", ""]
