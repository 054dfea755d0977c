"""The whole official corpus through the real command line, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def data_dir(corpus_settings):
    """The index of the whole corpus, built once for the run (tests/conftest.py)."""
    return corpus_settings.data_dir


def _desk(*args: str, data_dir) -> subprocess.CompletedProcess:
    env = {**os.environ, "DESK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "desk", *args], env=env, capture_output=True, text=True, timeout=900
    )


def test_stats_count_what_the_official_texts_hold(data_dir):
    stats = json.loads(_desk("corpus", "stats", "--json", data_dir=data_dir).stdout)
    assert stats["ai-act-oj"]["recitals"] == 180
    assert stats["ai-act-oj"]["articles"] == 113 and stats["ai-act-oj"]["annexes"] == 13
    assert stats["ai-act-consolidated"]["articles"] == 119 and stats["ai-act-consolidated"]["annexes"] == 14
    assert stats["omnibus"]["recitals"] == 47
    assert stats["gl-5052"]["paragraphs"] == 433 and stats["gl-5053"]["paragraphs"] == 64
    assert all(entry["passages"] > 0 for entry in stats.values())
    # SOURCES.md 2a: 146 units (18 headings, 87 paragraphs, 41 list items); 8 boxes; the map
    assert stats["ap"] | {"passages": 0} == {
        "sections": 18, "paragraphs": 87, "items": 41, "boxes": 8, "figures": 1, "units": 146,
        "passages": 0, "version": "2025-04-09",
    }  # fmt: skip


def test_a_second_ingest_is_a_no_op(data_dir):
    report = json.loads(_desk("ingest", "--json", data_dir=data_dir).stdout)
    assert not report["built"] and report["embedded"] == 0


def test_ask_finds_the_provision(data_dir):
    answer = _desk("ask", "Is emotion recognition at the workplace prohibited?", data_dir=data_dir)
    assert answer.returncode == 0, answer.stderr
    assert "Article 5(1)(f)" in answer.stdout
    cited = _desk("ask", "What does Annex III point 4 cover?", "--passages", "-k", "3", data_dir=data_dir)
    assert cited.stdout.lstrip().startswith("1. Annex III, point 4")
