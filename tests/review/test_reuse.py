"""Why `review.reuse_threshold` is 0.92: with the packaged model, rephrasings of a question score
above it, and the same question about another role or another matter below."""

from __future__ import annotations

import pytest

from desk.settings import ReviewSettings

THRESHOLD = ReviewSettings().reuse_threshold


@pytest.mark.parametrize(
    ("reviewed", "asked", "served"),
    [
        (
            "What are the obligations of deployers of high-risk AI systems?",
            "What obligations do deployers of high-risk AI systems have?",
            True,
        ),
        (
            "What are the obligations of deployers of high-risk AI systems?",
            "what are the obligations of deployers of high risk AI systems",
            True,
        ),
        (
            "Is emotion recognition in the workplace prohibited?",
            "Is emotion recognition at work banned?",
            True,
        ),
        ("What is a deployer?", "What does deployer mean?", True),
        (
            "What are the obligations of deployers of high-risk AI systems?",
            "What are the obligations of providers of high-risk AI systems?",
            False,
        ),
        (
            "What are the obligations of deployers of high-risk AI systems?",
            "When do the obligations for high-risk AI systems apply?",
            False,
        ),
        (
            "Is emotion recognition in the workplace prohibited?",
            "Is emotion recognition in schools prohibited?",
            False,
        ),
        (
            "What fines apply for non-compliance with the prohibition of AI practices?",
            "What fines apply to providers of general-purpose AI models?",
            False,
        ),
    ],
)
def test_the_threshold_serves_rephrasings_and_not_other_questions(embedder, reviewed, asked, served):
    first, second = embedder.embed([reviewed, asked])
    assert (float(first @ second) >= THRESHOLD) is served
