"""CSV files of the overview's figures and of the unanswered groups.

UTF-8 with a byte order mark, so that Excel opens the Chinese texts correctly. A cell that starts
like a formula (= + - @, tab, carriage return) gets a leading apostrophe, so that a citizen's
message is never run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence
from zoneinfo import ZoneInfo

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def overview_rows(figures: Dict[str, Any]) -> List[List[Any]]:
    """The overview as rows of section, item, measure, value."""
    rows: List[List[Any]] = [
        ["range", "from", "date", figures["range"]["from"]],
        ["range", "to", "date", figures["range"]["to"]],
        ["total", "", "conversations", figures["conversations"]],
        ["total", "", "user_turns", figures["user_turns"]],
    ]
    for day in figures["per_day"]:
        rows.append(["day", day["date"], "conversations", day["conversations"]])
        rows.append(["day", day["date"], "user_turns", day["user_turns"]])
        for channel, turns in sorted(day["channels"].items()):
            rows.append(["day", day["date"], f"user_turns_{channel}", turns])
    for channel in figures["per_channel"]:
        rows.append(["channel", channel["channel"], "conversations", channel["conversations"]])
        rows.append(["channel", channel["channel"], "user_turns", channel["user_turns"]])
    for topic in figures["topics"]:
        rows.append(
            ["topic", f"{topic['topic']} {topic['title']}", "consultations", topic["count"]]
        )
    consultations = figures["consultations"]
    for measure in ("started", "answered", "switched", "abandoned", "stopped"):
        rows.append(["consultations", "", measure, consultations[measure]])
    for item in consultations["gave_up_at"]:
        rows.append(
            ["gave_up_at", f"{item['question']} {item['text']}", "consultations", item["count"]]
        )
    for name, item in figures["shares"].items():
        rows.append(["share", name, "user_turns", item["turns"]])
        rows.append(["share", name, "share", item["share"]])
    human = figures["human"]
    rows += [
        ["human", "", "requests", human["requests"]],
        ["human", "", "share", human["share"]],
        ["human", "", "transfers", human["transfers"]],
    ]
    for item in human["transfer_reasons"]:
        rows.append(["transfer_reason", item["reason"], "transfers", item["count"]])
    rows += [
        ["failures", "", "user_turns", figures["failures"]["turns"]],
        ["failures", "", "share", figures["failures"]["share"]],
    ]
    unanswered = figures["unanswered"]
    rows.append(["unanswered", "", "user_turns", unanswered["turns"]])
    for outcome, count in unanswered["by_outcome"].items():
        rows.append(["unanswered", outcome, "user_turns", count])
    return rows


def overview_csv(figures: Dict[str, Any]) -> bytes:
    return csv_bytes(["section", "item", "measure", "value"], overview_rows(figures))


def local_time(timestamp: Optional[float], timezone: str) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def unanswered_csv(groups: Sequence[Dict[str, Any]], timezone: str) -> bytes:
    header = [
        "outcome",
        "count",
        "newest",
        "text",
        "variants",
        "questions",
        "conversation",
        "marked_intent",
    ]
    rows = [
        [
            group["outcome"],
            group["count"],
            local_time(group["newest"], timezone),
            group["text"],
            " | ".join(f"{v['text']} ×{v['count']}" for v in group["variants"]),
            " | ".join(f"{q} ×{n}" for q, n in group["questions"].items()),
            group["newest_sender"],
            (group.get("review") or {}).get("intent", ""),
        ]
        for group in groups
    ]
    return csv_bytes(header, rows)
