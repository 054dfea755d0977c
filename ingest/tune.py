"""Adapting the packaged embedding model to the corpus, from pairs the corpus itself gives.

all-MiniLM-L6-v2 was trained on web text; it does not know that a guidelines paragraph on
"emotion recognition at work" explains Article 5(1)(f), or that "Obligations of importers"
is what Article 23's paragraphs are. The corpus states such links itself:

- a guidelines paragraph, or a provision of the amending act, and the first provision of
  the law in force it refers to (the text that explains, the text explained; for an
  amending instruction, the provision it changes);
- an article's or annex's title and each of its passages.

`tune` trains the model on those pairs with the multiple-negatives ranking loss (the other
pairs of a batch are the negatives), seeded, on the CPU, and saves a sentence-transformers
folder. No question of any eval set is used.

Ingest adapts the model by default (`adapt`): the adapted model is named after a hash of
the base model, the recipe and the pairs, and kept in the models folder, so it is trained
once per corpus version and reused by every later ingest (`prune_models` removes those no
index of a data folder uses any more). Training on the CPU repeats: the same pairs and
seed gave the same model, and the same eval figures, in separate runs.
Beside the model lies its similarity scale (`similarity_scale`), so that the desk's
relevance floor, set on the packaged model, means the same with the adapted one.

sentence-transformers' own trainer needs `datasets` and `accelerate`; the loop here is the
few lines that loss takes in plain torch.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import random
import shutil
from collections.abc import Callable
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from desk.embedder import ADAPTED_PREFIX, SimilarityScale
from desk.index import Corpus, IndexLayout
from desk.links import law_explained
from desk.settings import Settings

_LAW = "ai-act-consolidated"
_RECITALS = "ai-act-oj"  # the Act as published: its recitals
_EXPLAINING = ("gl-5052", "gl-5053", "omnibus")
# How ingest adapts a model: a change here names a new model (and so a new index). Version 2
# keeps the similarity scale as every probe's similarity (quantiles), not two means; the
# training itself is as in version 1, so the weights come out the same.
RECIPE = {"version": 2, "epochs": 1, "batch_size": 32, "learning_rate": 2e-5, "seed": 0}
# A kept model's folder is renamed into place only after the model is saved, so a folder
# holding this file of sentence-transformers' is whole.
_SAVED = "modules.json"
_ADAPTED = ADAPTED_PREFIX  # how the folders of adapted models are named (desk.embedder.is_adapted)
_PARTIAL = ".partial-"  # and a model's while it is trained, before the rename
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
# Texts on other subjects, for the low end of a model's similarities (SimilarityScale);
# written for this, not taken from any eval set.
OFF_TOPIC = (
    "How long should I boil an egg for a soft yolk?",
    "The train to Lyon leaves from platform four at noon.",
    "Which varieties of tomato grow best in a greenhouse?",
    "Our football team won the regional cup after extra time.",
    "What is the best way to remove red wine from a carpet?",
    "The museum reopens in spring with an exhibition of Dutch landscapes.",
    "How many kilometres is a marathon?",
    "She tuned the violin before the evening concert.",
    "Can I take my dog on a ferry to Ireland?",
    "The bakery sells sourdough bread and almond croissants every morning.",
    "What causes the northern lights?",
    "We are repainting the kitchen in a pale green.",
    "How do I change a flat tyre on a bicycle?",
    "The hotel breakfast is served between seven and ten.",
    "Which mountains are the highest in the Alps?",
    "He planted apple trees along the garden wall.",
    "What temperature should a fridge be set to?",
    "The novel follows three sisters on a farm in Norway.",
    "How often should a lawn be watered in summer?",
    "The orchestra rehearses on Tuesday evenings in the town hall.",
)


@dataclass(frozen=True)
class TuneReport:
    pairs: int
    steps: int
    first_loss: float
    last_loss: float
    folder: Path


def corpus_pairs(index: Corpus) -> list[tuple[str, str]]:
    """(text, related text) pairs that the corpus states, in index order."""
    pairs: list[tuple[str, str]] = []
    for passage in index.passages:
        provision = index.provision(passage.anchor)
        if passage.source_id in _EXPLAINING and provision is not None:
            explained = law_explained(provision)
            law = [p for p in index.passages_under(explained) if p.source_id == _LAW][:1] if explained else []
            pairs += [(passage.text, p.text) for p in law]
        elif passage.source_id == _LAW and passage.heading_path:
            # "Article 23 — Obligations of importers" gives "Obligations of importers".
            title = passage.heading_path[-1].split("—", 1)[-1].strip()
            pairs.append((title, passage.text))
    return pairs


def tune(
    model,
    pairs: list[tuple[str, str]],
    folder: Path,
    *,
    epochs: int = 1,
    batch_size: int = 32,
    learning_rate: float = 2e-5,
    seed: int = 0,
    progress: Callable[[int, int, float], None] = lambda step, steps, loss: None,
) -> TuneReport:
    """Train `model` (a SentenceTransformer) on `pairs` and save it to `folder`."""
    import torch

    torch.manual_seed(seed)
    order = list(pairs)
    random.Random(seed).shuffle(order)
    # The last batch may be short; one of a single pair has no negative to learn from.
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    batches = [batch for batch in batches if len(batch) > 1] * epochs
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    scale = 20.0  # cosine similarities scaled, as in sentence-transformers' MultipleNegativesRankingLoss
    losses: list[float] = []
    with _activations_recomputed(model), _freed_blocks_unmapped():
        model.train()
        for step, batch in enumerate(batches, start=1):
            anchors = _embed_for_training(model, [a for a, _ in batch])
            positives = _embed_for_training(model, [b for _, b in batch])
            logits = anchors @ positives.T * scale
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
            progress(step, len(batches), losses[-1])
    model.eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder))
    return TuneReport(
        len(pairs), len(batches), losses[0] if losses else 0.0, losses[-1] if losses else 0.0, folder
    )


def adapted_folder(settings: Settings, pairs: list[tuple[str, str]]) -> Path:
    """Where the model adapted on `pairs` lives: named after what makes it."""
    recipe = {
        "base": settings.embedding.model.strip(),
        "max_tokens": settings.embedding.max_tokens,
        "recipe": RECIPE,
        "pairs": hashlib.sha256(json.dumps(pairs).encode()).hexdigest(),
    }
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]
    return settings.adapted_models / f"{_ADAPTED}{digest}"


def is_kept(folder: Path) -> bool:
    """An adapted model is saved whole in `folder`."""
    return (folder / _SAVED).is_file()


@dataclass(frozen=True)
class KeptModel:
    folder: Path
    size_bytes: int
    in_use: bool  # an index of this data folder searches with it


def kept_models(settings: Settings) -> list[KeptModel]:
    """The adapted models whole in the models folder, and whether an index of this data
    folder (the one in service, or one kept beside it) was built with each."""
    root = settings.adapted_models
    if not root.is_dir():
        return []
    layout = IndexLayout(settings.index_root)
    used = {Path(layout.manifest(name).embedding_model).resolve() for name in layout.names()}
    return [
        KeptModel(folder, _size(folder), folder.resolve() in used)
        for folder in sorted(root.iterdir())
        # A folder still named `.partial-PID` is a training's, not yet renamed into place.
        if folder.name.startswith(_ADAPTED) and _PARTIAL not in folder.name and is_kept(folder)
    ]


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def prune_models(settings: Settings, dry_run: bool = False) -> list[KeptModel]:
    """Remove the adapted models no index of this data folder uses (a recipe or corpus
    change leaves the old one behind, about 90 MB). Refused when this data folder has no
    index: nothing would tell which model is in use."""
    if not IndexLayout(settings.index_root).names():
        raise ValueError(f"no index in {settings.index_root}: nothing tells which model is in use")
    unused = [model for model in kept_models(settings) if not model.in_use]
    for model in unused if not dry_run else ():
        shutil.rmtree(model.folder, ignore_errors=True)
    return unused


def adapt(
    settings: Settings,
    corpus: Corpus,
    progress: Callable[[int, int, float], None] = lambda step, steps, loss: None,
) -> tuple[Path, bool]:
    """The settings' model adapted to `corpus`, trained unless it is kept already:
    (its folder, whether it was trained now)."""
    pairs = corpus_pairs(corpus)
    folder = adapted_folder(settings, pairs)
    if is_kept(folder):
        return folder, False
    from desk.embedder import embedder_from_settings

    base = embedder_from_settings(settings.embedding).model  # a fresh copy: training changes it
    staging = folder.with_name(f"{folder.name}{_PARTIAL}{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    recipe = {key: value for key, value in RECIPE.items() if key != "version"}
    before = probe_similarities(base, corpus)  # the packaged model, measured before it is trained
    tune(base, pairs, staging, progress=progress, **recipe)
    similarity_scale(probe_similarities(base, corpus), before).save(staging)  # kept with its model
    try:
        staging.rename(folder)
    except OSError:  # another ingest saved the same model first: theirs is as good
        shutil.rmtree(staging, ignore_errors=True)
    return folder, True


def probe_similarities(model, corpus: Corpus) -> tuple[float, ...] | None:
    """`model`'s best similarity to the law's passages of each probe, ascending: texts on
    other subjects, and the Act's recitals as published (which no training pair holds; they
    explain the law in the words questions use). None when the corpus has no recitals or no
    law to measure on."""
    recitals = [p.text for p in corpus.passages if p.source_id == _RECITALS and p.anchor.startswith("rct-")]
    law = [p.embedded_text for p in corpus.passages if p.source_id == _LAW]
    if not recitals or not law:
        return None

    def encode(texts):
        return model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)

    best = (encode([*OFF_TOPIC, *recitals]) @ encode(law).T).max(axis=1)
    return tuple(sorted(round(float(similarity), 6) for similarity in best))


def similarity_scale(
    adapted: tuple[float, ...] | None, packaged: tuple[float, ...] | None
) -> SimilarityScale:
    """How the adapted model's similarities read on the packaged model's scale, from each
    model's `probe_similarities` on the same corpus (desk.embedder.SimilarityScale)."""
    try:
        return SimilarityScale(adapted, packaged) if adapted and packaged else SimilarityScale()
    except ValueError:  # nothing to read by (too few probes, all alike): read as the packaged model
        return SimilarityScale()


