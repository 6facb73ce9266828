"""Normalising replies, and telling a bare figure or a question from other replies."""

import pytest

from understanding.text import asks_question, is_bare_figure, normalise


def test_normalise_keeps_decimal_points_and_drops_punctuation():
    assert normalise("１.５ 万。") == "1.5万"
    assert normalise("不对，是 三年！") == "不对是三年"


@pytest.mark.parametrize(
    "text, bare",
    [
        ("6000", True),
        ("五千块", True),
        ("三个月", True),
        ("12年", True),
        ("１０", True),
        ("2", True),
        ("你好", False),
        ("社保卡丢了", False),
        ("月薪6000没签合同", False),
    ],
)
def test_a_bare_figure_is_only_a_number_with_its_unit(text, bare):
    assert is_bare_figure(text) is bare


def test_questions_are_told_by_their_words():
    assert asks_question("电子社保卡还能用吗") and asks_question("怎么办")
    assert not asks_question("已经挂失了")
