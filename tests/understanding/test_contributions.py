import pytest

from knowledge.periods import Contribution, holder_title
from understanding.contributions import parse_contribution


@pytest.mark.parametrize(
    "text, periods",
    [
        ("十二年", (12,)),
        ("12年", (12,)),
        ("12", (12,)),
        ("十二", (12,)),
        ("10", (10,)),
        ("八年半", (8.5,)),
        ("十年零六个月", (10.5,)),
        ("6个月", (0.5,)),
        ("一年半", (1.5,)),
        ("交了7年断了3年", (7,)),
        ("交了7年断缴3年", (7,)),
        ("缴了十五年", (15,)),
        ("交满15年了", (15,)),
        ("差不多十年", (10,)),
        ("差不多10年吧", (10,)),
        ("十来年", (10,)),
        ("二十多年", (20,)),
        ("交了两三年", (2.5,)),
        ("快十五年了", (14.92,)),
        ("我今年55岁，交了12年", (12,)),
        ("交了15年，其中3年是在老家", (15,)),
        ("我在上海交了5年，在老家交了6年", (5, 6)),
        ("上海5年，老家6年", (5, 6)),
        ("先在广州交了三年，后来回老家又交了四年", (3, 4)),
        ("交了两年，断了三年，又交了五年", (2, 5)),
        ("前后一共交了十一年", (11,)),
        ("上海5年老家6年一共11年", (11,)),
        ("加起来有十一年", (11,)),
    ],
)
def test_years_paid(text, periods):
    contribution = parse_contribution(text)
    assert contribution == Contribution(periods)
    assert contribution.years == round(sum(periods), 2)


def test_periods_add_up():
    assert parse_contribution("我在上海交了5年，在老家交了6年").years == 11


@pytest.mark.parametrize(
    "text",
    [
        "不知道",
        "100",
        "65年",
        "有两年没交",
        "断缴三年了之前的还算吗",
        "05年开始交的",
        "从2005年交到现在",
        "交了二十天",
    ],
)
def test_no_years_paid(text):
    assert parse_contribution(text) is None


@pytest.mark.parametrize(
    "text, holder, periods",
    [
        ("我老公交了30年", "老公", (30,)),
        ("我妈交了十五年", "妈", (15,)),
        ("帮我爸问一下，他交了12年", "爸", (12,)),
        ("老人交了20年", "老人", (20,)),
        ("我婆婆交了8年", "婆婆", (8,)),
        ("我媳妇交了10年", "媳妇", (10,)),
        ("替我岳母问的，交了9年", "岳母", (9,)),
    ],
)
def test_whose_record(text, holder, periods):
    assert parse_contribution(text) == Contribution(periods, holder=holder)


@pytest.mark.parametrize(
    "text, periods",
    [
        ("还有在老家交的6年", (6,)),
        ("另外还交了两年", (2,)),
        ("之前还在深圳交过3年", (3,)),
        ("加上在老家交的4年", (4,)),
    ],
)
def test_adds_to_periods_given_before(text, periods):
    assert parse_contribution(text) == Contribution(periods, adds=True)


@pytest.mark.parametrize(
    "text, periods",
    [
        ("断缴三年了之前的还算吗", None),
        ("我交了十二年断了两年还算吗", (12,)),
        ("10", None),
        ("社保交了有十年了", (10,)),
        ("养老保险缴费15年了能领吗", (15,)),
        ("我老公交了30年，能领多少", (30,)),
        ("干了十二年能退休吗", None),
    ],
)
def test_first_message_needs_figures_said_to_be_paid(text, periods):
    contribution = parse_contribution(text, require_context=True)
    assert (contribution.periods if contribution else None) == periods


@pytest.mark.parametrize(
    "holder, title",
    [
        (None, "您"),
        ("老公", "您爱人"),
        ("老婆", "您爱人"),
        ("爱人", "您爱人"),
        ("丈夫", "您爱人"),
        ("妻子", "您爱人"),
        ("媳妇", "您爱人"),
        ("对象", "您爱人"),
        ("妈", "您母亲"),
        ("母亲", "您母亲"),
        ("老妈", "您母亲"),
        ("娘", "您母亲"),
        ("爸", "您父亲"),
        ("父亲", "您父亲"),
        ("老爸", "您父亲"),
        ("婆婆", "您婆婆"),
        ("公公", "您公公"),
        ("岳父", "您岳父"),
        ("岳母", "您岳母"),
        ("儿子", "您儿子"),
        ("女儿", "您女儿"),
        ("孩子", "您孩子"),
        ("老人", "老人"),
    ],
)
def test_holder_titles(holder, title):
    assert holder_title(holder) == title


@pytest.mark.parametrize(
    "contribution",
    [
        Contribution((12.0,)),
        Contribution((5.0, 6.0), holder="老公"),
        Contribution((6.0,), adds=True),
    ],
)
def test_slot_round_trip(contribution):
    slot = contribution.as_slot()
    assert slot["years"] == contribution.years
    assert Contribution.from_slot(slot) == contribution
