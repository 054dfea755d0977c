"""Two naive retrieval pipelines the benchmark runs beside the desk.

The desk retrieves passages cut along the law's own structure, each with its anchor and
heading path, from BM25 and a vector store at once. To show what that design buys, the
benchmark asks the same questions of two pipelines built the way a first attempt would be:

    bm25-naive       the corpus as one plain text, cut every 1000 characters with no
                     regard for structure, ranked by BM25 (the desk's own tokenisation)
    langchain-naive  the LangChain tutorial pipeline: RecursiveCharacterTextSplitter
                     (1000 characters, 200 overlap), Chroma through `langchain-chroma`,
                     similarity search for the top 4, with the desk's embedding model

Both read the same texts the desk indexes (`plain_text`), so any difference comes from
chunking and ranking, not from the corpus or the model. A naive chunk has no anchor of its
own; it is scored by the provisions its characters overlap (`anchors_overlapping`), which
is what lets recall@k be computed for it as for the desk.
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from desk.embedder import Embedder
from desk.index import Corpus
from desk.index.lexical import LexicalIndex
from desk.index.vectors import open_client
from desk.types import Provision, ProvisionKind

BASELINES = ("bm25-naive", "langchain-naive")

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200  # langchain-naive only: the splitter's customary setting
NAIVE_K = 4  # what langchain-naive retrieves on its own (LangChain's default k)

# The OJ text's articles and annexes are superseded by the consolidated text, which the
# index also holds; only its recitals are nowhere else.
_OJ_SOURCE = "ai-act-oj"
_ADD_BATCH = 500  # chunks per Chroma insert: under its batch limit, and one embed call each
_COLLECTION = "langchain-naive"

Span = tuple[int, int, str]  # (start, end, anchor) of a provision's text in the plain text


@dataclass(frozen=True)
class RetrievedChunk:
    text: str
    anchors: tuple[str, ...]  # the provisions this chunk overlaps, in text order
    score: float


class Baseline(Protocol):
    name: str

    def retrieve(self, question: str, k: int) -> list[RetrievedChunk]: ...


def build_baseline(name: str, index: Corpus, embedder: Embedder, cache_dir: Path) -> Baseline:
    """A baseline over the index's texts; langchain-naive keeps its vectors in `cache_dir`."""
    if name not in BASELINES:
        raise ValueError(f"unknown baseline {name!r}: choose one of {', '.join(BASELINES)}")
    text, spans = plain_text(index)
    if name == "bm25-naive":
        return Bm25Naive(text, spans)
    return LangChainNaive.build(text, spans, embedder, cache_dir)


# ---------------------------------------------------------------------------------------
# The corpus as a naive pipeline sees it


def plain_text(index: Corpus) -> tuple[str, list[Span]]:
    """Every indexed source as one text: the leaf provisions in force, in document order,
    each after its article's, annex's or recital's heading line where it starts one; with
    the span of each leaf's own text."""
    parts: list[str] = []
    spans: list[Span] = []
    offset = 0
    for source_id in dict.fromkeys(passage.source_id for passage in index.passages):
        provisions = [p for p in index.provisions if p.source_id == source_id]
        for heading, leaf in _leaves_with_headings(provisions):
            if heading:
                parts.append(heading + "\n")
                offset += len(heading) + 1
            spans.append((offset, offset + len(leaf.text), leaf.anchor))
            parts.append(leaf.text + "\n\n")
            offset += len(leaf.text) + 2
    return "".join(parts), spans


def _leaves_with_headings(provisions: list[Provision]) -> list[tuple[str | None, Provision]]:
    """The source's leaves, each with the heading line of the unit it opens (else None)."""
    by_anchor = {p.anchor: p for p in provisions}
    result: list[tuple[str | None, Provision]] = []
    previous_unit = None
    for leaf in _leaves(provisions):
        unit = _unit_of(leaf, by_anchor)
        result.append((_heading(unit) if unit is not previous_unit else None, leaf))
        previous_unit = unit
    return result


def _leaves(provisions: list[Provision]) -> list[Provision]:
    """Provisions no other provision of the source hangs under, in force; a parent's text
    repeats its children's, so leaves alone hold each word once."""
    parents = {p.parent for p in provisions if p.parent}
    return [
        p
        for p in provisions
        if p.anchor not in parents
        and p.in_force
        and (p.source_id != _OJ_SOURCE or p.kind is ProvisionKind.RECITAL)
    ]


