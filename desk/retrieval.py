"""Finding the passages that answer a question: exact references, dense, BM25, fused.

    question ─┬─► cited provisions ("Article 26", "Annex III point 4") ─► their passages
              ├─► dense (Chroma, cosine) ─┐
              └─► BM25 ───────────────────┴─► reciprocal rank fusion ─► top k

A question that names a provision gets that provision first, through the shared citation
parser; the rest is fused by rank, which needs no calibration between the two scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desk.citations import find_citations, resolve
from desk.embedder import Embedder
from desk.index import LoadedIndex
from desk.types import Passage

RRF_K = 60  # the constant of Cormack et al. (2009); damps the weight of the very top ranks
_CANDIDATES = 50
_PER_REFERENCE = 6  # passages taken from one cited provision before the fused results


class Retriever(Protocol):
    def search(self, query: str, k: int) -> list[Passage]:
        """The best passages for a query, best first, each with its score."""
        ...


@dataclass
class HybridRetriever:
    index: LoadedIndex
    embedder: Embedder

    def search(self, query: str, k: int = 8) -> list[Passage]:
        cited = self._cited(query)
        fused = self._fused(query)
        ranked: dict[str, Passage] = {}
        for passage in [*cited, *fused]:
            ranked.setdefault(passage.id, passage)
        return list(ranked.values())[:k]

    def _cited(self, query: str) -> list[Passage]:
        known = self.index.anchors()
        passages: list[Passage] = []
        for found in find_citations(query):
            anchor = resolve(found.anchor, known)
            if anchor is None:
                continue
            for passage in self.index.passages_under(anchor)[:_PER_REFERENCE]:
                passages.append(passage.model_copy(update={"score": 1.0}))
        return passages

    def _fused(self, query: str) -> list[Passage]:
        vector = self.embedder.embed([query])[0]
        dense = [pid for pid, _ in self.index.dense.search(vector, _CANDIDATES)]
        lexical = [self.index.passages[pos].id for pos, _ in self.index.lexical.search(query, _CANDIDATES)]
        scores: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, passage_id in enumerate(ranking):
                scores[passage_id] = scores.get(passage_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        ordered = sorted(scores, key=scores.get, reverse=True)
        return [
            self.index.passage(pid).model_copy(update={"score": round(scores[pid], 5)})
            for pid in ordered
            if self.index.passage(pid) is not None
        ]
