import pytest

from knowledge.calculators import double_pay, format_number, remaining_contribution_years
from knowledge.periods import Duration


@pytest.mark.parametrize(
    "paid, remaining", [(0, 15), (12, 3), (8.5, 6.5), (1.5, 13.5), (15, 0), (20, 0)]
)
def test_years_remaining_to_fifteen(paid, remaining):
    assert remaining_contribution_years(paid) == remaining


@pytest.mark.parametrize(
    "worked, band, months, partial",
    [
        (Duration(0, 20), "under_one_month", 0, False),
        (Duration(0, 30), "under_one_month", 0, False),
        (Duration(1, 0), "exactly_one_month", 0, False),
        (Duration(1, 1), "one_to_twelve_months", 0, True),
        (Duration(3, 0), "one_to_twelve_months", 2, False),
        (Duration(6, 10), "one_to_twelve_months", 5, True),
        (Duration(11, 0), "one_to_twelve_months", 10, False),
        (Duration(11, 29), "one_to_twelve_months", 10, True),
        (Duration(12, 0), "over_one_year", 11, False),
        (Duration(13, 0), "over_one_year", 11, False),
        (Duration(20, 28), "over_one_year", 11, False),
    ],
)
def test_double_pay_months(worked, band, months, partial):
    position = double_pay(worked)
    assert (position.band, position.months, position.partial_month) == (band, months, partial)


def test_double_pay_never_exceeds_eleven_months():
    assert max(double_pay(Duration(m)).months for m in range(0, 60)) == 11


def test_extra_pay_is_one_more_wage_per_month():
    assert double_pay(Duration(3)).extra_pay(5000) == 10000
    assert double_pay(Duration(24)).extra_pay(4000) == 44000


def test_format_number():
    assert format_number(12.0) == "12"
    assert format_number(8.5) == "8.5"
    assert format_number(None) == ""
