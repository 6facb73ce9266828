import pytest

from knowledge.numbers import (
    SpokenNumber,
    chinese_number,
    number_range,
    read_number,
    read_year,
    split_clauses,
)


@pytest.mark.parametrize(
    "text, value",
    [
        ("十二", 12),
        ("十", 10),
        ("二十", 20),
        ("两千八", 2800),
        ("四千五", 4500),
        ("一万二", 12000),
        ("一万零五百", 10500),
        ("1万2", 12000),
        ("1.2万", 12000),
        ("两万五", 25000),
        ("三千五百", 3500),
        ("两万五千", 25000),
        ("一千零五", 1005),
        ("一百", 100),
        ("一百二", 120),
        ("零", 0),
        ("12", 12),
        ("１２", 12),
        ("1.5", 1.5),
        ("6千5", 6500),
        ("12万", 120000),
        ("二零二五", 2025),
        ("二〇二五", 2025),
        ("二五", 25),
        ("十来", 10),
        ("二十来", 20),
    ],
)
def test_numbers_read(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "十二年", "三个月", "5000元", "abc", "两三个", "1.2.3", "一月"]
)
def test_text_with_other_characters_is_no_number(text):
    assert chinese_number(text) is None


@pytest.mark.parametrize(
    "text, year",
    [
        ("2025", 2025),
        ("二零二五", 2025),
        ("二〇二五", 2025),
        ("25", 2025),
        ("二五", 2025),
        ("零五", 2005),
        ("05", 2005),
        ("98", 1998),
        ("九八", 1998),
        ("27", 2027),
        ("37", 1937),
        ("１９９９", 1999),
    ],
)
def test_years_in_every_spelling(text, year):
    assert read_year(text, 2026) == year


@pytest.mark.parametrize("text", ["2", "二", "十二", "202", "两五", "二零二五年"])
def test_not_a_year(text):
    assert read_year(text, 2026) is None


@pytest.mark.parametrize(
    "text, spread",
    [
        ("两三", (2, 3)),
        ("一两", (1, 2)),
        ("五六千", (5000, 6000)),
        ("七八千", (7000, 8000)),
        ("十五六", (15, 16)),
        ("一两万", (10000, 20000)),
        ("三四十", (30, 40)),
        ("一万五六", (15000, 16000)),
    ],
)
def test_spoken_ranges(text, spread):
    assert number_range(text) == spread


@pytest.mark.parametrize("text", ["二五", "二零二五", "五千", "一二三四", "五七千"])
def test_no_spoken_range(text):
    assert number_range(text) is None


@pytest.mark.parametrize(
    "text, spoken",
    [
        ("四千五", SpokenNumber(4500, 4500, 4500, "exact")),
        ("五六千", SpokenNumber(5500, 5000, 6000, "about")),
        ("十来", SpokenNumber(10, 10, 10, "about")),
        ("二十多", SpokenNumber(20, 20, 30, "over")),
        ("十几", SpokenNumber(10, 10, 20, "over")),
        ("五千多", SpokenNumber(5000, 5000, 6000, "over")),
        ("3000多", SpokenNumber(3000, 3000, 4000, "over")),
    ],
)
def test_rough_figures(text, spoken):
    assert read_number(text) == spoken


def test_clauses_keep_thousands_together():
    assert split_clauses("月薪5,000，干了三个月。没签！") == ["月薪5000", "干了三个月", "没签"]
