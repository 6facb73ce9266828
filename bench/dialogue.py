"""The test conversations through the trained dialogue model (Rasa's `rasa test core`)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEST_STORIES = ROOT / "tests" / "stories" / "test_conversations.yml"


def wrong_predictions_per_story(failed_stories_text: str) -> Dict[str, int]:
    """Counts the `# predicted:` marks Rasa writes under each failed story."""
    counts: Dict[str, int] = {}
    story = None
    for line in failed_stories_text.splitlines():
        match = re.match(r"\s*- story:\s*(.+)", line)
        if match:
            story = match.group(1).strip()
            counts[story] = 0
        elif story and "# predicted:" in line:
            counts[story] += 1
    return counts


def run_dialogue(model: Path, work: Path) -> Dict[str, Any]:
    out = work / "core"
    subprocess.run(
        [
            str(BIN / "rasa"),
            "test",
            "core",
            "--model",
            str(model),
            "--stories",
            str(TEST_STORIES),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    report = json.loads((out / "story_report.json").read_text(encoding="utf-8"))
    wrong = wrong_predictions_per_story(
        (out / "failed_test_stories.yml").read_text(encoding="utf-8")
    )
    per_story = {}
    for story in yaml.safe_load(TEST_STORIES.read_text(encoding="utf-8"))["stories"]:
        turns = sum(1 for step in story["steps"] if "action" in step)
        per_story[story["story"]] = {"turns": turns, "right": turns - wrong.get(story["story"], 0)}
    conversations = report["conversation_accuracy"]
    return {
        "stories": conversations["total"],
        "stories_passed": conversations["correct"],
        "story_share": conversations["accuracy"],
        "action_accuracy": report["accuracy"],
        "per_story": per_story,
    }
