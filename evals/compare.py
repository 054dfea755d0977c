"""Compare two runs: metric deltas, and the cases that improved and regressed.

A set of 50 to 150 cases moves by a point or two when nothing real changed: two adapted
models that differ only in their training seed differ by up to 1.1 points of recall@5 on the
development set and 2.2 on the held-out set. So each per-case metric's change comes with a
95% bootstrap interval of the mean per-case change, over the cases both runs scored
(resampled in pairs, seeded, so it repeats): a change whose interval holds 0 is within what
the cases' own spread gives, not a measured difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from evals.runner import CaseResult, load_run

# A case's score for comparison: did it find and cite the right provisions, and decline
# when it should (a declined case has no retrieval score, so abstention counts there).
CASE_SCORE = "retrieval.recall@5.strict"


CONFIDENCE = 0.95
_RESAMPLES = 10_000


@dataclass(frozen=True)
class Interval:
    """The 95% bootstrap interval of the mean per-case change of one metric."""

    low: float
    high: float
    cases: int  # the cases both runs scored on this metric

    @property
    def clear(self) -> bool:
        """The change is larger than the cases' spread: the interval leaves out 0."""
        return self.low > 0 or self.high < 0


@dataclass
class Comparison:
    comparable: bool
    reasons: list[str]
    deltas: dict[str, tuple[float | None, float | None, float | None]]
    intervals: dict[str, Interval] = field(default_factory=dict)
    improved: list[tuple[str, float, float]] = field(default_factory=list)
    regressed: list[tuple[str, float, float]] = field(default_factory=list)


def _case_score(result: CaseResult) -> float:
    value = result.scores.get(CASE_SCORE)
    if value is None:  # a case to decline: 1 when declined
        return float(result.declined)
    return value


def compare(run_a: Path, run_b: Path) -> Comparison:
    summary_a, cases_a = load_run(run_a)
    summary_b, cases_b = load_run(run_b)
    reasons = []
    if summary_a["run"]["dataset_sha256"] != summary_b["run"]["dataset_sha256"]:
        reasons.append("the runs used different datasets")
    if summary_a["run"]["corpus_version"] != summary_b["run"]["corpus_version"]:
        reasons.append("the runs read different versions of the law")
    deltas = {}
    for name in sorted(set(summary_a["metrics"]) | set(summary_b["metrics"])):
        a, b = summary_a["metrics"].get(name), summary_b["metrics"].get(name)
        numeric = isinstance(a, int | float) and isinstance(b, int | float)
        deltas[name] = (a, b, round(b - a, 4) if numeric else None)
    by_id_b = {result.id: result for result in cases_b}
    comparison = Comparison(not reasons, reasons, deltas, _intervals(cases_a, by_id_b))
    for result_a in cases_a:
        result_b = by_id_b.get(result_a.id)
        if result_b is None:
            continue
        before, after = _case_score(result_a), _case_score(result_b)
        if after > before:
            comparison.improved.append((result_a.id, before, after))
        elif after < before:
            comparison.regressed.append((result_a.id, before, after))
    return comparison


def change_interval(before: list[float], after: list[float]) -> Interval | None:
    """95% interval of the mean of `after[i] - before[i]`, by a seeded percentile bootstrap
    over the pairs (None with fewer than two pairs)."""
    if len(before) < 2:
        return None
    changes = np.subtract(after, before, dtype=float)
    if np.all(changes == changes[0]):  # no spread to resample: the change is what it is
        return Interval(float(changes[0]), float(changes[0]), len(changes))
    from scipy.stats import bootstrap

    found = bootstrap(
        (changes,), np.mean, confidence_level=CONFIDENCE, n_resamples=_RESAMPLES, method="percentile",
        rng=np.random.default_rng(0),
    )  # fmt: skip
    interval = found.confidence_interval
    return Interval(round(float(interval.low), 4), round(float(interval.high), 4), len(changes))


def _intervals(cases_a: list[CaseResult], by_id_b: dict[str, CaseResult]) -> dict[str, Interval]:
    """An interval for each per-case metric, over the cases both runs scored on it."""
    paired: dict[str, tuple[list[float], list[float]]] = {}
    for result_a in cases_a:
        result_b = by_id_b.get(result_a.id)
        if result_b is None:
            continue
        for name, before in result_a.scores.items():
            after = result_b.scores.get(name)
            if isinstance(before, int | float) and isinstance(after, int | float):
                pairs = paired.setdefault(name, ([], []))
                pairs[0].append(float(before))
                pairs[1].append(float(after))
    intervals = {name: change_interval(before, after) for name, (before, after) in paired.items()}
    return {name: interval for name, interval in intervals.items() if interval is not None}
