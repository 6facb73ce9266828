"""How long someone has worked, read from a reply: durations and start dates."""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

from knowledge.periods import Duration, months_between
from understanding.numbers import NUMBER, chinese_number
from understanding.text import normalise


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
