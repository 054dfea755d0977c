"""Concurrent questions share forward passes of the real model, and get their own vectors."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from desk.microbatch import MicroBatchingEmbedder

QUESTIONS = [
    "When do the GPAI obligations apply?",
    "Is our CV-screening tool high-risk?",
    "What are the fines for prohibited practices?",
    "Is emotion recognition at work allowed?",
    "What must deployers of high-risk AI systems do?",
    "What is a general-purpose AI model?",
    "Does the AI Act apply to military AI?",
    "Who is an importer under the AI Act?",
]


def _concurrently(batching: MicroBatchingEmbedder, questions: list[str]) -> list[np.ndarray]:
    start = threading.Barrier(len(questions))
    results: list[np.ndarray | None] = [None] * len(questions)

    def ask(i: int) -> None:
        start.wait()
        results[i] = batching.embed([questions[i]])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results  # type: ignore[return-value]


def test_concurrent_questions_share_passes_and_each_gets_its_own_vector(embedder):
    batching = MicroBatchingEmbedder(embedder, max_batch=32)
    results = _concurrently(batching, QUESTIONS)
    alone = embedder.embed(QUESTIONS)
    for i, vectors in enumerate(results):
        assert vectors.shape == (1, embedder.dimensions)
        # Padding in a shared pass moves the floats by rounding only.
        assert np.allclose(vectors[0], alone[i], atol=1e-5)
    assert batching.passes < len(QUESTIONS)


def test_a_batch_never_exceeds_its_size(embedder):
    batching = MicroBatchingEmbedder(embedder, max_batch=3)
    results = _concurrently(batching, QUESTIONS)
    assert all(vectors.shape == (1, embedder.dimensions) for vectors in results)
    assert batching.passes >= len(QUESTIONS) // 3


def test_a_failing_pass_fails_its_callers_and_the_next_question_is_answered(embedder):
    batching = MicroBatchingEmbedder(embedder)
    with pytest.raises(ValueError):
        batching.embed([None])  # the real model cannot embed a missing text
    assert batching.embed(["Who is a provider?"]).shape == (1, embedder.dimensions)


def test_the_wrapped_embedders_name_and_size_show_through(embedder):
    batching = MicroBatchingEmbedder(embedder)
    assert batching.name == embedder.name and batching.dimensions == embedder.dimensions
