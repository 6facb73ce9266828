"""Text normalisation shared by every reader of replies."""

from __future__ import annotations

import re

from knowledge.numbers import FULL_WIDTH, NUMBER


def normalise(text: str) -> str:
    """Lower-case, full-width digits made ASCII, spaces and punctuation removed."""
    text = text.translate(FULL_WIDTH).lower()
    return re.sub(r"[\s,，。!！?？、~～…:：;；\"“”'‘’()（）]+", "", text)


QUESTION_MARKERS = (
    "吗",
    "么",
    "咋",
    "怎",
    "如何",
    "啥",
    "什么",
    "多久",
    "多少",
    "要不要",
    "能不能",
    "是不是",
    "有没有",
    "可不可以",
    "？",
    "?",
    "呢",
)


def asks_question(text: str) -> bool:
    """Whether the text asks something (a reply to a question usually does not)."""
    return any(marker in text for marker in QUESTION_MARKERS)


_BARE_FIGURE = re.compile(
    rf"(?:约|大概|差不多)?(?:{NUMBER})(?:元|块钱|块|k|千|万|年|个月|月|天|周|岁|号)?(?:左右|多|来)?"
)


def is_bare_figure(text: str) -> bool:
    """A reply that is only a figure: 6000, 五千块, 三个月, 12年 (an answer with no question)."""
    return bool(_BARE_FIGURE.fullmatch(normalise(text)))
