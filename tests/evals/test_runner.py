"""The runner end to end on a small dataset, through the real index of the official texts."""

from __future__ import annotations

import json

import pytest

from evals.compare import compare
from evals.dataset import load_dataset
from evals.runner import run

pytestmark = pytest.mark.corpus

CASES = [
    {"id": "prohibited-emotion", "question": "Is emotion recognition at the workplace prohibited?",
     "reference_answer": "Yes, inferring emotions of natural persons in the workplace is prohibited, except for medical or safety reasons.",
     "gold_citations": ["Article 5(1)(f)"], "kind": "classification"},
    {"id": "deployer-definition", "question": "What is a deployer?",
     "reference_answer": "A person using an AI system under its authority, except for personal non-professional activity.",
     "gold_citations": ["Article 3, point (4)"], "kind": "definition"},
    {"id": "fines", "question": "How high can fines be for prohibited practices?",
     "reference_answer": "Up to EUR 35 000 000 or 7 % of worldwide annual turnover, whichever is higher.",
     "gold_citations": ["Article 99(3)"], "kind": "factual",
     "key_facts": ["EUR 35 000 000", "7 %", "cites: Article 99(3)"]},
    {"id": "missing", "question": "What does Article 160 say about deployers?", "reference_answer": "",
     "gold_citations": [], "kind": "false_premise", "nonexistent": "Article 160"},
    {"id": "bread", "question": "How do I bake sourdough bread?", "reference_answer": "",
     "gold_citations": [], "kind": "out_of_scope"},
    {"id": "follow-up", "question": "And when do they apply?", "turns": ["What obligations do providers of general-purpose AI models have?"],
     "reference_answer": "From 2 August 2025.", "gold_citations": ["Article 113, point (b)"], "kind": "date",
     "key_facts": ["2 August 2025", "cites: Article 113, point (b)"]},
]  # fmt: skip


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    path = tmp_path_factory.mktemp("dataset") / "small.jsonl"
    path.write_text("\n".join(json.dumps(case) for case in CASES) + "\n{broken\n", encoding="utf-8")
    return load_dataset(path)


def test_a_run_writes_cases_summary_and_report(dataset, corpus_settings, embedder, tmp_path):
    seen = []
    summary = run(
        dataset, corpus_settings, config_name="desk", k=5, out_dir=tmp_path / "run", embedder=embedder,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen[-1] == (6, 6)
    values = summary["metrics"]
    # The direct answer states the key facts, holds on what it cites, and corrects the premise.
    assert values["answer.key_facts"] == 1.0 and values["answer.lead_verified"] == 1.0
    assert values["abstention.false_premise_corrected"] == 1.0 and values["answer.wrong_verdict"] is None
    assert values["retrieval.recall@5.loose"] >= 0.75 and values["citations.nonexistent"] == 0
    assert values["abstention.oos_declined"] == 1.0 and values["abstention.false_refusals"] == 0.0
    for name in ("retrieval.recall@5.strict", "retrieval.mrr.strict", "retrieval.ndcg@5.loose",
                 "citations.precision.strict", "faithfulness.offline", "correctness.offline", "latency.p50_ms"):  # fmt: skip
        assert values[name] is not None, name
    # Recall down to 50 (or as many as the candidates run to): what no reordering of them
    # could bring into the top 5.
    curve = [values[f"retrieval.recall@{cut}.strict"] for cut in (1, 3, 5, 10, 20, 50)]
    assert curve == sorted(curve) and len(case_retrieved(tmp_path / "run", "fines")) > 10
    assert (
        summary["run"]["dataset_sha256"] == dataset.sha256
        and summary["run"]["corpus_version"] == "2026-07-27"
    )
    assert summary["run"]["dataset_errors"] == [
        "line 7: not JSON (Expecting property name enclosed in double quotes)"
    ]
    assert summary["by_kind"]["out_of_scope"]["declined"] == 1.0
    case = json.loads((tmp_path / "run" / "cases" / "prohibited-emotion.json").read_text())
    assert case["gold"] == ["art-5.par-1.pt-f"] and case["retrieved"] and case["answer"]
    declined = json.loads((tmp_path / "run" / "cases" / "bread.json").read_text())
    # Declined, and counted rather than queued for staff (issue 16).
    assert declined["declined"] and declined["flags"] == [] and declined["scores"]["review.queued"] == 0.0
    queued = sum(
        bool(json.loads(path.read_text())["flags"]) for path in (tmp_path / "run" / "cases").iterdir()
    )
    assert values["review.queued"] == pytest.approx(queued / len(CASES), abs=1e-3)
    report = (tmp_path / "run" / "report.html").read_text()
    assert report.count("<img") == 4 and "Worst cases" in report

    again = run(
        dataset, corpus_settings, config_name="desk", k=5, out_dir=tmp_path / "again", embedder=embedder
    )
    comparison = compare(tmp_path / "run", tmp_path / "again")
    assert comparison.comparable and not comparison.regressed  # the extractive desk is deterministic
    assert comparison.deltas["retrieval.recall@5.strict"][2] == 0
    unchanged = comparison.intervals["retrieval.recall@5.strict"]
    assert (unchanged.low, unchanged.high) == (0, 0) and not unchanged.clear
    assert again["metrics"]["retrieval.recall@5.strict"] == values["retrieval.recall@5.strict"]


def case_retrieved(run_dir, case_id: str) -> list:
    return json.loads((run_dir / "cases" / f"{case_id}.json").read_text())["retrieved"]


def test_the_bm25_baseline_runs_the_same_metrics(dataset, corpus_settings, embedder, tmp_path):
    summary = run(
        dataset, corpus_settings, config_name="bm25-naive", k=5, out_dir=tmp_path / "bm25", embedder=embedder
    )
    assert summary["run"]["config"] == "bm25-naive"
    assert summary["metrics"]["abstention.oos_declined"] == 0.0  # a naive pipeline never declines
    assert summary["metrics"]["retrieval.recall@5.loose"] is not None
