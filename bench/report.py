"""Writes the benchmark results: JSON and a chart under reports/bench/, and the summary
docs/benchmarks.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

from bench.nlu import NluResult, per_intent_f1
from bench.stats import latency_summary, ratio

ENTITY_NOTE = (
    "Entities are scored on `tests/nlu/test_entities.yml`, sentences with their provinces and "
    "cities marked; a found place counts only with the exact label and span. The baseline "
    "pipeline has no entity extractor, so it finds no places. The consultation's answers "
    "(years, durations, wages, yes or no) are not NLU entities: `understanding/` reads them, "
    "tested in `tests/understanding/`."
)
SET_TITLES = {
    "test_nlu": "held-out",
    "real_questions": "real questions",
    "phone_style": "phone-style",
}
# The figures of one Rasa server process before the work of issue 17 (its own measurement),
# shown beside this run's.
BEFORE = {
    "rasa_cpu_ms_per_turn": 29.0,
    "saturation_turns_per_second": 33.0,
    "unpaced_p95_ms_at_10": 500.0,
    "paced_p95_ms_at_10": 164.0,
    "rasa_rss_mb": 1412.0,
    "parse_latency_vs_baseline": 1.52,
    "startup_seconds": 16.6,
}
TARGETS = {
    "held_out_accuracy": 0.95,
    "real_questions_accuracy": 0.95,
    "real_questions_points_above_baseline": 3.0,
    "phone_style_accuracy": 0.95,
    "out_of_scope_recall": 0.90,
    "paced_p95_ms_at_10": 100.0,
    "unpaced_p95_ms_at_10": 300.0,
    "rasa_cpu_ms_per_turn": 15.0,
    "saturation_turns_per_second": 60.0,
    "rasa_rss_mb": 900.0,
    "parse_latency_vs_baseline": 1.2,
    "startup_seconds": 10.0,
    "training_seconds": 300.0,
    "console_report_seconds": 2.0,
}


def _fmt(value: Optional[float], digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def nlu_figures(result: NluResult) -> Dict[str, Optional[float]]:
    held_out, cv = result.held_out["test_nlu"], result.cross_validation
    oos = held_out.get("out_of_scope", {})
    latency = latency_summary(result.profile["latencies_ms"])
    figures: Dict[str, Optional[float]] = {}
    for set_name, report in result.held_out.items():
        figures[f"{SET_TITLES[set_name]} intent accuracy"] = report["accuracy"]
        figures[f"{SET_TITLES[set_name]} macro-F1"] = report["macro avg"]["f1-score"]
    return {
        **figures,
        "5-fold CV accuracy": cv.get("accuracy"),
        "5-fold CV macro-F1": cv.get("macro avg", {}).get("f1-score"),
        "out-of-scope precision": oos.get("precision"),
        "out-of-scope recall": oos.get("recall"),
        "province entity F1": result.entities["province"]["f1"],
        "city entity F1": result.entities["city"]["f1"],
        "place entity precision": result.entities["all"]["precision"],
        "place entity recall": result.entities["all"]["recall"],
        "training time (s)": result.training_seconds,
        "parse latency median (ms)": latency["p50_ms"],
        "parse latency p95 (ms)": latency["p95_ms"],
        "resident memory after loading (MB)": result.profile["rss_mb"],
    }


def write_chart(ours: NluResult, baseline: NluResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ours_f1 = per_intent_f1(ours.held_out["real_questions"])
    base_f1 = per_intent_f1(baseline.held_out["real_questions"])
    intents = sorted(ours_f1)
    positions = range(len(intents))
    figure, axes = plt.subplots(figsize=(12, 5))
    axes.bar(
        [p - 0.2 for p in positions],
        [ours_f1[i] for i in intents],
        0.4,
        label="ours (spaCy + pkuseg)",
    )
    axes.bar(
        [p + 0.2 for p in positions],
        [base_f1.get(i, 0) for i in intents],
        0.4,
        label="baseline (jieba)",
    )
    axes.set_xticks(list(positions))
    axes.set_xticklabels(intents, rotation=60, ha="right", fontsize=8)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("F1 on real questions (held out)")
    axes.legend(loc="lower left")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def targets(
    ours: NluResult, baseline: NluResult, load: Dict[str, Any], console: Dict[str, Any]
) -> Dict[str, Dict[str, Any]]:
    at_10 = level_at(load.get("levels", []), 10)
    unpaced_10 = level_at(load.get("unpaced", []), 10)
    parse_ratio = ratio(
        latency_summary(ours.profile["latencies_ms"])["p50_ms"],
        latency_summary(baseline.profile["latencies_ms"])["p50_ms"],
    )
    oos_recall = ours.held_out["test_nlu"].get("out_of_scope", {}).get("recall")
    real, base_real = (
        ours.held_out["real_questions"]["accuracy"],
        baseline.held_out["real_questions"]["accuracy"],
    )
    checks = {
        "held_out_accuracy": (
            ours.held_out["test_nlu"]["accuracy"],
            lambda v: v >= TARGETS["held_out_accuracy"],
        ),
        "real_questions_accuracy": (real, lambda v: v >= TARGETS["real_questions_accuracy"]),
        "real_questions_points_above_baseline": (
            100 * (real - base_real),
            lambda v: v >= TARGETS["real_questions_points_above_baseline"],
        ),
        "phone_style_accuracy": (
            ours.held_out["phone_style"]["accuracy"],
            lambda v: v >= TARGETS["phone_style_accuracy"],
        ),
        "out_of_scope_recall": (oos_recall, lambda v: v >= TARGETS["out_of_scope_recall"]),
        "paced_p95_ms_at_10": (at_10.get("p95_ms"), lambda v: v <= TARGETS["paced_p95_ms_at_10"]),
        "unpaced_p95_ms_at_10": (
            unpaced_10.get("p95_ms"),
            lambda v: v <= TARGETS["unpaced_p95_ms_at_10"],
        ),
        "rasa_cpu_ms_per_turn": (
            unpaced_10.get("rasa_cpu_ms_per_turn"),
            lambda v: v <= TARGETS["rasa_cpu_ms_per_turn"],
        ),
        "saturation_turns_per_second": (
            load.get("saturation", {}).get("turns_per_second"),
            lambda v: v >= TARGETS["saturation_turns_per_second"],
        ),
        "rasa_rss_mb": (
            load.get("memory_after_loading", {}).get("rasa_mb"),
            lambda v: v <= TARGETS["rasa_rss_mb"],
        ),
        "parse_latency_vs_baseline": (
            parse_ratio,
            lambda v: v <= TARGETS["parse_latency_vs_baseline"],
        ),
        "startup_seconds": (
            load.get("startup_to_first_answer_s"),
            lambda v: v <= TARGETS["startup_seconds"],
        ),
        "training_seconds": (ours.training_seconds, lambda v: v <= TARGETS["training_seconds"]),
        "console_report_seconds": (
            max(console["overview_seconds"], console["unanswered_seconds"])
            if "skipped" not in console
            else None,
            lambda v: v < TARGETS["console_report_seconds"],
        ),
    }
    return {
        name: {
            "value": value,
            "target": TARGETS[name],
            "before": BEFORE.get(name),
            "met": value is not None and check(value),
        }
        for name, (value, check) in checks.items()
    }


def level_at(levels: List[Dict[str, Any]], concurrency: int) -> Dict[str, Any]:
    return next((level for level in levels if level["concurrency"] == concurrency), {})


def load_lines(load: Dict[str, Any], ours_nlu_mb: float, baseline_nlu_mb: float) -> List[str]:
    """Latency, throughput, CPU and memory of the servers under load."""
    lines = [
        "",
        "## Turn latency, throughput and CPU (REST channel, action server, SQLite store)",
        "",
        f"Start to first answered message: {load['startup_to_first_answer_s']:.1f} s.",
        "",
        "Each simulated citizen holds conversations of the load test's scenario "
        "(`tests/load/scenario.json`), with the scenario's pause after every answer (paced) or "
        "none, every answer followed at once by the next message (unpaced: the most one server "
        "process answers). CPU is each server's user and system time (`/proc/PID/stat`) over "
        "the level, per turn; conversations are kept in the embedded profile's SQLite store.",
        "",
        "| concurrent | pause s | turns | errors | turns/s | p50 ms | p95 ms | p99 ms "
        "| Rasa CPU ms/turn | actions CPU ms/turn |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for level in load["levels"] + load.get("unpaced", []):
        lines.append(
            f"| {level['concurrency']} | {level['pause_s']:g} | {level['turns']} "
            f"| {level['errors']} | {level['turns_per_second']:.1f} | {level['p50_ms']:.0f} "
            f"| {level['p95_ms']:.0f} | {level['p99_ms']:.0f} "
            f"| {_fmt(level.get('rasa_cpu_ms_per_turn'), 1)} "
            f"| {_fmt(level.get('actions_cpu_ms_per_turn'), 1)} |"
        )
    saturation = load.get("saturation")
    if saturation:
        lines += [
            "",
            f"Saturation: {saturation['turns_per_second']:.1f} turns/s "
            f"({saturation['concurrency']} unpaced conversations).",
        ]
    loaded, after = load["memory_after_loading"], load["memory_after_load"]
    return lines + [
        "",
        "## Memory",
        "",
        "| process | after loading MB | after the load MB |",
        "| --- | --- | --- |",
        f"| Rasa server | {loaded['rasa_mb']:.0f} | {after['rasa_mb']:.0f} |",
        f"| action server | {loaded['actions_mb']:.0f} | {after['actions_mb']:.0f} |",
        f"| NLU model alone, ours (spaCy + pkuseg) | {ours_nlu_mb:.0f} | – |",
        f"| NLU model alone, baseline (jieba) | {baseline_nlu_mb:.0f} | – |",
        "",
    ]


def profile_lines(profile: Dict[str, Any], top: int = 10) -> List[str]:
    """The sampling profile of the Rasa server under the unpaced load."""
    lines = ["## Where the Rasa server's CPU goes", ""]
    if not profile or "skipped" in profile or not profile.get("samples"):
        reason = (profile or {}).get("skipped", "no samples")
        return lines + [f"Not profiled: {reason}.", ""]
    lines += [
        f"py-spy, {profile['samples']:,} samples at 200 Hz of the Rasa server during the "
        "unpaced load with 10 conversations. Self: the function was running; on the stack: "
        "it or what it called was (the event loop, the server and Rasa's graph runner left "
        "out).",
        "",
        "| running (self) | share | on the stack | share |",
        "| --- | --- | --- | --- |",
    ]
    own, inclusive = profile["self"][:top], profile["inclusive"][:top]
    for index in range(max(len(own), len(inclusive))):
        left = own[index] if index < len(own) else ("", None)
        right = inclusive[index] if index < len(inclusive) else ("", None)
        lines.append(f"| `{left[0]}` | {_share(left[1])} | `{right[0]}` | {_share(right[1])} |")
    return lines + [""]


def _share(value: Optional[float]) -> str:
    return "" if value is None else f"{100 * value:.1f} %"


def console_lines(console: Dict[str, Any]) -> List[str]:
    lines = ["## Operations console on a large tracker store", ""]
    if "skipped" in console:
        return lines + [f"Not measured: {console['skipped']}.", ""]
    lines += [
        f"PostgreSQL with {console['conversations']:,} generated conversations "
        f"({console['events']:,} events, over 30 days); the console's first copy of the events "
        f"into its own table took {console['first_copy_seconds']:.0f} s. Each time is the median "
        f"of three page views, the catch-up a page view does included "
        f"(target: under {console['target_seconds']:g} s for the default range).",
        "",
        "| range | conversations | user turns | overview s | unanswered s |",
        "| --- | --- | --- | --- | --- |",
    ]
    for period in console["ranges"]:
        lines.append(
            f"| last {period['days']} days | {period['conversations']:,} "
            f"| {period['user_turns']:,} | {period['overview_seconds']:.2f} "
            f"| {period['unanswered_seconds']:.2f} |"
        )
    return lines + [""]


def write_reports(
    ours: NluResult,
    baseline: NluResult,
    dialogue: Dict[str, Any],
    load: Dict[str, Any],
    console: Dict[str, Any],
    out: Path,
    summary: Path,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ours_figures, base_figures = nlu_figures(ours), nlu_figures(baseline)
    checked = targets(ours, baseline, load, console)
    (out / "bench.json").write_text(
        json.dumps(
            {
                "nlu": {
                    "ours": ours_figures,
                    "baseline": base_figures,
                    "per_intent_f1": {
                        name: {
                            "ours": per_intent_f1(ours.held_out[name]),
                            "baseline": per_intent_f1(baseline.held_out[name]),
                        }
                        for name in ours.held_out
                    },
                    "entities": {"ours": ours.entities, "baseline": baseline.entities},
                },
                "dialogue": dialogue,
                "load": load,
                "console": console,
                "targets": checked,
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    write_chart(ours, baseline, out / "per_intent_f1.png")

    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (the full report is in `reports/bench/`). Both NLU pipelines "
        "are trained on the same data with the same DIET settings and seed in the same run; "
        "ratios are ours ÷ baseline.",
        "",
        "## NLU: ours (spaCy + pkuseg) vs. the community baseline (jieba)",
        "",
        "| figure | ours | baseline | ratio |",
        "| --- | --- | --- | --- |",
    ]
    for name in ours_figures:
        o, b = ours_figures[name], base_figures[name]
        lines.append(f"| {name} | {_fmt(o)} | {_fmt(b)} | {_fmt(ratio(o, b), 2)} |")
    lines += ["", ENTITY_NOTE]
    lines += [
        "",
        "The held-out sets are never trained on: `tests/nlu/test_nlu.yml` (written for the "
        "project), `tests/nlu/real_questions.yml` (questions citizens wrote on public pages of "
        "sites never used for training) and `tests/nlu/phone_style.yml` (those as a telephone "
        "line's recogniser writes "
        "them: homophones, fillers, no punctuation).",
        "",
        "Per-intent F1 on the real questions:",
        "",
        "| intent | ours | baseline |",
        "| --- | --- | --- |",
    ]
    base_f1 = per_intent_f1(baseline.held_out["real_questions"])
    for intent, f1 in sorted(per_intent_f1(ours.held_out["real_questions"]).items()):
        lines.append(f"| {intent} | {f1:.3f} | {base_f1.get(intent, 0):.3f} |")
    lines += [
        "",
        "## Dialogue",
        "",
        f"Test stories passed end to end: {dialogue['stories_passed']} of {dialogue['stories']} "
        f"({dialogue['story_share']:.3f}); "
        f"actions predicted right: {dialogue['action_accuracy']:.3f}.",
        "",
        "| story | turns | right |",
        "| --- | --- | --- |",
    ]
    for story, counts in dialogue["per_story"].items():
        lines.append(f"| {story} | {counts['turns']} | {counts['right']} |")
    lines += load_lines(load, ours.profile["rss_mb"], baseline.profile["rss_mb"])
    lines += profile_lines(load.get("profile", {}))
    lines += console_lines(console)
    lines += [
        "## Targets",
        "",
        "Before: one Rasa server process before the work of issue 17, as measured then.",
        "",
        "| target | value | limit | before | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, check in checked.items():
        lines.append(
            f"| {name} | {_fmt(check['value'])} | {_fmt(check['target'])} "
            f"| {_fmt(check.get('before'))} | {'yes' if check['met'] else 'no'} |"
        )
    summary.write_text("\n".join(lines) + "\n", encoding="utf-8")
