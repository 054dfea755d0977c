"""The vector store: Chroma, embedded in the index folder or a `chroma run` server.

Embeddings are always passed in explicitly. Chroma's default embedding function downloads
a model at run time, which fails offline, and a collection reopened without an explicit
function silently falls back to it: so no collection here is ever given one.
"""

from __future__ import annotations

import contextlib
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


# Cosine distance; and a search wide enough to be exact at the corpus' size (about 2,000
# passages). With Chroma's default (search_ef 100) the nearest 50 to the same vector came
# back in a different order in different processes, so two eval runs of the same desk differed.
COLLECTION_METADATA = {"hnsw:space": "cosine", "hnsw:search_ef": 512, "hnsw:construction_ef": 200}


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


class DenseIndex:
    """Nearest passages to a query vector in one collection."""

    def __init__(self, client: chromadb.ClientAPI, name: str):
        try:
            self._collection = client.get_collection(name, embedding_function=None)
        except Exception as error:
            raise VectorStoreUnavailable(
                f"collection {name} not found in Chroma: run `desk ingest`"
            ) from error
        self.name = name
        self._rows: dict[str, int] | None = None
        self._unit_vectors: np.ndarray | None = None

    def count(self) -> int:
        try:
            return self._collection.count()
        except Exception as error:  # chromadb raises bare exceptions when its server is gone
            raise VectorStoreUnavailable(
                f"the vector store did not answer: {type(error).__name__}"
            ) from error

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def search(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the nearest passages, nearest first."""
        try:
            found = self._collection.query(
                query_embeddings=[vector], n_results=k, where=where, include=["distances"]
            )
        except Exception as error:  # chromadb raises bare exceptions when its server is gone
            raise VectorStoreUnavailable(
                f"the vector store did not answer: {type(error).__name__}"
            ) from error
        return [(pid, 1.0 - float(d)) for pid, d in zip(found["ids"][0], found["distances"][0], strict=True)]

    def similarities(self, vector: np.ndarray, ids: list[str]) -> dict[str, float]:
        """Cosine similarity of `vector` to each of the passages `ids`, from the collection's
        vectors held in memory (read once: 2,000 x 384 floats). Ranking the few parts of one
        provision this way costs microseconds; a filtered Chroma query cost milliseconds."""
        if self._unit_vectors is None:
            try:
                stored = self._collection.get(include=["embeddings"])
            except Exception as error:  # chromadb raises bare exceptions when its server is gone
                raise VectorStoreUnavailable(
                    f"the vector store did not answer: {type(error).__name__}"
                ) from error
            matrix = np.asarray(stored["embeddings"], dtype=np.float32)
            self._unit_vectors = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
            self._rows = {pid: row for row, pid in enumerate(stored["ids"])}
        rows = self._rows or {}
        known = [pid for pid in ids if pid in rows]
        if not known:
            return {}
        query = np.asarray(vector, dtype=np.float32)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        scores = self._unit_vectors[[rows[pid] for pid in known]] @ query
        return {pid: float(score) for pid, score in zip(known, scores, strict=True)}
