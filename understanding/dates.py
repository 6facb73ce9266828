"""When and how long someone has worked, read from a reply to "您在这个单位干了多久了？也可以告诉我
哪年哪月入职的。": start dates (2025年10月, 去年十月份, 上个月, 三月份), lengths (三个月, 快一年,
八个多月, 两三个月), ranges (从2025年8月干到现在), when a written contract was signed, and
whether and when the job ended, all measured against `today`.

Reads the reply's text only; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Dict, List, Optional, Sequence, Tuple, Union

from knowledge.numbers import (
    SpokenNumber,
    chinese_number,
    read_number,
    read_year,
    split_clauses,
)
from knowledge.periods import Employment, add_months
from understanding.text import normalise

# A length of time as (months, days).
Span = Tuple[int, int]
# Each unit a length may be said in: its size, and the step lengths in it are counted in.
LENGTH_UNITS = {
    "年": ((12, 0), (1, 0)),
    "月": ((1, 0), (1, 0)),
    "周": ((0, 7), (0, 1)),
    "星期": ((0, 7), (0, 1)),
    "礼拜": ((0, 7), (0, 1)),
    "天": ((0, 1), (0, 1)),
}
ATOM = re.compile(
    r"零?(?P<num>[0-9]+(?:\.[0-9]+)?|[零〇一二两俩三四五六七八九十百]+|半)"
    r"(?P<rough>多|来|几)?(?P<ge>个)?(?P<inner>半|多)?"
    r"(?P<unit>年|月|周|星期|礼拜|天)(?P<outer>半|多)?"
)

# Words that qualify a length, said before it (快一年) or after it (一年左右).
ABOUT_BEFORE = ("差不多", "大概", "大约", "约莫", "约", "大致", "估计")
SHORT_OF_BEFORE = ("不到", "没到", "不满", "没满", "未满")
UNDER_BEFORE = ("快", "将近", "接近", "马上", "眼看", "就要", "差点", "差一点")
OVER_BEFORE = ("超过", "不止", "多于", "至少", "起码")
ABOUT_AFTER = ("左右", "上下", "前后", "的样子")
SHORT_OF_AFTER = ("不到", "没到")
JUST_OVER_AFTER = ("出头",)
OVER_AFTER = ("以上", "多点", "多一点")
FILLERS = ("已经", "有", "了", "都", "也", "就", "才", "是", "得")


@dataclass(frozen=True)
class Length:
    """A length of time as said: 八个多月 is 8 months, at least 8 and less than 9."""

    length: Span  # the length said (the middle of a range such as 两三个月)
    low: Span  # the shortest the words allow
    high: Span  # the longest the words allow
    wording: str  # "exact", "over", "under" or "about"
    strict: bool  # the longest is not reached: 八个多月 is less than nine months
    size: Span  # the smallest unit said (a year, a month, a week, a day)
    step: Span  # the step a length in that unit is counted in (a month, or a day)
    said: str
    begin: int
    end: int


def span_years(span: Span) -> float:
    """(18, 0) → 1.5; (6, 0) → 0.5."""
    return round((span[0] + span[1] / 30) / 12, 2)


def read_lengths(text: str) -> List[Length]:
    """The lengths of time said in normalised text, in order, with their qualifiers."""
    atoms = [atom for atom in (_atom(match) for match in ATOM.finditer(text)) if atom]
    return [_qualified(text, length) for length in _joined(text, atoms)]


def _atom(match: re.Match) -> Optional[Length]:
    num, rough, unit = match.group("num"), match.group("rough") or "", match.group("unit")
    inner, outer = match.group("inner"), match.group("outer")
    if unit == "月" and not match.group("ge") and num != "俩":
        return None  # 三月 is March
    if unit == "年" and match.group("ge"):
        return None
    size, step = LENGTH_UNITS[unit]
    half = 0.5 if "半" in (inner, outer) else 0.0
    if num == "半":
        spoken: Optional[SpokenNumber] = None if half or rough else SpokenNumber(0.5, 0.5, 0.5)
    else:
        spoken = read_number(num + rough)
    if spoken is None or spoken.value <= 0:
        return None
    value, low, high = spoken.value + half, spoken.low + half, spoken.high + half
    wording, strict = spoken.wording, spoken.wording == "over"
    if "多" in (inner, outer) and wording == "exact":
        high, wording, strict = value + 1, "over", True  # 八个多月, 一年多: up to one unit more
    length = _scaled(size, value)
    if wording == "about" and low == high:  # 十来天: give or take one step
        low_span, high_span = _minus(length, step), _plus(length, step)
    else:
        low_span, high_span = _scaled(size, low), _scaled(size, high)
    return Length(
        length,
        low_span,
        high_span,
        wording,
        strict,
        size,
        step,
        match.group(0),
        match.start(),
        match.end(),
    )


def _joined(text: str, atoms: List[Length]) -> List[Length]:
    """一年零两个月 is one length; so is 还差一个月满一年 (eleven months)."""
    joined: List[Length] = []
    for atom in atoms:
        last = joined[-1] if joined else None
        short = _short_by(text, last, atom) if last else None
        if last and text[last.end : atom.begin] == "" and last.size > atom.size:
            joined[-1] = Length(
                _plus(last.length, atom.length),
                _plus(last.low, atom.low),
                _plus(last.high, atom.high),
                atom.wording if last.wording == "exact" else last.wording,
                last.strict or atom.strict,
                atom.size,
                atom.step,
                last.said + atom.said,
                last.begin,
                atom.end,
            )
        elif short:
            joined[-1] = short
        else:
            joined.append(atom)
    return joined


def _short_by(text: str, first: Length, second: Length) -> Optional[Length]:
    """一年还差一个月, 还差一个月满一年: eleven months."""
    between, before = text[first.end : second.begin], text[: first.begin]
    if between in ("还差", "差"):
        whole, part, begin = first, second, first.begin
    elif before.endswith("差") and between in ("", "就", "满", "到", "够", "就满", "就到"):
        whole, part = second, first
        begin = first.begin - (2 if before.endswith("还差") else 1)
    else:
        return None
    length = _minus(whole.length, part.length)
    return Length(
        length,
        length,
        length,
        "under",
        False,
        part.size,
        part.step,
        text[begin : second.end],
        begin,
        second.end,
    )


def _qualified(text: str, length: Length) -> Length:
    if length.wording != "exact":
        return length
    before, after = (
        _strip_fillers(text[max(0, length.begin - 6) : length.begin]),
        text[length.end :],
    )
    exact, step = length.length, length.step
    if before.endswith(ABOUT_BEFORE) or after.startswith(ABOUT_AFTER):
        return replace(length, low=_minus(exact, step), high=_plus(exact, step), wording="about")
    if before.endswith(SHORT_OF_BEFORE) or after.startswith(SHORT_OF_AFTER):
        return replace(length, low=(0, 1), high=exact, wording="under")
    if before.endswith(UNDER_BEFORE):
        return replace(length, low=_minus(exact, step), high=exact, wording="under")
    if after.startswith(JUST_OVER_AFTER):
        return replace(length, high=_plus(exact, step), wording="over", strict=True)
    if before.endswith(OVER_BEFORE) or after.startswith(OVER_AFTER):
        return replace(length, high=_plus(exact, length.size), wording="over", strict=True)
    return length


def _strip_fillers(text: str) -> str:
    stripped = True
    while stripped:
        stripped = False
        for filler in FILLERS:
            if text.endswith(filler):
                text, stripped = text[: -len(filler)], True
    return text


def _scaled(size: Span, count: float) -> Span:
    months = size[0] * count
    whole = int(months + 1e-9)
    return whole, int(size[1] * count + (months - whole) * 30 + 1e-9)


def _plus(a: Span, b: Span) -> Span:
    return a[0] + b[0], a[1] + b[1]


def _minus(a: Span, b: Span) -> Span:
    months, days = a[0] - b[0], a[1] - b[1]
    if days < 0:
        months, days = months - 1, days + 30
    return (months, days) if months >= 0 else (0, 0)


def _before(day: date, span: Span) -> date:
    return add_months(day, -span[0]) - timedelta(days=span[1])


def _after(day: date, span: Span) -> date:
    return add_months(day, span[0]) + timedelta(days=span[1])


# ---------------------------------------------------------------------------------------------
# Points in time: 2025年10月, 2025.10, 25年3月, 二零二五年三月, 去年十月份, 去年年底, 上个月, 三月份

EARLIEST_YEAR = 1950
REL_YEARS = {"大前年": -3, "前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
REL_MONTHS = {
    "上上个月": -2,
    "上上月": -2,
    "上个月": -1,
    "上月": -1,
    "这个月": 0,
    "这月": 0,
    "本月": 0,
    "当月": 0,
    "下个月": 1,
    "下月": 1,
}
# Parts of a year: (start, earliest, latest) as (month, day); day 0 is the month's last day.
YEAR_PARTS = {
    "年初": ((1, 1), (1, 1), (2, 0)),
    "年头": ((1, 1), (1, 1), (2, 0)),
    "初": ((1, 1), (1, 1), (2, 0)),
    "上半年": ((1, 1), (1, 1), (6, 0)),
    "年中": ((6, 1), (6, 1), (7, 0)),
    "下半年": ((7, 1), (7, 1), (12, 0)),
    "年底": ((12, 1), (11, 1), (12, 0)),
    "年末": ((12, 1), (11, 1), (12, 0)),
    "年尾": ((12, 1), (11, 1), (12, 0)),
    "底": ((12, 1), (11, 1), (12, 0)),
    "末": ((12, 1), (11, 1), (12, 0)),
}
# Parts of a month: (start, earliest, latest) days; 0 is the month's last day.
MONTH_PARTS = {
    "初": (1, 1, 10),
    "上旬": (1, 1, 10),
    "中": (11, 11, 20),
    "中旬": (11, 11, 20),
    "底": (21, 21, 0),
    "末": (21, 21, 0),
    "下旬": (21, 21, 0),
}

YEAR = r"(?P<year>[0-9]{4}|[0-9]{2}|[零〇一二三四五六七八九]{4}|[零〇一二三四五六七八九]{2})"
YEAR_PART = r"(?P<year_part>上半年|下半年|年初|年头|年中|年底|年末|年尾|初|底|末)"
MONTH = (
    r"(?P<month>[0-9]{1,2}|[一二三四五六七八九十]{1,3})月份?"
    r"(?P<month_part>上旬|中旬|下旬|初|中|底|末)?"
)
DAY = r"(?:(?P<day>[0-9]{1,2}|[一二三四五六七八九十]{1,4})[日号])?"
NOT_AFTER_DIGIT = r"(?<![0-9零〇一二两俩三四五六七八九十百])"
POINT_PATTERNS = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "numeric",
            r"(?<![0-9.])(?P<year>(?:19|20)[0-9]{2})[./-](?P<month>[0-9]{1,2})"
            r"(?:[./-](?P<day>[0-9]{1,2}))?(?![0-9])",
        ),
        ("absolute", rf"{NOT_AFTER_DIGIT}{YEAR}年(?:{YEAR_PART}|{MONTH}{DAY})?"),
        ("relative", rf"(?P<rel_year>{'|'.join(REL_YEARS)})(?:{YEAR_PART}|{MONTH}{DAY})?"),
        (
            "this_month",
            rf"(?P<rel_month>{'|'.join(REL_MONTHS)})"
            rf"(?P<month_part>上旬|中旬|下旬|初|中|底|末)?{DAY}",
        ),
        (
            "year_part",
            r"(?<![年0-9零〇一二两三四五六七八九十百])"
            r"(?P<year_part>上半年|下半年|年初|年头|年中|年底|年末)",
        ),
        ("month", rf"(?<![0-9零〇一二两俩三四五六七八九十个]){MONTH}{DAY}"),
        (
            "day",
            r"(?<![0-9零〇一二两俩三四五六七八九十月])"
            r"(?P<day>[0-9]{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])号",
        ),
    )
)
ABOUT_POINT_BEFORE = ("差不多", "大概", "大约", "约莫", "估计", "好像")
ABOUT_POINT_AFTER = ("左右", "前后", "的样子", "那会", "那时候")


@dataclass(frozen=True)
class DateProblem:
    """A date that cannot be used: the assistant quotes `said` back and asks again."""

    reason: str  # "future" | "impossible" | "signed_before_start" | "ended_before_start"
    said: str  # the date as the citizen said it, e.g. "2027年5月"


@dataclass(frozen=True)
class _Point:
    """A point in time the words name, with the days it may stand for."""

    start: date
    earliest: date
    latest: date
    wording: str
    said: str
    begin: int
    end: int


@dataclass(frozen=True)
class _Impossible:
    """A date that does not exist: 2025年13月, 2月30号, 1900年."""

    said: str
    begin: int
    end: int


Mention = Union[_Point, _Impossible, Length]


def _points(text: str, today: date) -> List[Union[_Point, _Impossible]]:
    points: List[Union[_Point, _Impossible]] = []
    for kind, pattern in POINT_PATTERNS:
        for match in pattern.finditer(text):
            if any(p.begin < match.end() and match.start() < p.end for p in points):
                continue
            if kind == "absolute" and not _is_year(text, match):
                continue
            point = _point(kind, match, today)
            points.append(_about(text, point) if isinstance(point, _Point) else point)
    return sorted(points, key=lambda point: point.begin)


def _is_year(text: str, match: re.Match) -> bool:
    """Whether 'NN年' names a year (25年3月, 二五年, 18年入职) rather than a length (12年)."""
    digits = match.group("year")
    if len(digits) == 4 or match.group("year_part") or match.group("month"):
        return True
    if not digits.isdigit():  # 二五年, 零五年 are years; 三四年, 五六年 are three or four years
        low, high = chinese_number(digits[0]), chinese_number(digits[1])
        return not (low is not None and high == low + 1 and low >= 3)
    after = text[match.end() : match.end() + 4]
    return text[: match.start()].endswith(("从", "在", "是", "于", "自", "到")) or any(
        word in after for word in START_WORDS + END_WORDS + ("签", "那年", "的时候")
    )


def _point(kind: str, match: re.Match, today: date) -> Union[_Point, _Impossible]:
    groups = {name: value for name, value in match.groupdict().items() if value}
    said, begin, end = match.group(0), match.start(), match.end()
    year_part, month_part = groups.get("year_part"), groups.get("month_part")
    day = _small(groups.get("day"))
    if "rel_month" in groups:
        first = add_months(today.replace(day=1), REL_MONTHS[groups["rel_month"]])
        year, month = first.year, first.month
    elif kind == "day":
        year, month = today.year, today.month
    elif "year" in groups:
        year, month = read_year(groups["year"], today.year) or 0, _small(groups.get("month"))
    else:
        year = today.year + REL_YEARS.get(groups.get("rel_year", "今年"), 0)
        month = _small(groups.get("month"))
    try:
        point = _dates(year, month, day, year_part, month_part)
        if point[0] > today and kind == "day":  # 15号 said on the 10th: last month's
            first = add_months(date(year, month, 1), -1)
            year, month = first.year, first.month
            point = _dates(year, month, day, year_part, month_part)
        elif point[0] > today and kind in ("month", "year_part"):  # 三月份 said in February
            year -= 1
            point = _dates(year, month, day, year_part, month_part)
    except ValueError:
        return _Impossible(said, begin, end)
    if year < EARLIEST_YEAR:
        return _Impossible(said, begin, end)
    start, earliest, latest, wording = point
    return _Point(start, earliest, latest, wording, said, begin, end)


def _small(text: Optional[str]) -> Optional[int]:
    value = chinese_number(text) if text else None
    return int(value) if value is not None else None


def _dates(
    year: int,
    month: Optional[int],
    day: Optional[int],
    year_part: Optional[str],
    month_part: Optional[str],
) -> Tuple[date, date, date, str]:
    """(start, earliest, latest, wording) of what was said; ValueError if no such date."""
    if year < 1 or (month is not None and not 1 <= month <= 12):
        raise ValueError("no such month")
    if month is None:
        if year_part:
            return (*(_month_day(year, m, d) for m, d in YEAR_PARTS[year_part]), "about")
        return date(year, 1, 1), date(year, 1, 1), date(year, 12, 31), "exact"
    if day is not None:
        exact = date(year, month, day)
        return exact, exact, exact, "exact"
    if month_part:
        return (*(_month_day(year, month, d) for d in MONTH_PARTS[month_part]), "about")
    return date(year, month, 1), date(year, month, 1), _month_day(year, month, 0), "exact"


def _month_day(year: int, month: int, day: int) -> date:
    """The day of the month; day 0 is its last day."""
    if day:
        return date(year, month, day)
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


def _about(text: str, point: _Point) -> _Point:
    """大概2025年10月, 2025年10月左右: the month before to the month after."""
    before, after = text[: point.begin], text[point.end :]
    if not (before.endswith(ABOUT_POINT_BEFORE) or after.startswith(ABOUT_POINT_AFTER)):
        return point
    if point.earliest == point.latest:
        earliest, latest = point.earliest - timedelta(days=1), point.latest + timedelta(days=1)
    elif point.latest - point.earliest > timedelta(days=62):
        earliest, latest = add_months(point.earliest, -12), add_months(point.latest, 12)
    else:
        earliest = add_months(point.earliest, -1)
        latest = add_months(point.latest.replace(day=1), 2) - timedelta(days=1)
    return replace(point, earliest=earliest, latest=latest, wording="about")


# ---------------------------------------------------------------------------------------------
# What each date or length is about: the start, the signing, the end; and whether it is tied
# to working (needed when the reply is the citizen's first message).

START_WORDS = (
    "入职",
    "入的职",
    "进厂",
    "进的厂",
    "进的",
    "进公司",
    "进来",
    "进去",
    "来的",
    "来了",
    "过来",
    "开始",
    "上班",
    "上的班",
    "上岗",
    "到岗",
    "报到",
    "去的",
    "干的",
    "做的",
)
END_WORDS = (
    "离职",
    "离的职",
    "辞职",
    "辞的职",
    "走的",
    "走了",
    "不干了",
    "不做了",
    "没干了",
    "辞退",
    "开除",
    "离开",
    "被裁",
    "裁员",
    "解除",
    "出来了",
)
RANGE_WORDS = ("干到", "做到", "一直到", "到", "至")
FROM_WORDS = ("从", "自")
OTHER_WORDS = ("到期", "过期", "满", "就满", "才满", "就够")  # 明年合同到期: not the start
FULL_AT = ("满", "就满", "才满", "就够", "就到", "到")  # 下个月就满一年, 到三月份满两年
NOT_ENDED = ("没", "未", "不", "想", "要", "准备", "打算")
NOT_SIGNED = ("没", "未", "不", "拒")
WORK_WORDS = (
    "干",
    "做",
    "上班",
    "上了",
    "工作",
    "入职",
    "干活",
    "来了",
    "来这",
    "过来",
    "进厂",
    "进来",
    "进公司",
    "待了",
    "呆了",
    "在公司",
    "在厂",
    "在单位",
    "在这",
    "上岗",
    "打工",
)
# A length said after these is not how long someone worked: 签了一年的合同, 双倍工资最长12个月.
NOT_WORKED_BEFORE = ("签", "合同", "试用", "最长", "最多", "至多", "期限", "赔", "补偿", "倍")
NOT_WORKED_AFTER = (
    "的合同",
    "合同",
    "的劳动合同",
    "劳动合同",
    "的试用",
    "试用",
    "的工资",
    "工资",
    "的双倍",
    "双倍",
)
AGO = ("以前", "之前", "前")
LATER = ("以后", "之后", "过后", "后")
STILL_THERE = (
    "到现在",
    "至今",
    "到今天",
    "到目前",
    "到如今",
    "现在还在",
    "还在干",
    "还在做",
    "还在上班",
    "一直在干",
    "目前还在",
)
SIGNED_AT_START = (
    "入职时",
    "入职的时候",
    "入职当天",
    "入职那天",
    "入职就",
    "一入职",
    "一开始",
    "刚来",
    "来的时候",
    "进厂的时候",
    "进厂时",
    "当天就",
    "当时就",
)


def _role_at(window: str, i: int) -> Optional[str]:
    """The role a word starting at window[i] gives a date: start, end, sign or range."""
    rest, before = window[i:], window[max(0, i - 3) : i]
    if rest.startswith(OTHER_WORDS):
        return "other"
    if rest.startswith(START_WORDS):
        return "start"
    if rest.startswith(END_WORDS) and not before.endswith(NOT_ENDED):
        return "end"
    if (
        rest.startswith("签")
        and not rest.startswith("签到")
        and not any(word in before for word in NOT_SIGNED)
    ):
        return "sign"
    if rest.startswith(RANGE_WORDS):
        return "range"
    if rest.startswith(FROM_WORDS):
        return "from"
    return None


def _first_role(window: str) -> Optional[str]:
    for i in range(len(window)):
        role = _role_at(window, i)
        if role:
            return role
    return None


def _last_role(window: str) -> Optional[str]:
    for i in reversed(range(len(window))):
        role = _role_at(window, i)
        if role:
            return role
    return None


def _point_role(before: str, after: str) -> Tuple[str, bool]:
    """(role, tied): what a date is about, and whether words tie it to the job."""
    role = _first_role(after)
    if role in ("start", "range"):
        return "start", True
    if role in ("end", "sign", "other"):
        return role, True
    role = _last_role(before)
    if role in ("start", "from"):
        return "start", True
    if role == "range":
        return "end", True
    if role in ("end", "sign", "other"):
        return role, True
    return "start", False


def _length_role(before: str, after: str) -> Tuple[str, bool]:
    """(role, tied): worked, skip, or an offset from the start (later_sign, later_end)."""
    if after.startswith(NOT_WORKED_AFTER) or _last(before, NOT_WORKED_BEFORE) > _last(
        before, WORK_WORDS
    ):
        return "skip", False
    for word in LATER:
        if after.startswith(word):
            role = _first_role(after[len(word) :])
            return ("later_" + role, False) if role in ("sign", "end") else ("skip", False)
    tied = _last(before, WORK_WORDS) >= 0 or after.startswith(("班", "的班"))
    return "worked", tied


def _last(window: str, words: Sequence[str]) -> int:
    return max((window.rfind(word) for word in words), default=-1)


def _windows(text: str, mentions: Sequence[Mention], index: int) -> Tuple[str, str]:
    """The words of the same clause between this mention and its neighbours."""
    mention = mentions[index]
    previous_end = mentions[index - 1].end if index else 0
    next_begin = mentions[index + 1].begin if index + 1 < len(mentions) else len(text)
    before = text[previous_end : mention.begin].rsplit("|", 1)[-1]
    after = text[mention.end : next_begin].split("|", 1)[0]
    return before, after


def _mentions(text: str, today: date) -> List[Mention]:
    """Dates and lengths in order; a length followed by 前 (三个月前) is a date."""
    points = _points(text, today)
    masked = list(text)
    for point in points:
        masked[point.begin : point.end] = "§" * (point.end - point.begin)
    mentions: List[Mention] = list(points)
    for length in read_lengths("".join(masked)):
        ago = next((word for word in AGO if text.startswith(word, length.end)), None)
        if ago and not text.startswith("前后", length.end):
            latest, earliest = _before(today, length.low), _before(today, length.high)
            earliest += timedelta(days=1 if length.strict else 0)
            mentions.append(
                _Point(
                    _before(today, length.length),
                    earliest,
                    latest,
                    length.wording,
                    length.said + ago,
                    length.begin,
                    length.end + len(ago),
                )
            )
        else:
            mentions.append(length)
    return sorted(mentions, key=lambda mention: mention.begin)


# ---------------------------------------------------------------------------------------------


def parse_employment(
    text: str, today: date, require_context: bool = False
) -> Union[Employment, DateProblem, None]:
    """When work began, whether and when a written contract was signed, and whether the job
    ended, as far as the reply tells; a DateProblem for a date in the future or one that does
    not exist; None when the reply names no date or length of work.

    With require_context (the citizen's first message), only a date or length tied to working
    (干了/入职/进厂/上班 …) counts.
    """
    t = "|".join(normalise(part) for part in split_clauses(text))
    said = _said(t, today, require_context)
    if isinstance(said, DateProblem):
        return said
    tied_start = next((point for point, tied in said.starts if tied), None)
    tied_length = next((length for length, tied in said.worked if tied), None)
    length = tied_length or (said.worked[0][0] if said.worked else None)
    end = said.ends[0] if said.ends else None
    if tied_start or (said.starts and not tied_length):
        first = tied_start or said.starts[0][0]
        if first.earliest > today:
            return DateProblem("future", first.said)
        start, earliest, latest, wording = first.start, first.earliest, first.latest, first.wording
    elif length:
        anchor = said.anchor[0] if said.anchor and said.anchor[1] is length else None
        start, earliest, latest = _counted_back(length, end or anchor, today)
        wording, length = length.wording, None  # the length is used up: it gave the start
    else:
        return None

    ended: Optional[date] = None
    if end:
        if end.latest < earliest:
            return DateProblem("ended_before_start", end.said)
        ended = max(end.start, start)
    elif said.later_end or (said.left and length):
        ended = _after(start, (said.later_end or length).length)
    elif said.left:
        ended = today  # left, but not said when: at the latest today
    signed: Optional[date] = None
    if said.signs:
        if said.signs[0].latest < earliest:
            return DateProblem("signed_before_start", said.signs[0].said)
        signed = max(said.signs[0].start, start)
    elif said.later_sign:
        signed = _after(start, said.later_sign.length)
    elif _signed_at_start(t):
        signed = start
    ended = ended if ended and ended <= today else None  # a leaving still to come is none yet
    signed = signed if signed and signed <= today else None
    latest = max(min(latest, ended or today), earliest)
    return Employment(start, earliest, latest, wording, signed, ended)


@dataclass(frozen=True)
class _Said:
    """The dates and lengths of a reply, sorted by what they are about."""

    starts: Tuple[Tuple[_Point, bool], ...]  # (when work began, tied to working words)
    worked: Tuple[Tuple[Length, bool], ...]  # (how long someone has worked, tied …)
    signs: Tuple[_Point, ...]
    ends: Tuple[_Point, ...]
    later_sign: Optional[Length]  # 入职半年后才签的合同
    later_end: Optional[Length]  # 入职半年后就离职了
    anchor: Optional[Tuple[_Point, Length]]  # 下个月就满一年了: counted back from the date
    left: bool  # the job ended (离职了, 走了), said without a date


def _said(text: str, today: date, require_context: bool) -> Union[_Said, DateProblem]:
    mentions = _mentions(text, today)
    starts: List[Tuple[_Point, bool]] = []
    worked: List[Tuple[Length, bool]] = []
    signs: List[_Point] = []
    ends: List[_Point] = []
    later: Dict[str, Length] = {}
    anchor: Optional[Tuple[_Point, Length]] = None
    pending: Optional[_Point] = None  # a date followed by 就满: the next length counts back
    for index, mention in enumerate(mentions):
        before, after = _windows(text, mentions, index)
        if isinstance(mention, Length):
            role, tied = _length_role(before, after)
            if pending and mentions[index - 1] is pending:
                role, tied = "worked", True
                anchor = anchor or (pending, mention)
            pending = None
            if role == "worked" and (tied or not require_context):
                worked.append((mention, tied))
            elif role.startswith("later_"):
                later.setdefault(role, mention)
            continue
        role, tied = _point_role(before, after)
        if require_context and not tied:
            continue
        if isinstance(mention, _Impossible):
            return DateProblem("impossible", mention.said)
        if role == "other" and after in FULL_AT:
            pending = mention
        elif role == "start":
            starts.append((mention, tied))
        elif role == "sign" and mention.earliest <= today:  # one still to come is none yet
            signs.append(mention)
        elif role == "end" and mention.earliest <= today:
            ends.append(mention)
    left = not any(word in text for word in STILL_THERE) and any(
        _role_at(text, i) == "end" for i in range(len(text))
    )
    return _Said(
        tuple(starts),
        tuple(worked),
        tuple(signs),
        tuple(ends),
        later.get("later_sign"),
        later.get("later_end"),
        anchor,
        left,
    )


def _counted_back(length: Length, end: Optional[_Point], today: date) -> Tuple[date, date, date]:
    """(start, earliest, latest) of a job that lasts `length` until `end` (or until today)."""
    reference = end or _Point(today, today, today, "exact", "", 0, 0)
    start = _before(reference.start, length.length)
    earliest = _before(reference.earliest, length.high)
    if length.strict:
        earliest += timedelta(days=1)
    latest = _before(reference.latest, length.low)
    return start, earliest, latest


def _signed_at_start(text: str) -> bool:
    """入职时就签了合同: signed the day work began."""
    for word in SIGNED_AT_START:
        at = text.find(word)
        if at >= 0:
            rest = text[at + len(word) :].split("|", 1)[0][:8]
            sign = rest.find("签")
            if sign >= 0 and not any(w in rest[max(0, sign - 3) : sign] for w in NOT_SIGNED):
                return True
    return False
