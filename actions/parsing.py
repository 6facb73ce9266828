"""Understanding short answers typed in Chinese: yes/no, options, numbers, durations, money.

Pure functions; nothing here reads the tracker or any file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Optional, Sequence, Tuple

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMBER = r"[0-9０-９.．]+|[零〇一二两俩三四五六七八九十百千万]+"
FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")

YES_START = ("是", "对", "嗯", "有", "已经", "会", "能", "可以", "好", "行", "要", "办了")
NO_START = ("不", "没", "否", "还没", "别", "无")


def normalise(text: str) -> str:
    """Lower-case, full-width digits made ASCII, spaces and punctuation removed."""
    text = text.translate(FULL_WIDTH).lower()
    return re.sub(r"[\s,，。!！?？、~～…:：;；\"“”'‘’()（）]+", "", text)


QUESTION_MARKERS = ("吗", "么", "咋", "怎", "如何", "啥", "什么", "多久", "多少", "要不要", "能不能",
                    "是不是", "有没有", "可不可以", "？", "?", "呢")


def asks_question(text: str) -> bool:
    """Whether the text asks something (a reply to a question usually does not)."""
    return any(marker in text for marker in QUESTION_MARKERS)


def chinese_number(text: str) -> Optional[float]:
    """'十二' → 12, '四千五' → 4500, '一万二' → 12000, '12' → 12, '1.5' → 1.5."""
    text = text.translate(FULL_WIDTH)
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return float(text)
    if not text or any(ch not in DIGITS and ch not in UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    last_unit = 1
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            unit = UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit, last_unit = 0, None, unit
                continue
            section += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
    if digit is not None:
        # A trailing digit after a unit is one unit lower: 四千五 = 4500, 一万二 = 12000.
        section += digit * (last_unit // 10 if last_unit >= 10 and text[-2] in UNITS else 1)
    return float(total + section)


def parse_yes_no(text: str, intent: Optional[str] = None,
                 yes_words: Sequence[str] = (), no_words: Sequence[str] = ()) -> Optional[bool]:
    """True, False, or None when the reply says neither.

    Question-specific words win, then the affirm/deny intents, then how the reply starts.
    A keypad-style '1' means yes and '2' no.
    """
    t = normalise(text)
    if t in ("1", "/affirm"):
        return True
    if t in ("2", "/deny"):
        return False
    if any(word in t for word in no_words):
        return False
    if any(word in t for word in yes_words):
        return True
    if intent == "deny":
        return False
    if intent == "affirm":
        return True
    if t.startswith(NO_START):
        return False
    if t.startswith(YES_START):
        return True
    return None


def parse_choice(text: str, options: Dict[str, Sequence[str]]) -> Optional[str]:
    """The option whose words the reply contains, or whose number (1, 2, …) it is."""
    t = normalise(text)
    keys = list(options)
    if t.isdigit() and 1 <= int(t) <= len(keys):
        return keys[int(t) - 1]
    matches = [key for key, words in options.items() if any(word in t for word in words)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        # Several options named: the longest matching word is the most specific.
        return max(matches, key=lambda key: max(len(w) for w in options[key] if w in t))
    return None


def parse_years(text: str, require_context: bool = False) -> Optional[float]:
    """Years of contributions: '十二年' → 12, '八年半' → 8.5, '一年半' → 1.5, '6个月' → 0.5.

    With require_context, only a number said to have been paid (交了/缴了 … 年) counts,
    so that '断了三年' in a question is not taken for the years paid.
    """
    t = normalise(text)
    prefix = r"(?<![断停])(?:交|缴|缴费|交费|缴纳)(?:了|过|满|够)?(?:有)?" if require_context else ""
    match = re.search(prefix + rf"({NUMBER})年(零?({NUMBER})个?月|半)?", t)
    if match:
        years = chinese_number(match.group(1))
        if years is None:
            return None
        if match.group(2) == "半":
            years += 0.5
        elif match.group(3):
            months = chinese_number(match.group(3))
            years += (months or 0) / 12
        return round(years, 2)
    if require_context:
        return None
    match = re.search(rf"({NUMBER})个?月", t)
    if match and chinese_number(match.group(1)) is not None:
        return round(chinese_number(match.group(1)) / 12, 2)
    match = re.fullmatch(rf"({NUMBER})", t)
    if match:
        return chinese_number(match.group(1))
    return None


@dataclass(frozen=True)
class Duration:
    """A length of employment in whole months plus remaining days."""

    months: int
    days: int = 0

    def as_slot(self) -> Dict[str, int]:
        return {"months": self.months, "days": self.days}

    @staticmethod
    def from_slot(value: Dict[str, int]) -> "Duration":
        return Duration(int(value["months"]), int(value["days"]))


def months_between(start: date, today: date) -> Duration:
    """Whole months from start to today, and the days left over."""
    months = (today.year - start.year) * 12 + today.month - start.month
    if today.day < start.day:
        months -= 1
    anniversary_month = start.month - 1 + months
    year, month = start.year + anniversary_month // 12, anniversary_month % 12 + 1
    day = min(start.day, _days_in_month(year, month))
    return Duration(max(months, 0), max((today - date(year, month, day)).days, 0))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def parse_duration(text: str, today: date, require_context: bool = False) -> Optional[Duration]:
    """How long someone has worked: '三个月', '半年', '一年零两个月', '二十天', '2025年3月入职'.

    A start date is measured to `today`. With require_context, only lengths said to have
    been worked (干了/上班/工作/入职 …) count.
    """
    t = normalise(text)
    started = re.search(r"((?:19|20)[0-9]{2})年([0-9]{1,2})月(?:([0-9]{1,2})[日号])?", t)
    if started and re.search(r"入职|进厂|上班|开始|来的|进的|干活|工作", t[started.end():started.end() + 6] + t[:started.start()]):
        year, month = int(started.group(1)), int(started.group(2))
        day = int(started.group(3) or 1)
        try:
            start = date(year, month, day)
        except ValueError:
            return None
        if start > today:
            return None
        return months_between(start, today)
    if require_context and not re.search(r"干了|做了|上班|工作了|入职|干活|来了|进厂|干满|干到", t):
        return None
    years = months = days = 0.0
    found = False
    match = re.search(rf"({NUMBER})年半", t)
    if match:
        years, months, found = (chinese_number(match.group(1)) or 0), 6, True
    else:
        match = re.search(rf"({NUMBER})年", t)
        if match and chinese_number(match.group(1)) is not None:
            years, found = chinese_number(match.group(1)), True
        match = re.search(rf"({NUMBER})个半月", t)
        if match and chinese_number(match.group(1)) is not None:
            months, days, found = chinese_number(match.group(1)), 15, True
        else:
            match = re.search(rf"({NUMBER})个?月", t)
            if match and chinese_number(match.group(1)) is not None:
                months, found = chinese_number(match.group(1)), True
    if "半年" in t and not found:
        months, found = 6, True
    match = re.search(rf"({NUMBER})(?:天|日)", t)
    if match and chinese_number(match.group(1)) is not None:
        days, found = days + chinese_number(match.group(1)), True
    match = re.search(rf"({NUMBER})(?:周|个星期|星期|个礼拜|礼拜)", t)
    if match and chinese_number(match.group(1)) is not None:
        days, found = days + 7 * chinese_number(match.group(1)), True
    if not found:
        return None
    total_months = int(years * 12 + months)
    extra_days = int(days + round((years * 12 + months - total_months) * 30))
    return Duration(total_months + extra_days // 30, extra_days % 30)


def parse_money(text: str, skip_words: Sequence[str] = (), require_context: bool = False):
    """A monthly wage in yuan ('5000', '四千五', '6千', '一万二', '1.2万'), 'skipped', or None."""
    t = normalise(text)
    if any(word in t for word in skip_words):
        return "skipped"
    context = r"(?:月薪|工资|一个月|每月|月工资|到手|底薪)[^0-9零〇一二两三四五六七八九十]{0,4}"
    pattern = rf"{context if require_context else ''}({NUMBER})(万|千|k|块|元)?(?:({NUMBER}))?"
    for match in re.finditer(pattern, t):
        amount = _money_amount(match.group(1), match.group(2), match.group(3))
        if amount is not None and 100 <= amount <= 1_000_000:
            return amount
    return None


def _money_amount(number: str, unit: Optional[str], tail: Optional[str]) -> Optional[float]:
    value = chinese_number(number)
    if value is None:
        return None
    scale = {"万": 10000, "千": 1000, "k": 1000}.get(unit or "", 1)
    amount = value * scale
    if tail and scale > 1:
        rest = chinese_number(tail)
        if rest is not None and rest < 10:
            amount += rest * scale / 10  # 6千5 = 6500, 1万2 = 12000
    return amount


EVIDENCE_WORDS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("工资支付记录", ("工资条", "工资单", "工资流水", "银行流水", "发工资", "工资记录", "转账")),
    ("社保缴费记录", ("社保",)),
    ("工作证或服务证", ("工作证", "工牌", "服务证", "胸牌", "厂牌")),
    ("招工登记表或报名表", ("登记表", "报名表", "入职表", "应聘", "招聘")),
    ("考勤记录", ("考勤", "打卡", "签到")),
    ("同事证言", ("同事", "证人", "作证", "工友")),
    ("微信聊天等电子记录", ("微信", "聊天", "短信", "录音", "通话")),
)
NO_EVIDENCE = ("没有", "啥都没", "什么都没", "都没有", "没啥", "没留")


def parse_evidence(text: str) -> Optional[List[str]]:
    """Kinds of evidence the reply names; [] when it says there is none; None if unclear."""
    t = normalise(text)
    found = [label for label, words in EVIDENCE_WORDS if any(word in t for word in words)]
    if found:
        return found
    if any(word in t for word in NO_EVIDENCE) or t in ("无", "2", "/deny"):
        return []
    return None