def _unit_of(provision: Provision, by_anchor: dict[str, Provision]) -> Provision:
    """The top of the provision's tree: its article, annex, recital or guidelines section."""
    while provision.parent in by_anchor:
        provision = by_anchor[provision.parent]
    return provision


def _heading(unit: Provision) -> str | None:
    """The line a reader sees above a unit: "Article 5 — Prohibited AI practices"."""
    if unit.kind is ProvisionKind.RECITAL:
        return unit.label
    if unit.kind in (ProvisionKind.ARTICLE, ProvisionKind.ANNEX):
        # The last heading of an article or annex is its own number and title.
        return unit.heading_path[-1] if unit.heading_path else unit.label
    return None


def anchors_overlapping(spans: list[Span], start: int, end: int) -> tuple[str, ...]:
    """Anchors of the spans that share a character with text[start:end], in text order."""
    first = bisect.bisect_right(spans, start, key=lambda span: span[1])  # first span ending after start
    anchors: list[str] = []
    for span_start, _, anchor in spans[first:]:
        if span_start >= end:
            break
        anchors.append(anchor)
    return tuple(dict.fromkeys(anchors))


# ---------------------------------------------------------------------------------------
# bm25-naive


class Bm25Naive:
    """Fixed 1000-character slices of the plain text, ranked by BM25."""

    name = "bm25-naive"

    def __init__(self, text: str, spans: list[Span]):
        self._text = text
        self._spans = spans
        self._bounds = [
            (start, min(start + CHUNK_SIZE, len(text))) for start in range(0, len(text), CHUNK_SIZE)
        ]
        self._lexical = LexicalIndex.build([text[start:end] for start, end in self._bounds])

    def retrieve(self, question: str, k: int) -> list[RetrievedChunk]:
        found = []
        for position, score in self._lexical.search(question, k):
            start, end = self._bounds[position]
            found.append(
                RetrievedChunk(self._text[start:end], anchors_overlapping(self._spans, start, end), score)
            )
        return found


# ---------------------------------------------------------------------------------------
# langchain-naive


class DeskEmbeddings(Embeddings):
    """The desk's embedding model behind LangChain's interface: the baseline embeds with
    the same model as the desk, and nothing is downloaded."""

    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class LangChainNaive:
    """RecursiveCharacterTextSplitter chunks in a LangChain Chroma store, nearest first.

    The pipeline itself retrieves NAIVE_K (4) chunks; `retrieve` honours a larger k so that
    recall@k curves can be drawn for it, but only its first 4 are what it would answer from.
    """

    name = "langchain-naive"

    def __init__(self, store: Chroma, spans: list[Span]):
        self._store = store
        self._spans = spans

    @classmethod
    def build(cls, text: str, spans: list[Span], embedder: Embedder, cache_dir: Path) -> LangChainNaive:
        """Split and embed the text, or reopen the vectors a previous build stored for the
        same text and model (embedding the whole corpus takes about a minute)."""
        documents = split_documents(text)
        folder = cache_dir / f"langchain-naive-{_fingerprint(text, embedder.name)}"
        store = Chroma(
            collection_name=_COLLECTION,
            embedding_function=DeskEmbeddings(embedder),
            client=open_client(None, folder),
            # In the collection's configuration, where langchain-chroma looks to turn
            # distances into relevance scores.
            collection_configuration={"hnsw": {"space": "cosine"}},
        )
        ids = [f"chunk-{position}" for position in range(len(documents))]
        if set(store.get(include=[])["ids"]) != set(ids):  # absent, or an interrupted build
            store.reset_collection()
            for start in range(0, len(documents), _ADD_BATCH):
                store.add_documents(
                    documents[start : start + _ADD_BATCH], ids=ids[start : start + _ADD_BATCH]
                )
        return cls(store, spans)

    def retrieve(self, question: str, k: int = NAIVE_K) -> list[RetrievedChunk]:
        found = []
        for document, score in self._store.similarity_search_with_relevance_scores(question, k=k):
            start = document.metadata["start_index"]
            anchors = anchors_overlapping(self._spans, start, start + len(document.page_content))
            found.append(RetrievedChunk(document.page_content, anchors, score))
        return found


def split_documents(text: str) -> list[Document]:
    """The text as LangChain's default splitter cuts it, each piece with its start offset."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    return splitter.create_documents([text])


def _fingerprint(text: str, model: str) -> str:
    """Names the stored vectors: a new text, model or chunking gets a store of its own."""
    key = f"{model}\n{CHUNK_SIZE}/{CHUNK_OVERLAP}\n{text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
