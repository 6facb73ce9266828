"""Years of pension contributions read from a reply to "您的养老保险一共交了几年？": 十二年, 八年半,
6个月, 交了7年断了3年 (7), 上海5年老家6年 (5 + 6), 前后一共十一年, whose record it is
(我老公交了30年) and whether the reply adds to periods already given (还有在老家交的6年).

Reads the reply's text only; no I/O.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

from knowledge.numbers import chinese_number, split_clauses
from knowledge.periods import Contribution
from understanding.dates import Length, read_lengths, span_years
from understanding.text import normalise

MOST_YEARS = 60  # more than this is no number of years paid
PAID = ("交", "缴")
# Words before a figure that make it time not paid: 交了7年断了3年.
GAP = ("断", "停", "没交", "没缴", "没有交", "未交", "未缴", "漏交", "漏缴", "欠", "中断")
GAP_AFTER = ("没交", "没缴", "没有交", "没有缴", "断", "是断", "停", "都没")
TOTAL = ("一共", "总共", "加起来", "总计", "合计", "累计", "前后", "总的", "共")
PART_OF = ("其中",)
# A figure followed by these is a year (05年开始交的), not a number of years.
YEAR_AFTER = ("开始", "起", "以来", "到", "至", "那年")
ADDS = ("还有", "另外", "加上", "再加", "之前还", "以前还", "又交了", "又缴了", "还交了", "还缴了")
# Whose record it is: the words, longest first, as they are kept.
HOLDERS = (
    "丈母娘",
    "老丈人",
    "老人家",
    "媳妇儿",
    "那口子",
    "老公",
    "老婆",
    "爱人",
    "丈夫",
    "妻子",
    "媳妇",
    "对象",
    "男人",
    "妈妈",
    "母亲",
    "老妈",
    "老娘",
    "爸爸",
    "父亲",
    "老爸",
    "老爹",
    "婆婆",
    "公公",
    "岳父",
    "岳母",
    "儿子",
    "女儿",
    "闺女",
    "姑娘",
    "孩子",
    "老人",
    "爷爷",
    "奶奶",
    "姥姥",
    "姥爷",
    "外公",
    "外婆",
    "哥哥",
    "姐姐",
    "弟弟",
    "妹妹",
    "亲戚",
    "朋友",
    "妈",
    "爸",
    "爹",
    "娘",
)
HOLDER_BEFORE = ("我", "俺", "帮", "替", "给", "咱")
QUALIFIERS = (
    "差不多",
    "大概",
    "大约",
    "应该",
    "估计",
    "可能",
    "左右",
    "吧",
    "了",
    "啊",
    "呢",
    "年",
)


def parse_contribution(text: str, require_context: bool = False) -> Optional[Contribution]:
    """The years of contributions the reply tells, or None. With require_context (a first
    message), only figures said to be paid (交了/缴了/交满 … 年) count."""
    clauses = [normalise(part) for part in split_clauses(text)]
    joined = "|".join(clauses)
    paid, totals = _figures(joined, require_context)
    if totals:
        periods: Tuple[float, ...] = (totals[0][1],)
    elif paid:
        periods = tuple(years for _, years in paid)
    elif not require_context:
        bare = _bare_number(joined)
        if bare is None:
            return None
        periods = (bare,)
    else:
        return None
    first_at = min(at for at, _ in paid + totals) if paid or totals else len(joined)
    adds = any(0 <= joined.find(word) < first_at for word in ADDS)
    return Contribution(periods, _holder(joined), adds)


def _figures(
    text: str, require_context: bool
) -> Tuple[List[Tuple[int, float]], List[Tuple[int, float]]]:
    """(paid, totals): the figures of years paid and of totals, with where they were said."""
    paid: List[Tuple[int, float]] = []
    totals: List[Tuple[int, float]] = []
    lengths = read_lengths(text)
    for index, length in enumerate(lengths):
        previous_end = lengths[index - 1].end if index else 0
        next_begin = lengths[index + 1].begin if index + 1 < len(lengths) else len(text)
        before = text[previous_end : length.begin].rsplit("|", 1)[-1]
        after = text[length.end : next_begin]
        if length.size[1] or after.startswith(YEAR_AFTER) or before.endswith(("从", "自")):
            continue  # days or weeks, or a year (05年开始交的)
        if _last(before, GAP) > _last_paid(before):
            continue
        if "|" not in after and next_begin < len(text):
            after = ""  # 交了7年断了3年: the words after 7年 are about 3年
        if after.startswith(GAP_AFTER):
            continue
        if any(word in before for word in PART_OF):
            continue
        if require_context and _last_paid(before) < 0:
            continue
        years = _years(length)
        if years is None:
            continue
        (totals if any(word in before for word in TOTAL) else paid).append((length.begin, years))
    return paid, totals


def _years(length: Length) -> Optional[float]:
    """The figure said; just under it when the words say so (快十五年: 14 years 11 months)."""
    years = span_years(length.low if length.wording == "under" else length.length)
    return years if 0 < years <= MOST_YEARS else None


def _last(window: str, words: Tuple[str, ...]) -> int:
    return max((window.rfind(word) for word in words), default=-1)


def _last_paid(window: str) -> int:
    """Where 交/缴 was last said as paid (not 断缴, 没交)."""
    for i in reversed(range(len(window))):
        if window[i] in PAID and not any(window[: i + 1].endswith(gap) for gap in GAP + ("断缴",)):
            return i
    return -1


def _bare_number(text: str) -> Optional[float]:
    """A reply that is only a number: '10', '十二', '差不多10年吧'."""
    changed = True
    while changed:
        changed = False
        for word in QUALIFIERS:
            if text.startswith(word) or text.endswith(word):
                text = text[len(word) :] if text.startswith(word) else text[: -len(word)]
                changed = True
    if not re.fullmatch(r"[0-9.]+|[零〇一二两三四五六七八九十]+", text):
        return None
    value = chinese_number(text)
    return value if value is not None and 0 < value <= MOST_YEARS else None


def _holder(text: str) -> Optional[str]:
    """Whose record it is: 我老公交了30年 → 老公; 帮我爸问一下 → 爸; 老人交了20年 → 老人."""
    for word in HOLDERS:
        at = text.find(word)
        while at >= 0:
            if at == 0 or text[at - 1] == "|" or text[:at].endswith(HOLDER_BEFORE + ("的", "家")):
                return word
            at = text.find(word, at + 1)
    return None
