"""How long the console's two reports take on a large tracker store (console/generate.py).

    python -m console.bench --url postgresql://postgres@127.0.0.1:5432/scratch

`run(url)` prepares the console's tables (the first copy of every event into the facts table is
timed on its own), then times the overview and the unanswered report of the default range (the
last 7 days) and of the last 30 days, each the median of three runs, every run including the
catch-up a page view does. The target is under 2 s for each report of the default range.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Optional, Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from console.figures import date_range
from console.labels import load_labels
from console.reports import overview_report, unanswered_report
from console.settings import DEFAULT_TIMEZONE, ROOT
from console.store import Store

TARGET_SECONDS = 2.0
RUNS = 3


def _timed(work: Callable[[], Any], runs: int = RUNS) -> tuple:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return round(statistics.median(times), 3), result


def run(
    url: str, timezone: str = DEFAULT_TIMEZONE, days: Sequence[int] = (7, 30)
) -> Dict[str, Any]:
    store = Store(url)
    began = time.perf_counter()
    store.prepare()
    store.catch_up()
    first_copy = round(time.perf_counter() - began, 1)
    with store.engine.connect() as connection:
        events, conversations = connection.execute(
            sa.text("SELECT COUNT(*), COUNT(DISTINCT sender_id) FROM events")
        ).one()
    labels = load_labels(ROOT / "domain.yml")
    today = datetime.now(ZoneInfo(timezone)).date()
    ranges = []
    for length in days:
        period = date_range(
            (today - timedelta(days=length - 1)).isoformat(), today.isoformat(), today, timezone
        )
        overview_seconds, figures = _timed(
            functools.partial(overview_report, store, period, labels)
        )
        unanswered_seconds, groups = _timed(functools.partial(unanswered_report, store, period))
        ranges.append(
            {
                "days": length,
                "conversations": figures["conversations"],
                "user_turns": figures["user_turns"],
                "unanswered_messages": sum(group["count"] for group in groups),
                "groups": len(groups),
                "overview_seconds": overview_seconds,
                "unanswered_seconds": unanswered_seconds,
            }
        )
    store.engine.dispose()
    default = ranges[0]
    return {
        "events": int(events),
        "conversations": int(conversations),
        "first_copy_seconds": first_copy,
        "ranges": ranges,
        "overview_seconds": default["overview_seconds"],
        "unanswered_seconds": default["unanswered_seconds"],
        "target_seconds": TARGET_SECONDS,
        "target_met": max(default["overview_seconds"], default["unanswered_seconds"])
        < TARGET_SECONDS,
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Time the console's reports on a database.")
    parser.add_argument("--url", required=True)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.url), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
