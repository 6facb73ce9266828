"""Numbers as citizens type or say them: 12, １２, 1.5, 十二, 四千五, 一万二, 1万2, 1.2万, 两千八,
years read digit by digit (二零二五, 二五, 零五), spoken ranges (五六千, 两三) and rough figures
(十来, 二十多). Reads short pieces of text already cut out of a reply; no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMBER = r"[0-9０-９.．]+|[零〇一二两俩三四五六七八九十百千万]+"
FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
# Digits that are read one by one when no unit follows them: 二零二五 → 2025, 零五 → 05.
SPELLED_DIGITS = "零〇一二三四五六七八九"
# A two-digit year up to this many years ahead of today is in this century (27 → 2027);
# beyond that it is in the last one (98 → 1998).
YEARS_AHEAD = 10


def chinese_number(text: str) -> Optional[float]:
    """'十二' → 12, '四千五' → 4500, '一万二' → 12000, '1万2' → 12000, '1.2万' → 12000,
    '二零二五' → 2025, '十来' → 10, '12' → 12, '1.5' → 1.5; None for anything else."""
    text = text.translate(FULL_WIDTH)
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return float(text)
    if len(text) > 1 and all(ch in SPELLED_DIGITS for ch in text):
        return float(spelled_digits(text))
    if len(text) > 1 and text.endswith("来") and text[-2] in UNITS:
        text = text[:-1]  # 十来 is ten or so: its round figure
    tokens = re.findall(r"[0-9]+(?:\.[0-9]+)?|.", text)
    if not tokens:
        return None
    total, section, digit = 0.0, 0.0, None
    last_unit, after_unit, trailing = 1, False, False
    for token in tokens:
        if token in UNITS:
            unit = UNITS[token]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (digit if digit is not None else 1) * unit
            digit, last_unit, after_unit = None, unit, True
            continue
        if token in DIGITS:
            value = float(DIGITS[token])
        elif token[0].isdigit():
            value = float(token)
        else:
            return None
        digit, trailing, after_unit = value, after_unit, False
    if digit is not None and trailing and last_unit >= 10:
        digit *= last_unit // 10  # a last digit right after a unit: 四千五 = 4500, 一万二 = 12000
    return round(total + section + (digit or 0), 6)


def spelled_digits(text: str) -> str:
    """'二零二五' → '2025', '零五' → '05' (only digits said one by one)."""
    return "".join(str(DIGITS[ch]) for ch in text)


def read_year(text: str, this_year: int) -> Optional[int]:
    """A calendar year: 2025, 二零二五, 二〇二五 → 2025; 25, 二五 → 2025; 05, 零五 → 2005;
    98 → 1998. Two-digit years more than YEARS_AHEAD years ahead are in the 1900s."""
    text = text.translate(FULL_WIDTH)
    if text and all(ch in SPELLED_DIGITS for ch in text):
        text = spelled_digits(text)
    if not re.fullmatch(r"[0-9]{2}|[0-9]{4}", text):
        return None
    year = int(text)
    if len(text) == 4:
        return year
    return 2000 + year if 2000 + year <= this_year + YEARS_AHEAD else 1900 + year


def number_range(text: str) -> Optional[Tuple[float, float]]:
    """A spoken range of two neighbouring digits: '两三' → (2, 3), '五六千' → (5000, 6000),
    '十五六' → (15, 16), '一两万' → (10000, 20000); None when the text is no such range."""
    pairs = [
        i
        for i in range(len(text) - 1)
        if text[i] in DIGITS
        and text[i + 1] in DIGITS
        and text[i] not in "零〇"
        and DIGITS[text[i + 1]] == DIGITS[text[i]] + 1
    ]
    if len(pairs) != 1:
        return None
    i = pairs[0]
    low = chinese_number(text[: i + 1] + text[i + 2 :])
    high = chinese_number(text[:i] + text[i + 1 :])
    if low is None or high is None:
        return None
    return low, high


@dataclass(frozen=True)
class SpokenNumber:
    """A number as said, with the span the words allow: 五六千 is 5000 to 6000."""

    value: float  # the figure that stands for it: the middle of a range, the round figure
    low: float
    high: float
    wording: str = "exact"  # "exact", "about" (五六千, 十来) or "over" (二十多, 五千多)


def read_number(text: str) -> Optional[SpokenNumber]:
    """'四千五' → 4500 exact; '五六千' → 5500 (5000–6000) about; '十来' → 10 about;
    '二十多' / '十几' → 20 / 10, over (up to 30 / 20); '5000多' → 5000 (up to 6000)."""
    text = text.translate(FULL_WIDTH)
    spread = number_range(text)
    if spread:
        return SpokenNumber(sum(spread) / 2, spread[0], spread[1], "about")
    if len(text) > 1 and text[-1] in "多几":
        value = chinese_number(text[:-1])
        if value is None or value == 0:
            return None
        place = UNITS.get(text[-2]) or _place(text[:-1])
        return SpokenNumber(value, value, value + place, "over")
    value = chinese_number(text)
    if value is None:
        return None
    wording = "about" if text.endswith("来") else "exact"
    return SpokenNumber(value, value, value, wording)


def _place(digits: str) -> int:
    """The place of the last non-zero digit of an Arabic number: 3000 → 1000, 25 → 1."""
    if not digits.isdigit():
        return 1
    return 10 ** (len(digits) - len(digits.rstrip("0")))


CLAUSE_BREAKS = re.compile(r"[，,。；;！!？?\n]+")
THOUSANDS = re.compile(r"(?<=[0-9０-９])[,，](?=[0-9０-９]{3}(?![0-9０-９]))")


def split_clauses(text: str) -> List[str]:
    """The clauses of a reply, cut at commas, full stops and the like ('5,000' stays whole)."""
    return [part for part in CLAUSE_BREAKS.split(THOUSANDS.sub("", text)) if part.strip()]
