"""Compare two runs: metric deltas, and the cases that improved and regressed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from evals.runner import CaseResult, load_run

# A case's score for comparison: did it find and cite the right provisions, and decline
# when it should (a declined case has no retrieval score, so abstention counts there).
CASE_SCORE = "retrieval.recall@5.strict"


@dataclass
class Comparison:
    comparable: bool
    reasons: list[str]
    deltas: dict[str, tuple[float | None, float | None, float | None]]
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
    comparison = Comparison(not reasons, reasons, deltas)
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
