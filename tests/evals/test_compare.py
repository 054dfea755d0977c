"""The interval `desk eval compare` gives a change: clear when every case moves one way,
within noise when the cases move both ways about as much, and the same on every run."""

from __future__ import annotations

import json

from evals.compare import Interval, change_interval, compare


def test_a_change_every_case_shares_is_clear():
    assert change_interval([0.0, 0.5, 0.5, 0.0], [1.0, 1.5, 1.5, 1.0]) == Interval(1.0, 1.0, 4)
    assert change_interval([0.0, 0.5, 0.5, 0.0], [1.0, 1.5, 1.5, 1.0]).clear


def test_cases_moving_both_ways_are_within_noise():
    before = [0.0, 1.0] * 20
    after = [1.0, 0.0] * 20  # half gain a point, half lose one: mean change 0
    interval = change_interval(before, after)
    assert interval.low < 0 < interval.high and not interval.clear
    assert interval.cases == 40


def test_a_small_gain_over_many_cases_is_clear_and_over_few_is_not():
    # 30 of 40 cases gain, 10 lose as much: mean +0.5, a spread the bootstrap can tell from 0
    many = change_interval([0.0] * 40, [1.0] * 30 + [-1.0] * 10)
    assert many.clear and 0 < many.low < 0.5 < many.high
    # 3 of 4: the same mean, but four cases cannot tell it from chance
    few = change_interval([0.0] * 4, [1.0, 1.0, 1.0, -1.0])
    assert not few.clear


def test_the_interval_repeats_and_needs_two_cases():
    before, after = [0.2, 0.4, 0.9, 0.1, 0.5], [0.3, 0.1, 1.0, 0.6, 0.5]
    assert change_interval(before, after) == change_interval(before, after)
    assert change_interval([0.5], [1.0]) is None


def _write_run(folder, scores: dict[str, list[float | None]]) -> None:
    cases = folder / "cases"
    cases.mkdir(parents=True)
    names = list(scores)
    for position in range(len(scores[names[0]])):
        case = {
            "id": f"c{position}", "kind": "factual", "question": "?", "gold": [], "retrieved": [],
            "retrieved_labels": [], "answer": "", "cited": [], "declined": False, "flags": [], "latency_ms": 1.0,
            "scores": {name: values[position] for name, values in scores.items()},
        }  # fmt: skip
        (cases / f"c{position}.json").write_text(json.dumps(case))
    means = {name: sum(v for v in values if v is not None) / len(values) for name, values in scores.items()}
    run = {"dataset_sha256": "d", "corpus_version": "2026-07-27"}
    (folder / "summary.json").write_text(json.dumps({"run": run, "metrics": means, "by_kind": {}}))


def test_compare_gives_each_per_case_metric_its_interval(tmp_path):
    _write_run(
        tmp_path / "a", {"retrieval.recall@5.strict": [0.0] * 10, "citations.precision.strict": [None] * 10}
    )
    _write_run(
        tmp_path / "b", {"retrieval.recall@5.strict": [1.0] * 10, "citations.precision.strict": [1.0] * 10}
    )
    comparison = compare(tmp_path / "a", tmp_path / "b")
    assert comparison.intervals["retrieval.recall@5.strict"] == Interval(1.0, 1.0, 10)
    assert "citations.precision.strict" not in comparison.intervals  # no case scored by both runs
    assert len(comparison.improved) == 10
