"""Adapting the embedding model to the corpus: the pairs the corpus states, and a real training run."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import numpy as np
import pytest
import torch

from desk.embedder import SentenceTransformerEmbedder, embedder_from_settings
from desk.settings import Settings
from ingest.tune import corpus_pairs, tune

PAIRS = [
    ("Obligations of importers", "Before placing a high-risk AI system on the market, importers shall ensure that the system is in conformity."),
    ("Penalties", "Member States shall lay down the rules on penalties and other enforcement measures applicable to infringements."),
    ("AI literacy", "Providers and deployers of AI systems shall take measures to ensure a sufficient level of AI literacy of their staff."),
    ("Authorised representatives", "Prior to making their high-risk AI systems available on the Union market, providers established in third countries shall appoint an authorised representative."),
]  # fmt: skip


def _pair_similarity(embedder) -> float:
    left = embedder.embed([a for a, _ in PAIRS])
    right = embedder.embed([b for _, b in PAIRS])
    return float(np.mean(np.sum(left * right, axis=1)))


def test_tuning_brings_the_pairs_closer_and_saves_a_model_the_desk_loads(tmp_path):
    base = embedder_from_settings(Settings().embedding)  # a model of its own: training changes it
    before = _pair_similarity(base)
    report = tune(base.model, PAIRS * 4, tmp_path / "tuned", epochs=3, batch_size=4, learning_rate=1e-4)
    assert report.steps == 12 and report.pairs == 16
    tuned = SentenceTransformerEmbedder(str(tmp_path / "tuned"))  # the desk's own loading code
    assert tuned.dimensions == 384
    assert _pair_similarity(tuned) > before + 0.05


def test_recomputing_activations_in_the_backward_pass_leaves_the_weights_bit_for_bit_the_same(
    tmp_path, monkeypatch
):
    # tune recomputes each layer's activations instead of keeping them (2.2 GB a step on the
    # corpus); the dropout replayed must be the forward pass's, or the model would differ.
    recomputed = embedder_from_settings(Settings().embedding).model
    tune(recomputed, PAIRS * 2, tmp_path / "recomputed", batch_size=4, learning_rate=1e-4)
    assert not recomputed[0].auto_model.is_activation_checkpointing  # left as it was for encoding
    monkeypatch.setattr("ingest.tune._activations_recomputed", lambda model: contextlib.nullcontext())
    kept = embedder_from_settings(Settings().embedding).model
    tune(kept, PAIRS * 2, tmp_path / "kept", batch_size=4, learning_rate=1e-4)
    for (name, weights), (_, plain) in zip(
        recomputed.state_dict().items(), kept.state_dict().items(), strict=True
    ):
        assert torch.equal(weights, plain), name


@pytest.mark.corpus
def test_the_pairs_are_the_links_the_corpus_states(corpus_settings):
    from desk.index import LoadedIndex

    index = LoadedIndex.open(corpus_settings)
    pairs = corpus_pairs(index)
    assert len(pairs) > 1000
    importers = [p for p in index.passages_under("art-23") if p.source_id == "ai-act-consolidated"]
    assert ("Obligations of importers", importers[0].text) in pairs
    # A guidelines paragraph is paired with the provision of the law it refers to first.
    guidance = {a for a, b in pairs if a == index.passages_under("gl-5052.par-254")[0].text}
    assert guidance
    # An amending instruction is paired with the provision it changes, not with one its new
    # text mentions: Omnibus Article 1(12)(a) replaces Article 25(2) (and mentions Article 16).
    instruction = index.passages_under("omnibus.art-1.pt-12.pt-a")[0].text
    assert (instruction, index.passages_under("art-25.par-2")[0].text) in pairs
    # Article 2 of the Omnibus amends Regulation (EU) 2018/1139: its "Article 27" is not the AI Act's.
    assert not any(a == index.passages_under("omnibus.art-2.pt-1")[0].text for a, _ in pairs)


def test_tune_without_an_index_is_a_clear_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "desk", "tune", "--out", str(tmp_path / "m")],
        env={"DESK_DATA_DIR": str(tmp_path / "empty"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "desk ingest" in done.stderr and "Traceback" not in done.stderr
