"""The regression gate CI runs: a fixed, fast subset of the development set and its floors.

The subset is every fourth case of `evals/datasets/dev.jsonl` plus every case the desk must
decline; the floors live in `evals/thresholds.toml`. A change that makes the desk worse on
these cases fails the tests.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from evals.dataset import Dataset, load_dataset

EVALS = Path(__file__).parent
DEV_SET = EVALS / "datasets" / "dev.jsonl"
THRESHOLDS = EVALS / "thresholds.toml"


def gate_dataset() -> Dataset:
    dataset = load_dataset(DEV_SET)
    dataset.cases = [case for n, case in enumerate(dataset.cases) if n % 4 == 0 or case.must_decline]
    return dataset


def thresholds() -> dict:
    return tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))
