"""The whole ingest: fetch, parse, chunk, adapt, embed, index, then switch the desk over.

    fetch ─► parse ─► link references ─► chunk ─► adapt the model (kept) ─► embed (cached)
          ─► Chroma + BM25 ─► publish

The index is named after a hash of what builds it (parser version, chunking, embedding
model, the sha256 of every source file), so the name is known before any parsing: when
the current index already has that name, ingest is a no-op. Otherwise a new index is
built in a staging folder beside the current one and published only when whole; an
ingest killed half-way leaves the current index serving and its staging folder is swept
by the next run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from desk.embedder import Embedder, embedder_from_settings, is_adapted
from desk.index import Corpus
from desk.index.layout import (
    CHROMA_DIR,
    LEXICAL_DIR,
    PASSAGES_FILE,
    PROVISIONS_FILE,
    IndexLayout,
    IndexManifest,
    SourceRecord,
    write_jsonl,
)
from desk.index.lexical import LAW, PLAN, GroupedLexicalIndex
from desk.index.vectors import COLLECTION_METADATA, collection_name, open_client, write_passages
from desk.settings import Settings
from desk.sources import Manifest, SourceUse, load_manifest
from desk.types import Authority, Passage, Provision, ProvisionKind
from ingest.chunk import chunk
from ingest.embedding_cache import EmbeddingCache
from ingest.encoder_export import ensure_encoder
from ingest.fetch import FetchedSource, fetch_all
from ingest.parse import PARSER_VERSION, parse_source
from ingest.references import link_references
from ingest.tune import RECIPE, adapt, is_kept

# Sources parsed only to cross-check another parse play no part in the index.
_INDEXED_USES = {SourceUse.ALL, SourceUse.RECITALS, SourceUse.HISTORY}


class Stage:
    """Names of the stages, as progress reports them."""

    FETCH = "fetch"
    PARSE = "parse"
    CHUNK = "chunk"
    ADAPT = "adapt"
    EMBED = "embed"
    EXPORT = "export"  # the question encoder (ingest/encoder_export.py)
    INDEX = "index"


@dataclass
class IngestReport:
    index_name: str
    built: bool
    sources: dict[str, SourceRecord]
    skipped: dict[str, str] = field(default_factory=dict)
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    model: str = ""  # the embedding model the index was built with
    adapted: bool = False  # the model was adapted to the corpus during this ingest


class Progress:
    """What ingest tells whoever watches it; the CLI draws bars, tests stay quiet."""

    def stage(self, name: str, total: int | None = None) -> None: ...
    def advance(self, amount: int = 1) -> None: ...
    def note(self, message: str) -> None: ...


def index_name(settings: Settings, fetched: list[FetchedSource]) -> str:
    recipe = {
        "parser": PARSER_VERSION,
        "chunking": settings.chunking.model_dump(),
        "model": [settings.embedding.model, settings.embedding.max_tokens],
        "adapt": RECIPE if settings.embedding.adapt else None,
        "vectors": COLLECTION_METADATA,
        "sources": {f.source.id: [file.sha256 for file in [*f.files, *f.secondary]] for f in fetched},
    }
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()
    return digest[:16]


def ingest(
    settings: Settings,
    embedder_factory: Callable[[], Embedder],
    *,
    progress: Progress | None = None,
    force: bool = False,
    manifest: Manifest | None = None,
    keep_previous: bool = False,
) -> IngestReport:
    """Bring the index up to date with the sources; a no-op when it already is.

    `embedder_factory` gives the settings' model. When the settings adapt it to the corpus
    (the default), ingest loads the adapted model itself, training it first if none is kept.
    `keep_previous`: the index served until now is not removed (a running desk swaps to the
    new one a moment after it is published, and reads the old one until then)."""
    progress = progress or Progress()
    started = time.perf_counter()
    timer = _StageTimer()
    manifest = manifest or load_manifest(settings.corpus.sources_file)
    layout = IndexLayout(settings.index_root)
    settings.index_root.mkdir(parents=True, exist_ok=True)

    with timer(Stage.FETCH):
        progress.stage(Stage.FETCH, len(manifest.sources))
        skipped: dict[str, str] = {}
        fetched = fetch_all(
            manifest,
            cache_dir=settings.download_cache,
            local_dir=settings.corpus.local_dir,
            timeout=settings.corpus.download_timeout_s,
            on_skip=lambda source, reason: skipped.__setitem__(source.id, reason),
        )
        fetched = [f for f in fetched if f.source.uses in _INDEXED_USES]
        for reason in skipped.values():
            progress.note(f"skipped: {reason}")

    name = index_name(settings, fetched)
    current = layout.current_name()
    existing = layout.manifest(name) if current == name else None
    if existing and not force and _vectors_present(settings, layout, existing) and _model_present(existing):
        layout.prune(keep={name})
        if settings.embedding.question_encoder == "onnx-int8":
            with timer(Stage.EXPORT):
                model = _loader(existing.embedding_model, settings, embedder_factory)
                _export_encoder(layout.path(name), model, progress)
        return IngestReport(
            name, False, existing.sources, skipped, existing.passages,
            seconds=time.perf_counter() - started, stage_seconds=timer.seconds,
            model=existing.embedding_model,
        )  # fmt: skip

    with timer(Stage.PARSE):
        progress.stage(Stage.PARSE, len(fetched))
        provisions = _parse_all(fetched, progress)

    with timer(Stage.CHUNK):
        progress.stage(Stage.CHUNK)
        passages = _passages_of(fetched, provisions, settings)

    model, adapted = settings.embedding.model, False
    if settings.embedding.adapt:
        with timer(Stage.ADAPT):
            progress.stage(Stage.ADAPT)
            corpus = Corpus(passages, [p for items in provisions.values() for p in items])
            folder, adapted = adapt(settings, corpus, progress=lambda step, steps, loss: progress.advance())
        model = str(folder)
        adapted_settings = settings.embedding.model_copy(update={"model": model, "adapt": False})
        embedder_factory = lambda: embedder_from_settings(adapted_settings)  # noqa: E731

    embedder_factory = functools.cache(embedder_factory)  # embedding and export share one load
    staging = layout.staging_path(name)
    staging.mkdir(parents=True)
    layout.prune(keep={n for n in (current, name) if n} | {staging.name})
    with timer(Stage.EMBED):
        progress.stage(Stage.EMBED, len(passages))
        vectors, embedded = _embed(passages, settings, model, embedder_factory, progress)

    if settings.embedding.question_encoder == "onnx-int8":
        with timer(Stage.EXPORT):
            _export_encoder(staging, embedder_factory, progress)

    with timer(Stage.INDEX):
        progress.stage(Stage.INDEX)
        records = _source_records(fetched, provisions, passages)
        dimensions = int(vectors.shape[1]) if len(passages) else 0
        _write_index(staging, name, settings, passages, vectors, provisions)
        built = IndexManifest(
            name=name,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            parser_version=PARSER_VERSION,
            embedding_model=model,
            dimensions=dimensions,
            chunking=settings.chunking.model_dump(),
            sources=records,
            passages=len(passages),
            provisions=sum(len(p) for p in provisions.values()),
            collection=collection_name(name),
            build_seconds=round(time.perf_counter() - started, 2),
        )
        layout.publish(staging, built)
        _forget_old(settings, layout, keep={name, current} if keep_previous and current else {name})

    return IngestReport(
        name, True, records, skipped, len(passages), embedded, len(passages) - embedded,
        seconds=time.perf_counter() - started, stage_seconds=timer.seconds, model=model, adapted=adapted,
    )  # fmt: skip


def _parse_all(fetched: list[FetchedSource], progress: Progress) -> dict[str, list[Provision]]:
    parsed: dict[str, list[Provision]] = {}
    for item in fetched:
        secondary = {f.spec.holds: f.path for f in item.secondary if f.spec.holds}
        parsed[item.source.id] = parse_source(item.source, [f.path for f in item.files], secondary)
        progress.advance()
    # References resolve to the law in force, and to recitals (which only the OJ text has).
    in_force = {
        p.anchor
        for item in fetched
        for p in parsed[item.source.id]
        if (item.source.uses is SourceUse.ALL and p.in_force) or p.kind is ProvisionKind.RECITAL
    }
    return {source_id: link_references(provisions, in_force) for source_id, provisions in parsed.items()}


def _passages_of(
    fetched: list[FetchedSource], provisions: dict[str, list[Provision]], settings: Settings
) -> list[Passage]:
    passages: list[Passage] = []
    for item in fetched:
        chosen = provisions[item.source.id]
        if item.source.uses is SourceUse.HISTORY:
            continue
        if item.source.uses is SourceUse.RECITALS:
            chosen = [p for p in chosen if p.kind is ProvisionKind.RECITAL]
        passages += chunk(chosen, settings.chunking)
    return passages


def _embed(
    passages: list[Passage],
    settings: Settings,
    model: str,
    embedder_factory: Callable[[], Embedder],
    progress: Progress,
) -> tuple[np.ndarray, int]:
    """Vectors for every passage; only those not in the cache are computed. An adapted model
    is cached under its folder's name, which says what made it, wherever the folder is."""
    key = Path(model).name if is_adapted(model) else model
    cache = EmbeddingCache(settings.data_dir / "embeddings.sqlite", key)
    try:
        hashes = [p.content_hash for p in passages]
        known = cache.get_many(list(set(hashes)))
        progress.advance(sum(1 for h in hashes if h in known))
        missing = {h: p for p, h in zip(passages, hashes, strict=True) if h not in known}
        if missing:
            embedder = embedder_factory()
            # Batches of like length waste no compute on padding.
            todo = sorted(missing.items(), key=lambda item: len(item[1].embedded_text))
            batch = max(settings.embedding.batch_size * 4, 64)
            for start in range(0, len(todo), batch):
                part = todo[start : start + batch]
                vectors = embedder.embed([p.embedded_text for _, p in part])
                fresh = dict(zip([h for h, _ in part], vectors, strict=True))
                cache.put_many(fresh)  # committed per batch: a killed ingest keeps its work
                known.update(fresh)
                progress.advance(len(part))
        matrix = np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, 0), np.float32)
        return matrix, len(missing)
    finally:
        cache.close()


