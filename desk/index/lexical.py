"""A BM25 index over the passages (bm25s), persisted beside the vector store.

Legal questions often turn on exact words ("deployer", "biometric categorisation",
"Annex III"), which dense embeddings of a small model blur; BM25 keeps them sharp.
"""

from __future__ import annotations

import re
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

_STEMMER = Stemmer.Stemmer("english")


_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's own pattern: queries read as the index was
_STOPWORDS = frozenset(STOPWORDS_EN)


def tokens(texts: list[str]) -> list[list[str]]:
    """Stemmed words without stop words, as `bm25s.tokenize` reads them when it builds the
    index; done here without its per-call progress machinery, which costs more than the
    work on a question."""
    return [
        _STEMMER.stemWords([w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]) for text in texts
    ]


class LexicalIndex:
    """BM25 over passage texts; results are positions in the passage list it was built on."""

    def __init__(self, retriever: bm25s.BM25, size: int):
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        retriever = bm25s.BM25()
        retriever.index(
            bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER, show_progress=False), show_progress=False
        )
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder)), size)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(position, score) of the best passages, best first; only positive scores."""
        query_tokens = tokens([query])
        if not query_tokens[0] or self.size == 0:
            return []
        documents, scores = self._retriever.retrieve(query_tokens, k=min(k, self.size), show_progress=False)
        return [
            (int(position), float(score))
            for position, score in zip(documents[0], scores[0], strict=True)
            if score > 0 and np.isfinite(score)
        ]
