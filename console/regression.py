"""The reviewed regression set against a trained model:

    python -m console.regression --model models/assistant.tar.gz tests/nlu/reviewed.yml

Passes when every example is classified with the intent it was marked with; with no file, or a
file with no examples (nothing reviewed yet), the check is skipped. Misclassified examples are
listed with the intent the model gave.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import yaml


def examples_of(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) of every example in an NLU file; none when there is no file."""
    if not path.exists():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    examples = []
    for block in document.get("nlu") or []:
        if isinstance(block, dict) and "intent" in block:
            for line in str(block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.append((line.strip()[2:].strip(), str(block["intent"])))
    return examples


async def classified(model: Path, texts: Sequence[str]) -> List[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    intents = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intents.append(str((parsed.get("intent") or {}).get("name") or ""))
    return intents


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m console.regression", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--model", required=True, type=Path)
    parser.add_argument("nlu_file", type=Path)
    args = parser.parse_args(argv)
    examples = examples_of(args.nlu_file)
    if not examples:
        print(f"{args.nlu_file}: no reviewed examples, skipped")
        return 0
    intents = asyncio.run(classified(args.model, [text for text, _ in examples]))
    wrong = [
        (text, marked, got)
        for (text, marked), got in zip(examples, intents, strict=True)
        if got != marked
    ]
    for text, marked, got in wrong:
        print(f"  {text}: marked {marked}, classified {got}")
    print(
        f"{args.nlu_file}: {len(examples) - len(wrong)} of {len(examples)} reviewed examples "
        "classified as marked"
    )
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
