import json
from datetime import date as D

import pytest

from knowledge.periods import Duration, Employment, add_months, months_between
from understanding.dates import DateProblem, parse_employment

TODAY = D(2026, 12, 1)


def worked(start, earliest=None, latest=None, wording="exact", signed=None, ended=None):
    """The expected reading: a day said, or a range of start days (earliest … latest)."""
    return Employment(start, earliest or start, latest or earliest or start, wording, signed, ended)


START_DATES = [
    # Month precision: from the 1st to the month's last day (never after today).
    ("2026年5月", worked(D(2026, 5, 1), D(2026, 5, 1), D(2026, 5, 31))),
    ("2025年10月", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月份", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025.10", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025-10", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025/10", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("２０２５年１０月", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月入职", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月进的厂", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月来的", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月开始上班", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月开始干", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月上的班", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月进公司", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月去的", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("25年3月入职", worked(D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 31))),
    ("我是25年3月入职的", worked(D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 31))),
    ("二零二五年三月入职", worked(D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 31))),
    ("二〇二五年三月", worked(D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 31))),
    ("二五年三月", worked(D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 31))),
    ("我去年十月份进的厂", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("今年3月份入职的", worked(D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 31))),
    ("上个月", worked(D(2026, 11, 1), D(2026, 11, 1), D(2026, 11, 30))),
    ("上上个月来的", worked(D(2026, 10, 1), D(2026, 10, 1), D(2026, 10, 31))),
    ("这个月", worked(D(2026, 12, 1))),
    ("三月份", worked(D(2026, 3, 1), D(2026, 3, 1), D(2026, 3, 31))),
    ("12月", worked(D(2026, 12, 1))),
    # Day precision.
    ("2025年10月15日", worked(D(2025, 10, 15))),
    ("2025年10月15号入职", worked(D(2025, 10, 15))),
    ("2025.10.15", worked(D(2025, 10, 15))),
    ("3月15号", worked(D(2026, 3, 15))),
    ("12月15号进厂", worked(D(2025, 12, 15))),  # no year and after today: last year
    ("15号入职的", worked(D(2026, 11, 15))),
    # Year precision: 1 January to 31 December.
    ("零五年", worked(D(2005, 1, 1), D(2005, 1, 1), D(2005, 12, 31))),
    ("18年入职的", worked(D(2018, 1, 1), D(2018, 1, 1), D(2018, 12, 31))),
    ("去年", worked(D(2025, 1, 1), D(2025, 1, 1), D(2025, 12, 31))),
    ("前年", worked(D(2024, 1, 1), D(2024, 1, 1), D(2024, 12, 31))),
    ("大前年", worked(D(2023, 1, 1), D(2023, 1, 1), D(2023, 12, 31))),
    ("今年", worked(D(2026, 1, 1), D(2026, 1, 1), TODAY)),
    # Parts of a year or a month.
    ("去年年底", worked(D(2025, 12, 1), D(2025, 11, 1), D(2025, 12, 31), "about")),
    ("去年底进的厂", worked(D(2025, 12, 1), D(2025, 11, 1), D(2025, 12, 31), "about")),
    ("去年年初", worked(D(2025, 1, 1), D(2025, 1, 1), D(2025, 2, 28), "about")),
    ("今年年初", worked(D(2026, 1, 1), D(2026, 1, 1), D(2026, 2, 28), "about")),
    ("今年上半年", worked(D(2026, 1, 1), D(2026, 1, 1), D(2026, 6, 30), "about")),
    ("这个月初", worked(D(2026, 12, 1), D(2026, 12, 1), TODAY, "about")),
    ("上个月中旬", worked(D(2026, 11, 11), D(2026, 11, 11), D(2026, 11, 20), "about")),
    ("大概2025年10月", worked(D(2025, 10, 1), D(2025, 9, 1), D(2025, 11, 30), "about")),
    ("2025年10月左右", worked(D(2025, 10, 1), D(2025, 9, 1), D(2025, 11, 30), "about")),
]

