"""The regression gate CI runs: a fixed, fast subset of the development set and its floors.

The subset is every fourth case of `evals/datasets/dev.jsonl` plus every case the desk must
decline; the floors live in `evals/thresholds.toml`. A change that makes the desk worse on
these cases fails the tests. The development scope set (`scope-dev.jsonl`: other subjects,
other laws, provisions that do not exist) has floors of its own (`[scope]`); the blind scope
set is never a gate, so that nothing is tuned to it. The AI Continent Action Plan's
development cases (`plan-dev.jsonl`) have theirs too (`[plan]`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from evals.dataset import Dataset, load_dataset

EVALS = Path(__file__).parent
DEV_SET = EVALS / "datasets" / "dev.jsonl"
SCOPE_SET = EVALS / "datasets" / "scope-dev.jsonl"
PLAN_SET = EVALS / "datasets" / "plan-dev.jsonl"
THRESHOLDS = EVALS / "thresholds.toml"


def gate_dataset() -> Dataset:
    dataset = load_dataset(DEV_SET)
    dataset.cases = [case for n, case in enumerate(dataset.cases) if n % 4 == 0 or case.must_decline]
    return dataset


def scope_gate_dataset() -> Dataset:
    return load_dataset(SCOPE_SET)


def plan_gate_dataset() -> Dataset:
    return load_dataset(PLAN_SET)


def thresholds() -> dict:
    return tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))
