"""Trains and evaluates one NLU pipeline with Rasa's own tools, each in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import yaml

from bench.entities import entity_scores, marked_sentences, spans_of

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The held-out sets, never trained on: the project's own, questions citizens wrote on public
# pages of sites never used for training, and those as a telephone line's recogniser writes them.
HELD_OUT_SETS = {
    name: ROOT / "tests" / "nlu" / f"{name}.yml"
    for name in ("test_nlu", "real_questions", "phone_style")
}
ENTITY_SET = ROOT / "tests" / "nlu" / "test_entities.yml"
REPORT_KEYS_NOT_INTENTS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass
class NluResult:
    name: str
    training_seconds: float
    held_out: Dict[str, Dict[str, Any]]  # a rasa test nlu intent report per held-out set
    cross_validation: Dict[str, Any]
    entities: Dict[str, Any]
    profile: Dict[str, Any]


def _rasa(*args: str, cache: Path) -> None:
    """Runs the Rasa CLI with its own training cache, so every training is timed in full."""
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(cache))
    subprocess.run(
        [str(BIN / "rasa"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def held_out_texts() -> List[str]:
    texts = []
    for path in HELD_OUT_SETS.values():
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            texts += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    return texts


def run_pipeline(name: str, config: Dict[str, Any], work: Path, folds: int) -> NluResult:
    work.mkdir(parents=True, exist_ok=True)
    config_file = work / f"{name}.yml"
    config_file.write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )

    cache = work / f"{name}-cache"
    shutil.rmtree(cache, ignore_errors=True)
    started = time.perf_counter()
    _rasa(
        "train",
        "nlu",
        "--config",
        str(config_file),
        "--nlu",
        "data/nlu",
        "--out",
        str(work),
        "--fixed-model-name",
        name,
        cache=cache,
    )
    training_seconds = time.perf_counter() - started
    model = work / f"{name}.tar.gz"

    held_out = {}
    for set_name, path in HELD_OUT_SETS.items():
        out = work / f"{name}-{set_name}"
        _rasa(
            "test", "nlu", "--model", str(model), "--nlu", str(path), "--out", str(out), cache=cache
        )
        held_out[set_name] = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))

    cross_validation: Dict[str, Any] = {}
    if folds > 1:
        _rasa(
            "test",
            "nlu",
            "--config",
            str(config_file),
            "--nlu",
            "data/nlu",
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(work / f"{name}-cv"),
            cache=cache,
        )
        cross_validation = json.loads(
            (work / f"{name}-cv" / "intent_report.json").read_text(encoding="utf-8")
        )

    texts_file = work / "held_out_texts.json"
    texts_file.write_text(json.dumps(held_out_texts(), ensure_ascii=False), encoding="utf-8")
    marked = marked_sentences(ENTITY_SET.read_text(encoding="utf-8"))
    entity_texts_file = work / "entity_texts.json"
    entity_texts_file.write_text(
        json.dumps([text for text, _ in marked], ensure_ascii=False), encoding="utf-8"
    )
    output = subprocess.run(
        [
            str(BIN / "python"),
            "-m",
            "bench.parse_profile",
            str(model),
            str(texts_file),
            str(entity_texts_file),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    profile = json.loads(output.strip().splitlines()[-1])
    entities = entity_scores(
        [spans for _, spans in marked], [spans_of(found) for found in profile.pop("entities")]
    )
    return NluResult(name, training_seconds, held_out, cross_validation, entities, profile)


def per_intent_f1(report: Dict[str, Any]) -> Dict[str, float]:
    return {
        name: scores["f1-score"]
        for name, scores in report.items()
        if name not in REPORT_KEYS_NOT_INTENTS and isinstance(scores, dict)
    }
