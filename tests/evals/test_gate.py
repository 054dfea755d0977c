"""The regression gate: the desk on a fixed subset of the development set stays above its floors."""

from __future__ import annotations

import pytest

from evals.cli import below_floor
from evals.gate import gate_dataset, plan_gate_dataset, scope_gate_dataset, thresholds
from evals.runner import run

pytestmark = pytest.mark.corpus


def test_the_gate_subset_is_fixed_and_well_formed():
    dataset = gate_dataset()
    assert not dataset.errors
    assert len(dataset.cases) >= 40
    assert sum(case.must_decline for case in dataset.cases) >= 10


def test_the_desk_stays_above_its_recorded_floors(corpus_settings, embedder, tmp_path):
    summary = run(
        gate_dataset(), corpus_settings, config_name="desk", k=5, out_dir=tmp_path, embedder=embedder
    )
    assert below_floor(summary["metrics"], thresholds()) == []


def test_the_desk_handles_scope_and_premises_above_its_floors(corpus_settings, embedder, tmp_path):
    """Other subjects and other laws declined or redirected, provisions that do not exist
    corrected, answerable questions answered: on the development scope set (issue 16)."""
    dataset = scope_gate_dataset()
    assert not dataset.errors and len(dataset.cases) >= 100
    summary = run(dataset, corpus_settings, config_name="desk", k=5, out_dir=tmp_path, embedder=embedder)
    assert below_floor(summary["metrics"], thresholds()["scope"]) == []


def test_the_desk_answers_on_the_action_plan_above_its_floors(corpus_settings, embedder, tmp_path):
    """The AI Continent Action Plan found, and its figures and dates stated from the cited
    passage, on its development cases (issue 17)."""
    dataset = plan_gate_dataset()
    assert not dataset.errors and len(dataset.cases) >= 25
    summary = run(dataset, corpus_settings, config_name="desk", k=5, out_dir=tmp_path, embedder=embedder)
    assert below_floor(summary["metrics"], thresholds()["plan"]) == []


def test_a_floor_that_is_missed_is_reported():
    values = {"retrieval.recall@5.loose": 0.4, "citations.nonexistent": 2}
    limits = {
        "min": {"retrieval.recall@5.loose": 0.5, "faithfulness.offline": 0.9},
        "max": {"citations.nonexistent": 0},
    }
    assert below_floor(values, limits) == [
        "retrieval.recall@5.loose = 0.4 is below its floor 0.5",
        "faithfulness.offline = None is below its floor 0.9",
        "citations.nonexistent = 2 is above its ceiling 0",
    ]
