"""The vector store: Chroma, embedded in the index folder or a `chroma run` server.

Embeddings are always passed in explicitly. Chroma's default embedding function downloads
a model at run time, which fails offline, and a collection reopened without an explicit
function silently falls back to it: so no collection here is ever given one.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from desk.types import Passage

_ADD_BATCH = 1000


class VectorStoreUnavailable(RuntimeError):
    """The Chroma server cannot be reached, or the index's collection is missing."""


def open_client(chroma_url: str | None, index_folder: Path) -> chromadb.ClientAPI:
    """A server client when a URL is set, else an embedded store inside the index folder."""
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        parts = urlparse(chroma_url)
        try:
            return chromadb.HttpClient(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 8000,
                ssl=parts.scheme == "https",
                settings=settings,
            )
        except Exception as error:  # chromadb raises bare exceptions on a failed handshake
            raise VectorStoreUnavailable(f"Chroma server at {chroma_url} unreachable: {error}") from error
    return chromadb.PersistentClient(path=str(index_folder), settings=settings)


# Cosine distance, and a wide HNSW search for collections too large to search exactly.
COLLECTION_METADATA = {"hnsw:space": "cosine", "hnsw:search_ef": 512, "hnsw:construction_ef": 200}


# Up to this many vectors (about 75 MB at 384 dimensions) the search is exact, from memory.
EXACT_SEARCH_UP_TO = 50_000


def collection_name(index_name: str) -> str:
    return f"passages-{index_name}"


def write_passages(
    client: chromadb.ClientAPI, name: str, passages: list[Passage], vectors: np.ndarray
) -> None:
    """Create the collection afresh and add every passage with its vector."""
    with contextlib.suppress(Exception):  # absent: nothing to replace
        client.delete_collection(name)
    collection = client.create_collection(name, metadata=COLLECTION_METADATA, embedding_function=None)
    for start in range(0, len(passages), _ADD_BATCH):
        batch = passages[start : start + _ADD_BATCH]
        collection.add(
            ids=[p.id for p in batch],
            embeddings=vectors[start : start + len(batch)],
            documents=[p.text for p in batch],
            metadatas=[_metadata(p) for p in batch],
        )


def _metadata(passage: Passage) -> dict[str, str | int]:
    return {
        "anchor": passage.anchor,
        "source_id": passage.source_id,
        "authority": passage.authority.value,
        "version": passage.version,
        "content_hash": passage.content_hash,
    }


@dataclass(frozen=True)
class _HeldVectors:
    size: int
    ids: list[str]
    rows: dict[str, int]
    unit_vectors: np.ndarray


class DenseIndex:
    """Nearest passages to a query vector in one collection."""

    def __init__(self, client: chromadb.ClientAPI, name: str, exact_up_to: int = EXACT_SEARCH_UP_TO):
        try:
            self._collection = client.get_collection(name, embedding_function=None)
        except Exception as error:
            raise VectorStoreUnavailable(
                f"collection {name} not found in Chroma: run `desk ingest`"
            ) from error
        self.name = name
        self.exact_up_to = exact_up_to
        self._held: _HeldVectors | None = None
        self._reading = threading.Lock()

    def count(self) -> int:
        try:
            return self._collection.count()
        except Exception as error:  # chromadb raises bare exceptions when its server is gone
            raise VectorStoreUnavailable(
                f"the vector store did not answer: {type(error).__name__}"
            ) from error

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def search(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the k nearest passages, nearest first.

        Exact, over the collection's vectors held in memory, while the collection is small
        enough (this corpus: about 2,000 x 384 floats, 3 MB). Chroma's HNSW search returned
        different nearest passages for the same vector in different processes, even with
        search_ef 512, so two runs of one desk ranked alike only by luck; the exact product
        takes under a millisecond. Larger collections are searched by Chroma.

        The store is asked how many vectors it holds on every search: a store that has gone
        away is a clear error (503) as before, and a collection that changed is read again."""
        held = self._held_vectors()
        if held is None:
            return self._approximate(vector, k)
        scores = held.unit_vectors @ _unit(vector)
        best = np.argsort(-scores, kind="stable")[: k * 2 + 8]
        ranked = sorted(
            ((held.ids[row], float(scores[row])) for row in best), key=lambda hit: (-hit[1], hit[0])
        )
        return ranked[:k]

    def similarities(self, vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        """Cosine similarity of `vector` to each of the passages `ids` (the few parts of one
        provision: microseconds from memory, where a filtered Chroma query took milliseconds)."""
        held = self._held or self._read_vectors(self.count())
        known = [pid for pid in ids if pid in held.rows]
        if not known:
            return {}
        scores = held.unit_vectors[[held.rows[pid] for pid in known]] @ _unit(vector)
        return {pid: float(score) for pid, score in zip(known, scores, strict=True)}

    def _held_vectors(self) -> _HeldVectors | None:
        """The collection's vectors in memory, read again when its size changed; None when
        it is too large to hold."""
        size = self.count()
        if size > self.exact_up_to:
            return None
        held = self._held
        return held if held is not None and held.size == size else self._read_vectors(size)

    def _read_vectors(self, size: int) -> _HeldVectors:
        with self._reading:
            if self._held is not None and self._held.size == size:
                return self._held  # another request read them meanwhile
            try:
                stored = self._collection.get(include=["embeddings"])
            except Exception as error:  # chromadb raises bare exceptions when its server is gone
                raise VectorStoreUnavailable(
                    f"the vector store did not answer: {type(error).__name__}"
                ) from error
            matrix = np.asarray(stored["embeddings"], dtype=np.float32)
            ids = list(stored["ids"])
            self._held = _HeldVectors(
                size=size,
                ids=ids,
                rows={pid: row for row, pid in enumerate(ids)},
                unit_vectors=matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12),
            )  # one assignment: a request on another thread sees the old set or the new, whole
            return self._held

    def _approximate(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        try:
            found = self._collection.query(query_embeddings=[vector], n_results=k, include=["distances"])
        except Exception as error:  # chromadb raises bare exceptions when its server is gone
            raise VectorStoreUnavailable(
                f"the vector store did not answer: {type(error).__name__}"
            ) from error
        return [(pid, 1.0 - float(d)) for pid, d in zip(found["ids"][0], found["distances"][0], strict=True)]


def _unit(vector: np.ndarray) -> np.ndarray:
    query = np.asarray(vector, dtype=np.float32)
    return query / max(float(np.linalg.norm(query)), 1e-12)
