"""Every metric on small cases computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evals import metrics
from evals.metrics import Level

LOOSE, STRICT = Level.LOOSE, Level.STRICT


@pytest.mark.parametrize(
    ("anchor", "gold", "loose", "strict"),
    [
        ("art-5.par-1.pt-f", "art-5.par-1.pt-f", True, True),
        ("art-5.par-1", "art-5.par-1.pt-f", True, True),  # the paragraph contains the point
        ("art-5.par-1.pt-f", "art-5.par-1", True, True),  # the point is inside the paragraph
        ("art-5.par-1.pt-f", "art-5.par-1.pt-g", True, False),  # same article, other point
        ("art-5.par-2", "art-5.par-1", True, False),
        ("art-50.par-1", "art-5.par-1", False, False),  # not a prefix match on characters
        ("art-5.par-10", "art-5.par-1", True, False),
        ("rct-44", "rct-44", True, True),
        ("rct-4", "rct-44", False, False),
        ("anx-III.pt-4.pt-a", "anx-III.pt-4", True, True),
        ("anx-III.pt-4.pt-a", "anx-II", False, False),
        ("omnibus.rct-12", "rct-12", False, False),  # another instrument
        ("gl-5052.par-42", "gl-5052.par-42", True, True),
    ],
)
def test_loose_and_strict_matching(anchor, gold, loose, strict):
    assert metrics.matches(anchor, gold, LOOSE) is loose
    assert metrics.matches(anchor, gold, STRICT) is strict


RETRIEVED = [["art-6.par-1"], ["art-5.par-1.pt-a"], ["rct-44"], ["art-5.par-1.pt-f"], ["anx-III.pt-4"]]
GOLD = ["art-5.par-1.pt-f", "anx-III.pt-4.pt-a"]


def test_recall_at_k():
    # strict: pt-f at rank 4, anx-III.pt-4 (contains pt-4.pt-a) at rank 5
    assert metrics.recall_at_k(RETRIEVED, GOLD, 3, STRICT) == 0.0
    assert metrics.recall_at_k(RETRIEVED, GOLD, 4, STRICT) == 0.5
    assert metrics.recall_at_k(RETRIEVED, GOLD, 5, STRICT) == 1.0
    # loose: art-5 at rank 2 already
    assert metrics.recall_at_k(RETRIEVED, GOLD, 2, LOOSE) == 0.5
    assert metrics.recall_at_k(RETRIEVED, [], 5, LOOSE) is None


def test_reciprocal_rank_and_ndcg():
    assert metrics.reciprocal_rank(RETRIEVED, GOLD, STRICT) == 1 / 4
    assert metrics.reciprocal_rank(RETRIEVED, GOLD, LOOSE) == 1 / 2
    assert metrics.reciprocal_rank([["art-1"]], GOLD, LOOSE) == 0.0
    # strict nDCG@5: gains at ranks 4 and 5; ideal at ranks 1 and 2
    expected = (1 / math.log2(5) + 1 / math.log2(6)) / (1 / math.log2(2) + 1 / math.log2(3))
    assert metrics.ndcg_at_k(RETRIEVED, GOLD, 5, STRICT) == pytest.approx(expected)
    # a gold citation counts once even when two units match it
    assert metrics.ndcg_at_k([["art-5"], ["art-5.par-1"]], ["art-5.par-1"], 2, STRICT) == 1.0


def test_a_chunk_that_spans_provisions_matches_each():
    chunk = [["art-4", "art-5.par-1.pt-a", "art-5.par-1.pt-b"]]
    assert metrics.recall_at_k(chunk, ["art-5.par-1.pt-b"], 1, STRICT) == 1.0


def test_citation_precision_recall_and_nonexistent():
    cited = ["art-5.par-1.pt-f", "art-6.par-2", "art-999"]
    gold = ["art-5.par-1.pt-f", "art-26.par-1"]
    assert metrics.citation_precision(cited, gold, STRICT) == pytest.approx(1 / 3)
    assert metrics.citation_recall(cited, gold, STRICT) == 0.5
    assert metrics.citation_precision([], gold, STRICT) is None
    assert metrics.nonexistent(cited, {"art-5.par-1.pt-f", "art-6.par-2"}) == 1


def test_faithfulness_counts_supported_sentences():
    passages = {1: "Deployers shall use high-risk AI systems in accordance with the instructions for use."}
    supported = "Deployers shall use high-risk AI systems in accordance with the instructions [1]."
    unsupported = "Providers must pay a registration fee of EUR 500 [1]."
    uncited = "Deployers shall use high-risk AI systems in accordance with the instructions."
    assert metrics.faithfulness(supported, passages) == 1.0
    assert metrics.faithfulness(f"{supported} {unsupported}", passages) == 0.5
    assert metrics.faithfulness(uncited, passages) == 0.0  # it cites nothing: supported by nothing
    assert metrics.faithfulness("", passages) is None


def test_faithfulness_of_an_attributed_quote_is_that_of_the_quote():
    passages = {
        1: "Providers of high-risk AI systems shall keep the documentation referred to in Article 18."
    }
    label = "Guidelines C(2025) 5052, paragraph 9 (Commission guidance, not binding)"
    quoted = f"{label}: “Providers of high-risk AI systems shall keep the documentation” [1]"
    invented = f"{label}: “Providers must pay a registration fee of EUR 500” [1]"
    assert metrics.faithfulness(quoted, passages) == 1.0
    assert metrics.faithfulness(invented, passages) == 0.0


def test_similarity_and_aggregates():
    a, b = np.array([1.0, 0.0]), np.array([0.6, 0.8])
    assert metrics.similarity(a, b) == pytest.approx(0.6)
    assert metrics.mean([1.0, None, 0.0]) == 0.5
    assert metrics.mean([None]) is None
    assert metrics.percentile([10, 20, 30, 40], 0.5) == 25.0
