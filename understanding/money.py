"""Monthly wages read from a reply: 6000, 6千, 6k, 四千五, 1万2, 五六千 (5500), 月薪6000,
到手三千八, 一万出头, 5000到6000, 年薪12万 (a twelfth of it); not 一天三百, 三个月 or 2025年3月.

Reads the reply's text only; no I/O.
"""

from __future__ import annotations

import re
from typing import Optional

from knowledge.numbers import read_number, split_clauses
from understanding.text import normalise

MONTHLY, YEARLY, DAILY, WAGE = "M", "Y", "D", "W"
# Words that tie an amount to a wage, and per what it is paid. Before amounts are looked for,
# each is replaced by its marker letter (replies are lower-cased, so markers stand out).
PERIOD_WORDS = {
    MONTHLY: ("月工资", "月收入", "月薪", "每个月", "一个月", "每月", "月入", "/月"),
    YEARLY: ("年工资", "年收入", "年薪", "一年", "每年", "年入", "/年"),
    DAILY: (
        "日工资",
        "日薪",
        "一天",
        "每天",
        "日结",
        "/天",
        "时薪",
        "一个小时",
        "一小时",
        "每小时",
        "小时",
        "计件",
        "一件",
    ),
    WAGE: (
        "基本工资",
        "工资",
        "薪水",
        "薪资",
        "收入",
        "到手",
        "底薪",
        "税前",
        "税后",
        "工钱",
        "薪酬",
        "待遇",
    ),
}
MARKERS = tuple(PERIOD_WORDS)
LOWEST, HIGHEST = 100, 1_000_000  # a monthly wage in yuan lies between these

AMOUNT = r"(?:[0-9]+(?:\.[0-9]+)?|[零〇一二两俩三四五六七八九十百千万kw])+"
CANDIDATE = re.compile(
    rf"(?P<a>{AMOUNT})(?:(?:块钱|块|元)?(?:到|至|-)(?P<b>{AMOUNT}))?"
    r"(?P<rough>多|来)?(?P<unit>块钱|块|元|rmb)?"
)
# What follows a number that is no amount of money: a count of months, a date, an age …
NOT_MONEY_AFTER = (
    "个",
    "年",
    "月",
    "日",
    "号",
    "周",
    "星期",
    "岁",
    "点",
    "分",
    "%",
    "次",
    "人",
    "*",
    "楼",
    "层",
    "天",
    "倍",
    "份",
)
FILLERS = ("左右", "上下", "出头", "以上", "的样子", "多", "的")
WINDOW = 6  # how far before an amount a wage word may stand


def parse_wage(text: str, require_context: bool = False) -> Optional[float]:
    """A monthly wage in yuan, or None. With require_context, only an amount tied to a wage
    word (月薪/工资/一个月/到手 …) counts; otherwise a bare number counts too."""
    text = re.sub(r"(?<=[0-9０-９])、(?=[0-9０-９])", "到", text)  # 5、6千 is 5千 to 6千
    for clause in split_clauses(text):
        marked = _mark(normalise(clause))
        previous_end = 0
        for match in CANDIDATE.finditer(marked):
            wage = _wage(marked, match, previous_end, require_context)
            previous_end = match.end()
            if wage is not None:
                return wage
    return None


def _mark(text: str) -> str:
    words = sorted(
        ((word, marker) for marker, words in PERIOD_WORDS.items() for word in words),
        key=lambda item: -len(item[0]),
    )
    for word, marker in words:
        text = text.replace(word, marker)
    return text


def _wage(text: str, match: re.Match, previous_end: int, require_context: bool) -> Optional[float]:
    start, end = match.span()
    rest = text[end:]
    if not match.group("unit") and rest.startswith(NOT_MONEY_AFTER):
        return None
    if start and text[start - 1] in "*#第.":
        return None
    if re.match(r"[./\-][0-9]", rest) or re.search(r"[0-9]{8}", match.group(0)):
        return None  # a date (2025/10) or a phone or card number
    amount = _amount(match.group("a"), match.group("b"), match.group("unit"))
    if amount is None:
        return None
    period = _period_after(rest) or _period_before(text[max(previous_end, start - WINDOW) : start])
    if period is None and require_context:
        return None
    if period == DAILY:
        return None
    if period == YEARLY:
        amount /= 12
    if not LOWEST <= amount <= HIGHEST:
        return None
    return round(amount, 2)


def _amount(first: str, second: Optional[str], unit: Optional[str]) -> Optional[float]:
    low = _figure(first, decimal_ok=bool(unit))
    if low is None:
        return None
    if second is None:
        return low
    high = _figure(second, decimal_ok=bool(unit))
    if high is None:
        return None
    if high >= 10 and low < 10 and second[-1] in "千万kw":
        low = _figure(first + second[-1], decimal_ok=True)  # 5到6千: 5千 to 6千
    if low is None or high <= low:
        return None
    return (low + high) / 2


def _figure(text: str, decimal_ok: bool) -> Optional[float]:
    text = text.replace("k", "千").replace("w", "万")
    if "." in text and text[-1] not in "千万" and not decimal_ok:
        return None  # 2025.10 is a date; wages with fen come with 元
    if not re.search(r"[0-9一二两俩三四五六七八九十]", text):
        return None
    spoken = read_number(text)
    return spoken.value if spoken else None


def _period_after(rest: str) -> Optional[str]:
    for filler in FILLERS:
        if rest.startswith(filler):
            rest = rest[len(filler) :]
    return rest[0] if rest[:1] in MARKERS else None


def _period_before(window: str) -> Optional[str]:
    found = [ch for ch in window if ch in MARKERS]
    return found[-1] if found else None
