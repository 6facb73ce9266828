"""Numbers as citizens type or say them: 12, １２, 1.5, 十二, 四千五, 一万二, 两千八."""
from __future__ import annotations

import re
from typing import Optional

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMBER = r"[0-9０-９.．]+|[零〇一二两俩三四五六七八九十百千万]+"
FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


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

