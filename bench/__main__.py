"""`make bench`: python -m bench [--folds N]"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from bench.configs import baseline_config, nlu_only
from bench.console_scale import run_console_scale
from bench.dialogue import run_dialogue
from bench.load import run_load
from bench.nlu import ROOT, run_pipeline
from bench.report import write_reports

MODEL = ROOT / "models" / "assistant.tar.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (0 to skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    parser.add_argument("--summary", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    ours_config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    work = args.out / "work"
    ours = run_pipeline("ours", nlu_only(ours_config), work, args.folds)
    baseline = run_pipeline("baseline", baseline_config(ours_config), work, args.folds)
    dialogue = run_dialogue(MODEL, work)
    load = run_load(work / "servers")
    console = run_console_scale()
    write_reports(ours, baseline, dialogue, load, console, args.out, args.summary)
    print(f"Benchmark written to {args.out} and {args.summary}")


if __name__ == "__main__":
    main()
