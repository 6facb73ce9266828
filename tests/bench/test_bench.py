"""The benchmark's parts: statistics, the baseline configuration, failed-story counting,
entity scoring, and the console's timing on a generated PostgreSQL store."""

import os

import pytest
import yaml

from bench.configs import baseline_config
from bench.console_scale import run_console_scale
from bench.dialogue import wrong_predictions_per_story
from bench.entities import entity_scores, marked_sentences, unmark
from bench.report import console_lines
from bench.stats import latency_summary, median, percentile, ratio
from tests.support import TESTS


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
    def diet(config):
        return next(c for c in config["pipeline"] if c["name"].endswith("DIETClassifier"))

    assert diet(baseline) == {**diet(ours), "name": "DIETClassifier"}
    assert [c for c in baseline["pipeline"] if c["name"] == "CountVectorsFeaturizer"] == [
        c for c in ours["pipeline"] if c["name"] == "CountVectorsFeaturizer"
    ]
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


def test_markup_is_removed_with_the_spans_it_marks():
    assert unmark("社保从[广州](city)转到[广东省](province)") == (
        "社保从广州转到广东省",
        [("city", 3, 5), ("province", 7, 10)],
    )
    assert unmark("新卡什么时候能拿到") == ("新卡什么时候能拿到", [])


def test_entity_scores_count_exact_spans_only():
    expected = [[("city", 0, 2), ("city", 4, 6)], [("province", 1, 3)], []]
    predicted = [[("city", 0, 2), ("province", 4, 6)], [], [("province", 0, 1)]]
    scores = entity_scores(expected, predicted)
    assert scores["city"] == {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "marked": 2, "found": 1}
    assert scores["province"]["precision"] == 0.0 and scores["province"]["recall"] == 0.0
    assert scores["all"]["f1"] == 2 * 1 / (3 + 3)
    nothing_found = entity_scores(expected, [[], [], []])
    assert nothing_found["all"]["precision"] is None and nothing_found["all"]["f1"] == 0.0


def test_the_entity_set_reads_with_its_spans():
    path = TESTS / "nlu" / "test_entities.yml"
    sentences = marked_sentences(path.read_text(encoding="utf-8"))
    assert len(sentences) > 50
    for text, spans in sentences:
        assert "[" not in text and "](" not in text
        for label, start, end in spans:
            assert label in ("province", "city") and 0 <= start < end <= len(text)


def test_the_console_section_says_why_when_not_measured():
    lines = console_lines({"skipped": "PostgreSQL is not reachable: refused"})
    assert "Not measured: PostgreSQL is not reachable: refused." in lines


@pytest.mark.server
def test_console_reports_are_timed_on_a_generated_store():
    """A small store generated, timed and dropped the way `make bench` does it with 100,000."""
    if not os.environ.get("TEST_POSTGRES_URL"):
        pytest.skip("TEST_POSTGRES_URL is not set")
    figures = run_console_scale(conversations=300)
    assert figures["conversations"] == 300
    assert figures["events"] > 300 * 5
    assert [period["days"] for period in figures["ranges"]] == [7, 30]
    week, month = figures["ranges"]
    # Spread over 30 days: a week holds some of them, the month nearly all.
    assert 0 < week["conversations"] < month["conversations"] <= 300
    assert month["conversations"] > 250
    assert week["overview_seconds"] > 0 and week["unanswered_seconds"] > 0
    table = "\n".join(console_lines(figures))
    assert f"| last 30 days | {month['conversations']:,} |" in table
