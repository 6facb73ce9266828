"""Understanding short answers typed in Chinese: yes/no, options, years, money, evidence.

Pure functions; nothing here reads the tracker or any file.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Optional, Sequence, Tuple

from knowledge.questions import Question
from understanding.dates import parse_duration
from understanding.numbers import NUMBER, chinese_number
from understanding.text import normalise

YES_START = ("是", "对", "嗯", "有", "已经", "会", "能", "可以", "好", "行", "要", "办了")
NO_START = ("不", "没", "否", "还没", "别", "无")


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


def understand(question: Question, text: str, intent: Optional[str], today: date) -> Any:
    """The answer as a slot value, or None when the reply does not answer the question."""
    if question.kind == "yes_no":
        return parse_yes_no(text, intent, question.yes, question.no)
    if question.kind == "choice":
        return parse_choice(text, question.options)
    if question.kind == "years":
        return parse_years(text)
    if question.kind == "duration":
        duration = parse_duration(text, today)
        return duration.as_slot() if duration else None
    if question.kind == "money":
        return parse_money(text, question.skip)
    return parse_evidence(text)

def volunteered(question: Question, text: str, today: date) -> Any:
    """An answer the citizen already gave while asking, or None.

    Yes/no questions count as answered only by their said_yes/said_no phrases: the
    wording of a question (还能找到吗) is no answer.
    """
    if question.kind == "yes_no":
        text = normalise(text)
        if any(phrase in text for phrase in question.said_no):
            return False
        if any(phrase in text for phrase in question.said_yes):
            return True
        return None
    if question.kind == "choice":
        return parse_choice(text, question.options) if not normalise(text).isdigit() else None
    if question.kind == "years":
        return parse_years(text, require_context=True)
    if question.kind == "duration":
        duration = parse_duration(text, today, require_context=True)
        return duration.as_slot() if duration else None
    if question.kind == "money":
        amount = parse_money(text, require_context=True)
        return amount if amount != "skipped" else None
    return None