def _loader(model: str, settings: Settings, factory: Callable[[], Embedder]) -> Callable[[], Embedder]:
    """How to load `model`: `factory` gives the settings' model; an adapted one is loaded from
    its folder."""
    if model == settings.embedding.model:
        return factory
    named = settings.embedding.model_copy(update={"model": model, "adapt": False})
    return lambda: embedder_from_settings(named)


def _export_encoder(folder: Path, load_model: Callable[[], Embedder], progress: Progress) -> None:
    """Export the index's model as its question encoder, once per index: the model is loaded
    only if the index has none yet. An export that fails leaves the index served with the
    model itself (slower, same answers) and says why."""
    from desk.embedder import EmbedderError

    progress.stage(Stage.EXPORT)
    try:
        ensure_encoder(folder, load_model)
    except (EmbedderError, RuntimeError, OSError) as error:
        progress.note(f"questions will be embedded with the model itself: no ONNX encoder ({error})")


def _write_index(
    folder: Path,
    name: str,
    settings: Settings,
    passages: list[Passage],
    vectors: np.ndarray,
    provisions: dict[str, list[Provision]],
) -> None:
    write_jsonl(folder / PASSAGES_FILE, passages)
    write_jsonl(folder / PROVISIONS_FILE, [p for items in provisions.values() for p in items])
    labels = [PLAN if p.authority is Authority.POLICY else LAW for p in passages]
    GroupedLexicalIndex.build([p.embedded_text for p in passages], labels).save(folder / LEXICAL_DIR)
    client = open_client(settings.chroma_url, folder / CHROMA_DIR)
    write_passages(client, collection_name(name), passages, vectors)
    _release(client)