LENGTHS = [
    ("三个月", worked(D(2026, 9, 1))),
    ("3个月", worked(D(2026, 9, 1))),
    ("半年", worked(D(2026, 6, 1))),
    ("一年", worked(D(2025, 12, 1))),
    ("一年半", worked(D(2025, 6, 1))),
    ("两年半", worked(D(2024, 6, 1))),
    ("1.5年", worked(D(2025, 6, 1))),
    ("一年零两个月", worked(D(2025, 10, 1))),
    ("一年两个月", worked(D(2025, 10, 1))),
    ("一个半月", worked(D(2026, 10, 17))),  # a month and fifteen days
    ("两个半月", worked(D(2026, 9, 16))),
    ("四十天", worked(D(2026, 10, 22))),
    ("二十天", worked(D(2026, 11, 11))),
    ("两周", worked(D(2026, 11, 17))),
    ("三个星期", worked(D(2026, 11, 10))),
    ("两个礼拜", worked(D(2026, 11, 17))),
    ("俩月", worked(D(2026, 10, 1))),
    ("十年", worked(D(2016, 12, 1))),
    ("干了十年", worked(D(2016, 12, 1))),
    ("12年", worked(D(2014, 12, 1))),
    ("干满一年了", worked(D(2025, 12, 1))),
    ("三个月前入职", worked(D(2026, 9, 1))),
    ("半年前来的", worked(D(2026, 6, 1))),
    # Over: at least the length, less than one more of its unit.
    ("八个多月", worked(D(2026, 4, 1), D(2026, 3, 2), D(2026, 4, 1), "over")),
    ("三个多月", worked(D(2026, 9, 1), D(2026, 8, 2), D(2026, 9, 1), "over")),
    ("一年多", worked(D(2025, 12, 1), D(2024, 12, 2), D(2025, 12, 1), "over")),
    ("一年出头", worked(D(2025, 12, 1), D(2025, 11, 2), D(2025, 12, 1), "over")),
    ("十多年", worked(D(2016, 12, 1), D(2006, 12, 2), D(2016, 12, 1), "over")),
    ("二十多天", worked(D(2026, 11, 11), D(2026, 11, 2), D(2026, 11, 11), "over")),
    # Under: 快 is within a month (a day) below the length; 不到 anything below it.
    ("快一年了", worked(D(2025, 12, 1), D(2025, 12, 1), D(2026, 1, 1), "under")),
    ("快两年了", worked(D(2024, 12, 1), D(2024, 12, 1), D(2025, 1, 1), "under")),
    ("将近半年", worked(D(2026, 6, 1), D(2026, 6, 1), D(2026, 7, 1), "under")),
    ("不到一年", worked(D(2025, 12, 1), D(2025, 12, 1), D(2026, 11, 30), "under")),
    ("一年不到", worked(D(2025, 12, 1), D(2025, 12, 1), D(2026, 11, 30), "under")),
    ("还差一个月满一年", worked(D(2026, 1, 1), wording="under")),
    # About: give or take one month (one day); ranges from the one to the other.
    ("差不多一年", worked(D(2025, 12, 1), D(2025, 11, 1), D(2026, 1, 1), "about")),
    ("一年左右", worked(D(2025, 12, 1), D(2025, 11, 1), D(2026, 1, 1), "about")),
    ("大概半年", worked(D(2026, 6, 1), D(2026, 5, 1), D(2026, 7, 1), "about")),
    ("十来天", worked(D(2026, 11, 21), D(2026, 11, 20), D(2026, 11, 22), "about")),
    ("两三个月", worked(D(2026, 9, 16), D(2026, 9, 1), D(2026, 10, 1), "about")),
    ("一两年", worked(D(2025, 6, 1), D(2024, 12, 1), D(2025, 12, 1), "about")),
    ("三四年", worked(D(2023, 6, 1), D(2022, 12, 1), D(2023, 12, 1), "about")),
    # Counted back from a month still to come.
    ("下个月就满一年了", worked(D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 31))),
]

