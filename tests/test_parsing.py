from datetime import date

import pytest

from knowledge.periods import Duration, months_between
from understanding.answers import parse_choice, parse_evidence, parse_money, parse_years, parse_yes_no
from understanding.dates import parse_duration
from understanding.numbers import chinese_number
from understanding.text import normalise

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "text, value",
    [("十二", 12), ("十", 10), ("二十", 20), ("两千八", 2800), ("四千五", 4500), ("一万二", 12000),
     ("一百", 100), ("12", 12), ("１２", 12), ("1.5", 1.5), ("零", 0)],
)
def test_chinese_and_arabic_numbers(text, value):
    assert chinese_number(text) == value


def test_not_a_number():
    assert chinese_number("十二年") is None
    assert chinese_number("") is None


@pytest.mark.parametrize(
    "text, years",
    [("十二年", 12), ("12年", 12), ("八年半", 8.5), ("一年半", 1.5), ("交了7年断了3年", 7),
     ("十年零六个月", 10.5), ("6个月", 0.5), ("12", 12), ("缴了十五年", 15)],
)
def test_years_paid(text, years):
    assert parse_years(text) == years


def test_years_volunteered_only_when_said_to_be_paid():
    assert parse_years("断缴三年了之前的还算吗", require_context=True) is None
    assert parse_years("我交了十二年断了两年还算吗", require_context=True) == 12
    assert parse_years("不知道", require_context=False) is None


@pytest.mark.parametrize(
    "text, duration",
    [("三个月", Duration(3)), ("半年", Duration(6)), ("一年零两个月", Duration(14)),
     ("二十天", Duration(0, 20)), ("一年半", Duration(18)), ("干了两个半月", Duration(2, 15)),
     ("入职三周", Duration(0, 21)), ("13个月", Duration(13)), ("1个月", Duration(1)),
     ("2025年3月入职", Duration(20, 28)), ("2026年10月29日入职的", Duration(1, 0)),
     ("2025年12月1号进厂", Duration(11, 28))],
)
def test_employment_duration(text, duration):
    assert parse_duration(text, TODAY) == duration


def test_duration_start_in_the_future_or_unclear():
    assert parse_duration("2027年3月入职", TODAY) is None
    assert parse_duration("不记得了", TODAY) is None


def test_duration_volunteered_only_when_said_to_be_worked():
    assert parse_duration("干了三个月老板不签合同", TODAY, require_context=True) == Duration(3)
    assert parse_duration("双倍工资最长12个月吗", TODAY, require_context=True) is None


def test_months_between_across_a_year_end_and_month_ends():
    assert months_between(date(2025, 12, 15), date(2026, 1, 14)) == Duration(0, 30)
    assert months_between(date(2025, 12, 15), date(2026, 1, 15)) == Duration(1, 0)
    assert months_between(date(2026, 1, 31), date(2026, 2, 28)) == Duration(0, 28)
    assert months_between(date(2026, 1, 31), date(2026, 3, 31)) == Duration(2, 0)


@pytest.mark.parametrize(
    "text, amount",
    [("5000", 5000), ("四千五", 4500), ("6千", 6000), ("一万二", 12000), ("1.2万", 12000),
     ("3800元", 3800), ("月薪6千5", 6500), ("到手三千八", 3800), ("跳过", "skipped")],
)
def test_money(text, amount):
    assert parse_money(text, ["跳过"]) == amount


def test_money_volunteered_needs_a_wage_word():
    assert parse_money("干了三个月工资5000没签合同", require_context=True) == 5000
    assert parse_money("干了三个月没签合同", require_context=True) is None


@pytest.mark.parametrize(
    "text, intent, expected",
    [("是的", None, True), ("没有", None, False), ("1", None, True), ("2", None, False),
     ("嗯呐", "affirm", True), ("那倒没有", "deny", False), ("啊这个嘛", None, None),
     ("/affirm", None, True)],
)
def test_yes_no(text, intent, expected):
    assert parse_yes_no(text, intent) is expected


def test_question_words_win_over_how_the_reply_starts():
    assert parse_yes_no("没在用", yes_words=["在用"], no_words=["没在用"]) is False
    assert parse_yes_no("不知道怎么挂", yes_words=["挂了"], no_words=["不知道怎么挂"]) is False
    assert parse_yes_no("可能还能找到", yes_words=["可能"], no_words=["找不回"]) is True


OPTIONS = {"usable": ["正常", "能用"], "unusable": ["挂失", "注销", "不能用"]}


@pytest.mark.parametrize(
    "text, choice",
    [("正常能用", "usable"), ("不能用了", "unusable"), ("已经注销", "unusable"), ("1", "usable"),
     ("2", "unusable"), ("3", None), ("不晓得", None)],
)
def test_choice_by_words_or_number(text, choice):
    assert parse_choice(text, OPTIONS) == choice


def test_evidence_kinds():
    assert parse_evidence("有工资条和考勤记录，还有微信聊天") == ["工资支付记录", "考勤记录", "微信聊天等电子记录"]
    assert parse_evidence("啥都没有") == []
    assert parse_evidence("嗯嗯") is None


def test_normalise_keeps_decimal_points():
    assert normalise("１.５ 万。") == "1.5万"
