"""A BM25 index over the passages (bm25s), persisted beside the vector store.

Legal questions often turn on exact words ("deployer", "biometric categorisation",
"Annex III"), which dense embeddings of a small model blur; BM25 keeps them sharp.
"""

from __future__ import annotations

import re
from itertools import zip_longest
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


LAW, PLAN = "law", "plan"  # the groups of passages with a BM25 index each
_POSITIONS = ".positions.npy"
_SINGLE_INDEX = "params.index.json"  # what bm25s writes for one index


class GroupedLexicalIndex:
    """One BM25 per group of passages: the law, and the AI Continent Action Plan. A term's
    weight is then the law's own, so adding the plan leaves the law's ranking as it was, and
    the plan is searched only when a question asks for it. Positions are those of the whole
    passage list."""

    def __init__(self, groups: dict[str, tuple[LexicalIndex, np.ndarray]], size: int):
        self._groups = groups
        self.size = size

    @classmethod
    def build(cls, texts: list[str], labels: list[str]) -> GroupedLexicalIndex:
        groups = {}
        for label in dict.fromkeys(labels):
            positions = np.array([n for n, own in enumerate(labels) if own == label], dtype=np.int64)
            groups[label] = (LexicalIndex.build([texts[n] for n in positions]), positions)
        return cls(groups, len(texts))

    def save(self, folder: Path) -> None:
        for label, (index, positions) in self._groups.items():
            index.save(folder / label)
            np.save(folder / f"{label}{_POSITIONS}", positions)

    @classmethod
    def load(cls, folder: Path, size: int) -> GroupedLexicalIndex:
        if (folder / _SINGLE_INDEX).is_file():  # an index built before the groups: one for all
            return cls({LAW: (LexicalIndex.load(folder, size), np.arange(size))}, size)
        groups = {}
        for saved in sorted(folder.glob(f"*{_POSITIONS}")):
            label = saved.name.removesuffix(_POSITIONS)
            positions = np.load(saved)
            groups[label] = (LexicalIndex.load(folder / label, len(positions)), positions)
        return cls(groups, size)

    def search(self, query: str, k: int, groups: tuple[str, ...] = (LAW,)) -> list[tuple[int, float]]:
        """(position, score), best first within each group; several groups are interleaved
        rank by rank, in the order given (their scores do not compare: each group weighs its
        terms its own way)."""
        rankings = [
            [(int(positions[n]), score) for n, score in index.search(query, k)]
            for index, positions in (self._groups[label] for label in groups if label in self._groups)
        ]
        merged = [hit for rank in zip_longest(*rankings) for hit in rank if hit is not None]
        return merged[:k]