RANGES_ENDS_AND_SIGNING = [
    ("从2025年8月干到现在", worked(D(2025, 8, 1), D(2025, 8, 1), D(2025, 8, 31))),
    ("从去年8月到现在", worked(D(2025, 8, 1), D(2025, 8, 1), D(2025, 8, 31))),
    (
        "从2024年5月干到2025年3月",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), ended=D(2025, 3, 1)),
    ),
    (
        "2024年5月到2025年3月",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), ended=D(2025, 3, 1)),
    ),
    (
        "2024年5月到2025年3月才签的合同",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), signed=D(2025, 3, 1)),
    ),
    (
        "2024年5月入职，去年底离职了",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), ended=D(2025, 12, 1)),
    ),
    (
        "干了半年，上个月辞职了",
        worked(D(2026, 5, 1), D(2026, 5, 1), D(2026, 5, 30), ended=D(2026, 11, 1)),
    ),
    (
        "干了两年，去年年底走的",
        worked(D(2023, 12, 1), D(2023, 11, 1), D(2023, 12, 31), ended=D(2025, 12, 1)),
    ),
    (
        "2024年5月入职，干了一年就走了",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), ended=D(2025, 5, 1)),
    ),
    ("干了两年，已经离职了", worked(D(2024, 12, 1), ended=TODAY)),
    (
        "2024年5月入职，2025年3月签了合同",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), signed=D(2025, 3, 1)),
    ),
    (
        "2025年3月签的合同，2024年5月入职",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), signed=D(2025, 3, 1)),
    ),
    (
        "2024年5月入职，入职半年后才签的合同",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), signed=D(2024, 11, 1)),
    ),
    (
        "2024年5月入职，入职的时候就签了合同",
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), signed=D(2024, 5, 1)),
    ),
    ("2024年5月入职，一直没签", worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31))),
    ("2024年5月入职到现在也没签", worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31))),
    ("2025年10月没签合同", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
    ("2025年10月入职，明年合同到期", worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31))),
]


@pytest.mark.parametrize("text, expected", START_DATES + LENGTHS + RANGES_ENDS_AND_SIGNING)
def test_employment(text, expected):
    assert parse_employment(text, TODAY) == expected


def test_enough_forms_are_covered():
    assert len({text for text, _ in START_DATES + LENGTHS + RANGES_ENDS_AND_SIGNING}) >= 60


@pytest.mark.parametrize(
    "text, months",
    [
        ("2026年5月", 7),
        ("2025年10月", 14),
        ("从2025年8月干到现在", 16),
        ("25年3月入职", 21),
        ("二零二五年三月入职", 21),
        ("我去年十月份进的厂", 14),
        ("今年3月份入职的", 9),
        ("干了十年", 120),
        ("八个多月", 8),
        ("三个多月", 3),
    ],
)
def test_months_worked_follow_from_the_start(text, months):
    assert months_between(parse_employment(text, TODAY).start, TODAY) == Duration(months)


def test_nearly_a_year_is_less_than_a_year():
    employment = parse_employment("快一年了", TODAY)
    assert employment.wording == "under"
    assert months_between(employment.latest, TODAY) == Duration(11)
    assert months_between(employment.earliest, TODAY) == Duration(12)


def test_months_without_a_contract_until_it_was_signed():
    employment = parse_employment("2024年5月入职，2025年3月签了合同", TODAY)
    assert months_between(employment.start, employment.signed) == Duration(10)


def test_one_and_a_half_months_and_forty_days():
    assert months_between(parse_employment("一个半月", TODAY).start, TODAY) == Duration(1, 14)
    assert (TODAY - parse_employment("四十天", TODAY).start).days == 40


