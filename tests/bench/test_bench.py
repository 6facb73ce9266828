"""The benchmark's parts: statistics, the baseline configuration, failed-story counting,
entity scoring, and the console's timing on a generated PostgreSQL store."""

import os

import pytest
import yaml

from bench.configs import baseline_config
from bench.console_scale import run_console_scale
from bench.dialogue import wrong_predictions_per_story
from bench.entities import entity_scores, marked_sentences, unmark
from bench.load import cpu_seconds, embedded_stores
from bench.profile import summarise
from bench.report import console_lines, load_lines, profile_lines
from bench.stats import latency_summary, median, percentile, ratio
from tests.support import ROOT, TESTS


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


SPY_LINES = [
    "run (/usr/lib/python3.10/asyncio/base_events.py:600);"
    "predict (/srv/app/.venv/lib/python3.10/site-packages/rasa/core/policies/ted_policy.py:840);"
    "call (/srv/app/.venv/lib/python3.10/site-packages/tensorflow/eager/function.py:10) 6",
    "run (/usr/lib/python3.10/asyncio/base_events.py:600);" "cut (/srv/app/nlp/segmenter.py:120) 3",
    "run (/usr/lib/python3.10/asyncio/base_events.py:601) 1",
    "",
]


def test_the_profile_summary_counts_self_and_stack_shares_without_machine_paths():
    summary = summarise(SPY_LINES, "/srv/app")
    assert summary["samples"] == 10
    assert summary["self"] == [
        ("tensorflow/eager/function.py:call", 0.6),
        ("nlp/segmenter.py:cut", 0.3),
        ("asyncio/base_events.py:run", 0.1),
    ]
    # The event loop is on every stack: left out of the inclusive list.
    assert set(summary["inclusive"]) == {
        ("rasa/core/policies/ted_policy.py:predict", 0.6),
        ("tensorflow/eager/function.py:call", 0.6),
        ("nlp/segmenter.py:cut", 0.3),
    }
    assert all("asyncio" not in name for name, _ in summary["inclusive"])
    table = "\n".join(profile_lines(summary))
    assert "| `tensorflow/eager/function.py:call` | 60.0 % |" in table
    assert "/srv/app" not in table and "site-packages" not in table


def test_a_profile_that_could_not_be_taken_says_why():
    assert "Not profiled: py-spy could not sample the server." in profile_lines(
        {"skipped": "py-spy could not sample the server"}
    )
    assert summarise([]) == {"samples": 0, "self": [], "inclusive": []}


def test_cpu_time_is_read_from_proc_for_a_running_process():
    import os

    spent = cpu_seconds(os.getpid())
    sum(range(3_000_000))
    assert cpu_seconds(os.getpid()) > spent >= 0


def test_the_load_runs_on_the_embedded_profiles_tracker_store(tmp_path):
    stores = yaml.safe_load(embedded_stores(tmp_path / "bench.db"))["tracker_store"]
    profile = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert stores == {**profile["tracker_store"], "db": str(tmp_path / "bench.db")}


def test_the_load_table_has_a_row_per_level_with_cpu_per_turn():
    level = {
        "concurrency": 10,
        "pause_s": 0.0,
        "turns": 160,
        "errors": 0,
        "turns_per_second": 61.0,
        "p50_ms": 120.0,
        "p95_ms": 250.0,
        "p99_ms": 300.0,
        "rasa_cpu_ms_per_turn": 14.2,
        "actions_cpu_ms_per_turn": 3.1,
    }
    load = {
        "startup_to_first_answer_s": 9.5,
        "levels": [{**level, "pause_s": 0.5}],
        "unpaced": [level],
        "saturation": level,
        "memory_after_loading": {"rasa_mb": 850.0, "actions_mb": 110.0},
        "memory_after_load": {"rasa_mb": 870.0, "actions_mb": 115.0},
    }
    text = "\n".join(load_lines(load, 300.0, 700.0))
    assert "| 10 | 0 | 160 | 0 | 61.0 | 120 | 250 | 300 | 14.2 | 3.1 |" in text
    assert "| 10 | 0.5 | 160 |" in text
    assert "Saturation: 61.0 turns/s" in text
    assert "| Rasa server | 850 | 870 |" in text
    assert "| NLU model alone, baseline (jieba) | 700 | – |" in text
