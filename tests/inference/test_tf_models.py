"""DIET and TED loaded without Rasa's training step predict exactly what they predict when
Rasa loads them, on every held-out sentence and every story state."""

import json
import subprocess
import sys

import pytest

from tools.servers import MODEL, ROOT

pytestmark = pytest.mark.server


def predictions(mode, tmp_path):
    out = tmp_path / f"{mode}.json"
    subprocess.run(
        [sys.executable, "-m", "tests.inference.predictions", mode, str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail("no trained model; run 'make train'")
    tmp_path = tmp_path_factory.mktemp("predictions")
    return predictions("inference", tmp_path), predictions("rasa", tmp_path)


def test_intents_are_ranked_alike_with_the_same_confidences(both):
    ours, rasas = both
    assert len(ours["intents"]) > 500
    assert ours["intents"] == rasas["intents"]


def test_ted_predicts_the_same_probabilities_on_every_story_state(both):
    ours, rasas = both
    assert len(ours["actions"]) > 150
    assert ours["actions"] == rasas["actions"]


def test_no_training_step_ran_while_loading(both):
    ours, rasas = both
    assert ours["classes"] == ["InferenceDIET", "InferenceTED"]
    assert ours["compiled"] == [False, False]
    assert rasas["compiled"] == [True, True]
