"""Adapting the packaged embedding model to the corpus, from pairs the corpus itself gives.

all-MiniLM-L6-v2 was trained on web text; it does not know that a guidelines paragraph on
"emotion recognition at work" explains Article 5(1)(f), or that "Obligations of importers"
is what Article 23's paragraphs are. The corpus states such links itself:

- a guidelines paragraph, or a provision of the amending act, and the first provision of
  the law in force it refers to (the text that explains, the text explained);
- an article's or annex's title and each of its passages.

`tune` trains the model on those pairs with the multiple-negatives ranking loss (the other
pairs of a batch are the negatives), seeded, on the CPU, and saves a sentence-transformers
folder. `DESK_EMBEDDING__MODEL` set to that folder makes the next ingest embed with it.
No question of any eval set is used. sentence-transformers' own trainer needs `datasets`
and `accelerate`; the loop here is the few lines that loss takes in plain torch.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desk.index import LoadedIndex
from desk.links import law_explained

_LAW = "ai-act-consolidated"
_EXPLAINING = ("gl-5052", "gl-5053", "omnibus")


@dataclass(frozen=True)
class TuneReport:
    pairs: int
    steps: int
    first_loss: float
    last_loss: float
    folder: Path


def corpus_pairs(index: LoadedIndex) -> list[tuple[str, str]]:
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
    batches = [order[i : i + batch_size] for i in range(0, len(order) - batch_size + 1, batch_size)] * epochs
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    scale = 20.0  # cosine similarities scaled, as in sentence-transformers' MultipleNegativesRankingLoss
    losses: list[float] = []
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


def _embed_for_training(model, texts: list[str]):
    import torch

    features = model.preprocess(texts)
    return torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)