@contextmanager
def _activations_recomputed(model):
    """Train `model` keeping only each layer's input from the forward passes, each layer's
    activations computed again in the backward pass. One step's two forward passes (32 texts
    of 128 word pieces each) kept 2.2 GB of activations for the backward pass; recomputed, a
    step peaks about 0.25 GB above the model and its optimiser, for 40% more time a step.
    The recomputation replays each layer's dropout with the random state of its forward
    pass, so the weights come out bit for bit as without it."""
    transformer = model[0].auto_model
    transformer.activation_checkpointing_enable()
    try:
        yield
    finally:
        transformer.activation_checkpointing_disable()
        transformer.disable_input_require_grads()  # a hook the enabling adds: the model is left as it was


@contextmanager
def _freed_blocks_unmapped():
    """Have glibc give every block of 1 MiB and more back to the system as it is freed.
    Its threshold for that rises by default to the largest block freed (up to 32 MiB), so a
    step's activations of 6 and 24 MiB were served from its heap, which never shrank below
    the step's most fragmented layout: with activations recomputed, 2.4 GB of RSS where
    1.2 GB do with the threshold fixed, at about 2 s a step for the pages mapped afresh.
    Afterwards the threshold is left at 32 MiB, where glibc's own stops rising: encoding
    with it fixed at 1 MiB took 40% longer."""
    _set_mmap_threshold(1 << 20)
    try:
        yield
    finally:
        _set_mmap_threshold(32 << 20)


def _set_mmap_threshold(size: int) -> None:
    with suppress(OSError, AttributeError):  # not glibc: its allocator is left as it is
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, size)


def _embed_for_training(model, texts: list[str]):
    import torch

    features = model.preprocess(texts)
    return torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)
