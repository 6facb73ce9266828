"""Text normalisation shared by every reader of replies."""
from __future__ import annotations

import re

from understanding.numbers import FULL_WIDTH


def normalise(text: str) -> str:
    """Lower-case, full-width digits made ASCII, spaces and punctuation removed."""
    text = text.translate(FULL_WIDTH).lower()
    return re.sub(r"[\s,，。!！?？、~～…:：;；\"“”'‘’()（）]+", "", text)


QUESTION_MARKERS = ("吗", "么", "咋", "怎", "如何", "啥", "什么", "多久", "多少", "要不要", "能不能",
                    "是不是", "有没有", "可不可以", "？", "?", "呢")


def asks_question(text: str) -> bool:
    """Whether the text asks something (a reply to a question usually does not)."""
    return any(marker in text for marker in QUESTION_MARKERS)