@pytest.mark.parametrize(
    "text, problem",
    [
        ("2027年5月", DateProblem("future", "2027年5月")),
        ("2027年5月入职", DateProblem("future", "2027年5月")),
        ("明年三月", DateProblem("future", "明年三月")),
        ("下个月入职", DateProblem("future", "下个月")),
        ("2025年13月", DateProblem("impossible", "2025年13月")),
        ("2025年0月", DateProblem("impossible", "2025年0月")),
        ("2月30号", DateProblem("impossible", "2月30号")),
        ("1949年3月", DateProblem("impossible", "1949年3月")),
        ("2024年5月入职，2023年3月签了合同", DateProblem("signed_before_start", "2023年3月")),
        ("干了一年，2025年3月签的合同", DateProblem("signed_before_start", "2025年3月")),
        ("2024年5月入职，2023年离职", DateProblem("ended_before_start", "2023年")),
    ],
)
def test_dates_that_cannot_be_used(text, problem):
    assert parse_employment(text, TODAY) == problem


@pytest.mark.parametrize(
    "text",
    [
        "不记得了",
        "挺久了",
        "很久了",
        "入职半年后才签的合同",
        "去年底离职了",
        "签了一年的合同",
        "试用期三个月",
        "明年合同到期",
        "几个月",
    ],
)
def test_no_date_or_length_of_work(text):
    assert parse_employment(text, TODAY) is None


@pytest.mark.parametrize(
    "text, start",
    [
        ("入职二十天了还没签合同", D(2026, 11, 11)),
        ("我在公司干了八个月了，月薪五千，一直没签劳动合同，能拿多少", D(2026, 4, 1)),
        ("去年十月份进的厂", D(2025, 10, 1)),
        ("干了三个月老板不签合同", D(2026, 9, 1)),
        ("上了两个月班", D(2026, 10, 1)),
        ("我在这家厂做了快两年了", D(2024, 12, 1)),
        ("试用期三个月，干了五个月", D(2026, 7, 1)),
        ("我18岁，干了三个月", D(2026, 9, 1)),
        ("从2025年8月干到现在", D(2025, 8, 1)),
        ("双倍工资最长12个月吗", None),
        ("没签合同要赔几个月", None),
        ("2025年10月", None),
        ("三个月", None),
        ("明年合同到期", None),
    ],
)
def test_first_message_needs_a_date_or_length_of_work(text, start):
    employment = parse_employment(text, TODAY, require_context=True)
    assert (employment.start if employment else None) == start


def test_first_message_with_an_impossible_start():
    assert parse_employment("2025年13月入职的", TODAY, require_context=True) == DateProblem(
        "impossible", "2025年13月"
    )


@pytest.mark.parametrize(
    "employment",
    [
        worked(D(2025, 10, 1), D(2025, 10, 1), D(2025, 10, 31)),
        worked(D(2024, 5, 1), D(2024, 5, 1), D(2024, 5, 31), signed=D(2025, 3, 1)),
        worked(D(2023, 12, 1), D(2023, 11, 1), D(2023, 12, 31), "about", ended=D(2025, 12, 1)),
    ],
)
def test_slot_round_trip(employment):
    slot = json.loads(json.dumps(employment.as_slot()))
    assert Employment.from_slot(slot) == employment


def test_slot_is_iso_dates_with_none_kept():
    assert worked(D(2025, 10, 15)).as_slot() == {
        "start": "2025-10-15",
        "earliest": "2025-10-15",
        "latest": "2025-10-15",
        "wording": "exact",
        "signed": None,
        "ended": None,
    }


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2026, 12, 1), -14, D(2025, 10, 1)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_months_between_across_a_year_end_and_month_ends():
    assert months_between(D(2025, 12, 15), D(2026, 1, 14)) == Duration(0, 30)
    assert months_between(D(2025, 12, 15), D(2026, 1, 15)) == Duration(1, 0)
    assert months_between(D(2026, 1, 31), D(2026, 2, 28)) == Duration(0, 28)
    assert months_between(D(2026, 1, 31), D(2026, 3, 31)) == Duration(2, 0)
