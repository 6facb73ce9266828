"""The benchmark's pure parts: statistics, the baseline configuration, failed-story counting."""
import yaml

from bench.configs import baseline_config
from bench.dialogue import wrong_predictions_per_story
from bench.stats import latency_summary, median, percentile, ratio


def test_percentiles_and_median():
    values = list(range(1, 101))
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    assert latency_summary([10.0]) == {"p50_ms": 10.0, "p95_ms": 10.0, "p99_ms": 10.0}


def test_ratio_guards_against_missing_baselines():
    assert ratio(0.9, 0.6) == 1.5
    assert ratio(None, 1.0) is None
    assert ratio(1.0, 0) is None


def test_baseline_swaps_only_the_language_pipeline():
    ours = yaml.safe_load(open("config.yml", encoding="utf-8"))
    baseline = baseline_config(ours)
    names = [component["name"] for component in baseline["pipeline"]]
    assert names[0] == "JiebaTokenizer"
    assert not any("Spacy" in name for name in names)
    diet = lambda config: next(c for c in config["pipeline"] if c["name"] == "DIETClassifier")  # noqa: E731
    assert diet(baseline) == diet(ours)
    assert [c for c in baseline["pipeline"] if c["name"] == "CountVectorsFeaturizer"] == [
        c for c in ours["pipeline"] if c["name"] == "CountVectorsFeaturizer"]
    assert "policies" not in baseline


def test_failed_story_marks_are_counted_per_story():
    text = """version: "3.1"
stories:
- story: a lost card
  steps:
  - action: action_start_topic  # predicted: utter_default
  - action: consultation_form  # predicted: action_listen
- story: greeting
  steps:
  - action: utter_greet
"""
    assert wrong_predictions_per_story(text) == {"a lost card": 2, "greeting": 0}
