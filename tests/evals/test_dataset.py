"""Reading datasets: malformed lines are reported with their numbers, the rest loads."""

from __future__ import annotations

import json

from evals.dataset import load_dataset


def test_malformed_lines_are_reported_and_the_rest_loads(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "ok-1",
                "question": "What is a deployer?",
                "gold_citations": ["Art. 3(4)"],
                "kind": "definition",
            }
        ),
        "{not json",
        json.dumps({"id": "no-question", "gold_citations": []}),
        json.dumps({"id": "bad-citation", "question": "Q?", "gold_citations": ["Chapter 9"]}),
        "",
        json.dumps({"id": "ok-1", "question": "Duplicate id?"}),
        json.dumps(
            {
                "id": "ok-2",
                "question": "Capital of France?",
                "gold_citations": [],
                "kind": "out_of_scope",
                "reference_answer": "",
                "source": "kept but ignored",
                "turns": ["What is the AI Act?"],
            }
        ),
        json.dumps(
            {
                "id": "ok-3",
                "question": "GPAI?",
                "gold_citations": ["AI Act Art. 53(1)", "Annex III(4)(a)", "Rec. (44)"],
            }
        ),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dataset = load_dataset(path)
    assert [case.id for case in dataset.cases] == ["ok-1", "ok-2", "ok-3"]
    assert [(e.line, e.message.split(" ")[0]) for e in dataset.errors] == [
        (2, "not"), (3, "question:"), (4, "gold_citations:"), (6, "duplicate"),
    ]  # fmt: skip
    assert "Chapter 9" in str(dataset.errors[2])
    assert dataset.cases[0].gold_anchors == ["art-3.par-4"]
    assert dataset.cases[2].gold_anchors == ["art-53.par-1", "anx-III.pt-4.pt-a", "rct-44"]
    assert dataset.cases[1].must_decline and dataset.cases[1].model_extra == {"source": "kept but ignored"}
    assert dataset.cases[1].turns == ["What is the AI Act?"]
    assert len(dataset.sha256) == 64


def test_unresolved_gold_citations_are_found(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(
        json.dumps({"id": "x", "question": "Q?", "gold_citations": ["Article 3(4)", "Article 5(1)(z)"]})
        + "\n",
        encoding="utf-8",
    )
    dataset = load_dataset(path)
    assert dataset.unresolved({"art-3", "art-3.pt-4", "art-5", "art-5.par-1"}) == [("x", "Article 5(1)(z)")]