def _model_present(manifest: IndexManifest) -> bool:
    """The adapted model the index was built with is still kept: the desk embeds questions
    with it, so an index whose model folder was deleted is built again (and the model with it)."""
    model = manifest.embedding_model
    return not is_adapted(model) or is_kept(Path(model))


def _vectors_present(settings: Settings, layout: IndexLayout, manifest: IndexManifest) -> bool:
    """The current index is whole on disk; with a server, its collection is there too."""
    if not settings.chroma_url:
        return True
    client = open_client(settings.chroma_url, layout.path(manifest.name) / CHROMA_DIR)
    try:
        return client.get_collection(collection_name(manifest.name)).count() == manifest.passages
    except Exception:  # missing collection: rebuild it
        return False


def _forget_old(settings: Settings, layout: IndexLayout, keep: set[str]) -> None:
    """Drop older indexes (folders, server collections) and vectors no index uses."""
    removed = layout.prune(keep=keep)
    if settings.chroma_url:
        client = open_client(settings.chroma_url, Path("."))
        for stale in removed:
            try:
                client.delete_collection(collection_name(stale))
            except Exception:  # never created on this server
                continue
    hashes = set()
    for name in keep:
        with open(layout.path(name) / PASSAGES_FILE, encoding="utf-8") as handle:
            hashes |= {Passage.model_validate_json(line).content_hash for line in handle}
    cache = EmbeddingCache(settings.data_dir / "embeddings.sqlite", settings.embedding.model)
    try:
        cache.prune(hashes)
    finally:
        cache.close()


def _release(client) -> None:
    """Let go of an embedded store before its folder moves (chromadb caches one per path)."""
    with suppress(AttributeError):
        client.clear_system_cache()


def _source_records(
    fetched: list[FetchedSource], provisions: dict[str, list[Provision]], passages: list[Passage]
) -> dict[str, SourceRecord]:
    per_source = Counter(p.source_id for p in passages)
    return {
        item.source.id: SourceRecord(
            title=item.source.title,
            version=item.source.version,
            authority=item.source.authority.value,
            uses=item.source.uses.value,
            sha256=[f.sha256 for f in item.files],
            provisions=dict(Counter(p.kind.value for p in provisions[item.source.id])),
            passages=per_source[item.source.id],
        )
        for item in fetched
    }


class _StageTimer:
    """Seconds spent per stage, for the report and the benchmark."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(time.perf_counter() - start, 3)
