"""The review marks as training data: `python -m console.export --endpoints FILE`.

Writes every text of every marked group, under the intent it was marked with (out_of_scope when
confirmed out of scope), into

- data/nlu/reviewed.yml, NLU training data (`make train` learns them), and
- tests/nlu/reviewed.yml, the same examples as a regression set: after the next `make train`,
  `make test-nlu` checks that every one is classified as marked (console/regression.py).

Each example is a block of its own, after a comment with the date it was marked and how often it
was asked. A text is left out, and said why, when it is already training data, is one of the
held-out test sets (training on them would spoil those sets), or has no words. With no marks, both
files are written with no examples. Brackets become full-width (［］) so that no text reads as
entity markup.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import yaml

from console.settings import DEFAULT_TIMEZONE, ROOT, SettingsError, read_endpoints
from console.store import REVIEWS, Store

NLU_OUT = ROOT / "data" / "nlu" / "reviewed.yml"
TEST_OUT = ROOT / "tests" / "nlu" / "reviewed.yml"
TRAINING_DIR = ROOT / "data" / "nlu"
HELD_OUT_DIR = ROOT / "tests" / "nlu"
_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")

TRAINING_HEADER = """\
# Citizens' messages the assistant did not understand, marked by a reviewer in the operations
# console (docs/console.md) with the intent they should have had. Written by
# `make review-export` (python -m console.export): change the marks in the console and export
# again rather than editing this file.
"""
TEST_HEADER = """\
# The reviewed examples of data/nlu/reviewed.yml as a regression set: after `make train`,
# `make test-nlu` checks that every one is classified as marked (python -m console.regression).
# Written by `make review-export` (python -m console.export).
"""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    marked_at: float
    asked: int  # how often this text was asked
    group_asked: int  # how often the group's texts were asked
    outcome: str


def comparable(text: str) -> str:
    """A text as tests/test_training_data.py compares examples: no markup, spaces, punctuation."""
    return re.sub(r"[\s\W_]+", "", _MARKUP.sub(r"\1", text)).lower()


def cleaned(text: str) -> str:
    """The text on one line, without control characters, its brackets made full-width."""
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = re.sub(r" +", " ", text).strip()
    return text.replace("[", "［").replace("]", "］")


def examples_in(paths: Iterable[Path]) -> Dict[str, str]:
    """Every example of the NLU files, as comparable text -> intent."""
    found: Dict[str, str] = {}
    for path in paths:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            if not isinstance(block, dict) or "intent" not in block:
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    found.setdefault(comparable(line[2:].strip()), str(block["intent"]))
    return found


def choose(
    reviews: Sequence[Dict], trained: Dict[str, str], held_out: Dict[str, str]
) -> Tuple[List[Example], List[Tuple[str, str]]]:
    """The examples to write, and the texts left out with the reason."""
    chosen: List[Example] = []
    skipped: List[Tuple[str, str]] = []
    seen = set()
    for review in sorted(reviews, key=lambda r: (r["marked_at"], r["id"])):
        for item in review["examples"]:
            text = cleaned(str(item.get("text") or ""))
            key = comparable(text)
            if not key or text.startswith("/"):
                skipped.append((text, "no words to learn from"))
            elif key in seen:
                continue
            elif key in held_out:
                skipped.append((text, f"in a held-out test set (as {held_out[key]})"))
            elif key in trained:
                same = trained[key] == review["intent"]
                skipped.append(
                    (text, "already training data" + ("" if same else f" as {trained[key]}"))
                )
            else:
                seen.add(key)
                chosen.append(
                    Example(
                        text,
                        review["intent"],
                        review["marked_at"],
                        int(item.get("count") or 1),
                        int(review["asked"] or 0),
                        review["outcome"],
                    )
                )
    return chosen, skipped


def nlu_yaml(header: str, examples: Sequence[Example], timezone: str) -> str:
    lines = [header.rstrip("\n"), 'version: "3.1"']
    if not examples:
        return "\n".join(lines + ["nlu: []", ""])
    lines.append("nlu:")
    zone = ZoneInfo(timezone)
    for example in examples:
        marked = datetime.fromtimestamp(example.marked_at, zone).date().isoformat()
        times = "once" if example.asked == 1 else f"{example.asked} times"
        lines += [
            f"# marked {marked}, asked {times} ({example.outcome}; "
            f"{example.group_asked} in its group)",
            f"- intent: {example.intent}",
            "  examples: |",
            f"    - {example.text}",
        ]
    return "\n".join(lines + [""])


def read_reviews(store: Store) -> List[Dict]:
    if not sa.inspect(store.engine).has_table(REVIEWS.name):
        return []
    return store.reviews()


def export(
    store: Store,
    nlu_out: Path,
    test_out: Path,
    training_dir: Path = TRAINING_DIR,
    held_out_dir: Path = HELD_OUT_DIR,
    timezone: str = DEFAULT_TIMEZONE,
) -> Tuple[List[Example], List[Tuple[str, str]]]:
    outputs = {nlu_out.resolve(), test_out.resolve()}
    trained = examples_in(
        path for path in sorted(training_dir.rglob("*.yml")) if path.resolve() not in outputs
    )
    held_out = examples_in(
        path for path in sorted(held_out_dir.glob("*.yml")) if path.resolve() not in outputs
    )
    examples, skipped = choose(read_reviews(store), trained, held_out)
    for path, header in ((nlu_out, TRAINING_HEADER), (test_out, TEST_HEADER)):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nlu_yaml(header, examples, timezone), encoding="utf-8")
    return examples, skipped


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m console.export", description="Write the console's review marks as NLU data."
    )
    parser.add_argument("--endpoints", required=True, type=Path)
    parser.add_argument("--nlu-out", type=Path, default=NLU_OUT, help=f"default {NLU_OUT}")
    parser.add_argument("--test-out", type=Path, default=TEST_OUT, help=f"default {TEST_OUT}")
    parser.add_argument("--training-dir", type=Path, default=TRAINING_DIR)
    parser.add_argument("--held-out-dir", type=Path, default=HELD_OUT_DIR)
    args = parser.parse_args(argv)
    try:
        store = Store(read_endpoints(args.endpoints, os.environ))
        timezone = os.environ.get("CONSOLE_TIMEZONE") or DEFAULT_TIMEZONE
        examples, skipped = export(
            store, args.nlu_out, args.test_out, args.training_dir, args.held_out_dir, timezone
        )
    except SettingsError as error:
        print(f"review-export: {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        print(
            f"review-export: the tracker store cannot be read ({type(error).__name__})",
            file=sys.stderr,
        )
        return 2
    for text, reason in skipped:
        print(f"left out: {text} ({reason})", file=sys.stderr)
    print(
        f"{len(examples)} reviewed examples written to {args.nlu_out} and {args.test_out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
