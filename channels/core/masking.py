"""Personal data in what citizens type, masked before it is stored or logged.

Pure functions, no I/O. A number is a run of digits (half- or full-width) in which single
spaces or hyphens may separate the digits; an ID number may end in X. Masked are:

- mobile numbers, 11 digits starting with 1: 13812345678 → 138****5678;
- every longer number, which covers 身份证号 (18 characters) and bank cards (16–19 digits):
  the first 4 and last 4 characters stay, 110101199003071234 → 1101**********1234.

Shorter numbers (wages, years, dates such as 20250301) are what the consultation needs and
stay as they are. Separators stay where they were: 6222 0212 3456 7890 → 6222 **** **** 7890.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

MASK = "*"
MOBILE_DIGITS = 11
LONG_NUMBER_DIGITS = 12  # this many digits or more: ID numbers, bank cards, anything longer
KEEP_LONG = 4
ID_CHARACTERS = 18

_DIGIT = "[0-9０-９]"
_CHECK = "[0-9０-９XxＸｘ]"  # the last character of an ID number may be X
_NUMBER = re.compile(
    rf"(?<![0-9０-９]){_DIGIT}(?:[ \-－]?{_DIGIT})*(?:[ \-－]?{_CHECK})?(?![0-9０-９])"
)
_SEPARATORS = " -－"
_LETTER_X = "XxＸｘ"


def _mask_positions(run: str, keep_first: int, keep_last: int) -> str:
    """`run` with its digit characters masked except the first and last ones kept."""
    digit_positions = [i for i, char in enumerate(run) if char not in _SEPARATORS]
    hidden = set(digit_positions[keep_first : len(digit_positions) - keep_last])
    return "".join(MASK if i in hidden else char for i, char in enumerate(run))


def _mask_number(match: "re.Match[str]") -> str:
    run = match.group(0)
    characters = [char for char in run if char not in _SEPARATORS]
    count = len(characters)
    if characters[-1] in _LETTER_X and count != ID_CHARACTERS:
        # Only an ID number ends in X: elsewhere the X is a word of its own.
        return _mask_number_text(run[:-1]) + run[-1]
    if count >= LONG_NUMBER_DIGITS:
        return _mask_positions(run, KEEP_LONG, KEEP_LONG)
    if count == MOBILE_DIGITS and characters[0] in "1１":
        return _mask_positions(run, 3, 4)
    return run


def _mask_number_text(text: str) -> str:
    return _NUMBER.sub(_mask_number, text)


def mask_text(text: str) -> str:
    """`text` with mobile, ID and bank card numbers masked; everything else unchanged."""
    if not text or not any(char.isdigit() for char in text):
        return text
    return _mask_number_text(text)


def contains_personal_data(text: str) -> bool:
    return mask_text(text) != text


def mask_value(value: Any) -> Any:
    """Strings masked inside any JSON-like value (dicts, lists); other values unchanged."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_value(key): mask_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(item) for item in value]
    return value


_NUMBER_ONLY = re.compile(r"[+＋]?[0-9０-９][0-9０-９ \-－]*[0-9０-９XxＸｘ]")


def pseudonymous_sender(sender_id: str) -> str:
    """A sender ID that is a mobile, ID or bank card number (a front end using phone numbers
    as IDs) is replaced by a stable pseudonym, so the conversation continues without storing
    the number. Other IDs (user-42, UUIDs, which may contain long runs of digits) stay."""
    if not _NUMBER_ONLY.fullmatch(sender_id.strip()) or not contains_personal_data(sender_id):
        return sender_id
    return "pd-" + hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:32]


class MaskingFilter(logging.Filter):
    """Masks personal data in every record a handler writes, including tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is written as it is
            return True
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


_FILTER = MaskingFilter()
# Loggers that may have handlers of their own besides the root logger's.
LOGGERS_WITH_HANDLERS = ("sanic.root", "sanic.error", "sanic.access", "rasa", "rasa_sdk")


def install_log_masking(*logger_names: str) -> None:
    """Adds the masking filter to every handler of the root logger and of the named loggers.

    Filters on a handler see the records of every logger that propagates to it; calling this
    again (handlers added later) does not add the filter twice."""
    for name in ("",) + logger_names:
        for handler in logging.getLogger(name).handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
