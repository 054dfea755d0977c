"""Answer-quality metrics: pure functions on anchors and texts, each per case.

Two levels of matching a retrieved or cited provision against a gold citation:

    loose   the same article, annex or recital (`art-5.par-1.pt-f` ~ `art-5`)
    strict  one contains the other (`art-5.par-1` ~ `art-5.par-1.pt-f`, not ~ `art-5.par-2`)

Retrieved units are lists of anchors (a desk passage has one; a naive baseline's chunk may
overlap several): a unit matches a gold citation when any of its anchors does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from desk.backends.extractive import LAW_SAYS
from desk.citations import top_unit


class Level(StrEnum):
    LOOSE = "loose"
    STRICT = "strict"


Unit = Sequence[str]  # the anchors one retrieved unit stands for


def matches(anchor: str, gold: str, level: Level) -> bool:
    if level is Level.LOOSE:
        return top_unit(anchor) == top_unit(gold)
    return anchor == gold or anchor.startswith(gold + ".") or gold.startswith(anchor + ".")


def _unit_matches(unit: Unit, gold: str, level: Level) -> bool:
    return any(matches(anchor, gold, level) for anchor in unit)


def recall_at_k(retrieved: Sequence[Unit], gold: Sequence[str], k: int, level: Level) -> float | None:
    """Share of the gold citations matched by one of the first k units (None without gold)."""
    if not gold:
        return None
    top = retrieved[:k]
    return sum(any(_unit_matches(unit, g, level) for unit in top) for g in gold) / len(gold)


def reciprocal_rank(retrieved: Sequence[Unit], gold: Sequence[str], level: Level) -> float | None:
    if not gold:
        return None
    for rank, unit in enumerate(retrieved, start=1):
        if any(_unit_matches(unit, g, level) for g in gold):
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved: Sequence[Unit], gold: Sequence[str], k: int, level: Level) -> float | None:
    """Binary relevance; a gold citation counts once, at the first unit that matches it."""
    if not gold:
        return None
    found: set[str] = set()
    gain = 0.0
    for rank, unit in enumerate(retrieved[:k], start=1):
        new = [g for g in gold if g not in found and _unit_matches(unit, g, level)]
        if new:
            found.update(new)
            gain += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(gold)) + 1))
    return gain / ideal


def citation_precision(cited: Sequence[str], gold: Sequence[str], level: Level) -> float | None:
    """Share of the answer's citations that match a gold citation (None when it cites nothing)."""
    if not cited or not gold:
        return None
    return sum(any(matches(c, g, level) for g in gold) for c in cited) / len(cited)


def citation_recall(cited: Sequence[str], gold: Sequence[str], level: Level) -> float | None:
    if not gold:
        return None
    return sum(any(matches(c, g, level) for c in cited) for g in gold) / len(gold)


def nonexistent(cited: Sequence[str], known: set[str]) -> int:
    """Citations to provisions the corpus does not have."""
    return sum(1 for anchor in cited if anchor not in known)


# ---------------------------------------------------------------------------------------
# Faithfulness and correctness, offline

_WORD = re.compile(r"[a-z0-9]+(?:['’-][a-z0-9]+)*")
_STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or such that the their "
    "this those to under was were which with".split()
)
_CITATION = re.compile(r"\[\d+\]")
# Sentences end at . ! ? before a capital, or at a line break; not at ":" — "Article 5(1)(f):
# “…” [1]" is one sentence whose citation stands at its end.
# Not after a list number ("areas: 4. Employment …" is one sentence).
_SENTENCE = re.compile(r"(?<!\b\d\.)(?<!\b\d\d\.)(?<=[.!?])\s+(?=[A-Z(“\"‘])|\n+")
SUPPORTED = 0.6  # share of a sentence's content words that must stand in the passages it cites


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def sentence_support(sentence: str, cited_texts: Sequence[str]) -> float:
    """Share of a sentence's content words found in the passages it cites (lexical entailment)."""
    words = content_words(_CITATION.sub("", sentence))
    if not words:
        return 1.0
    available = set().union(*(content_words(text) for text in cited_texts)) if cited_texts else set()
    return len(words & available) / len(words)


_ATTRIBUTED_QUOTE = re.compile(r"^[^“”]{1,200}:\s*“(.+)”\s*(?:\[\d+\]\s*)+$", re.S)


def without_citations(text: str) -> str:
    return _CITATION.sub("", text)


def cited_sentences(answer: str, passages_by_number: dict[int, str]) -> list[tuple[str, list[str]]]:
    """The answer's sentences that say something, each with the texts of the passages it cites."""
    found = []
    for line in answer.splitlines():
        if line.strip() == LAW_SAYS:  # the heading over the quotes says nothing of the law
            continue
        # A quoted statement is one claim however many sentences it holds: its marker ends it.
        sentences = [line] if _ATTRIBUTED_QUOTE.match(line.strip()) else _SENTENCE.split(line)
        found += _with_their_passages(sentences, passages_by_number)
    return found


def _with_their_passages(
    sentences: list[str], passages_by_number: dict[int, str]
) -> list[tuple[str, list[str]]]:
    found = []
    for sentence in sentences:
        if content_words(without_citations(sentence)):
            numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
            found.append((sentence, [passages_by_number[n] for n in numbers if n in passages_by_number]))
    return found


def faithfulness(answer: str, passages_by_number: dict[int, str]) -> float | None:
    """Share of answer sentences supported by the passages they cite; a sentence that cites
    nothing is supported by nothing. None for an empty answer."""
    sentences = cited_sentences(answer, passages_by_number)
    if not sentences:
        return None
    supported = 0
    for sentence, texts in sentences:
        # 'Article 5(1)(c): “…” [1]': the label before the quote says where the words are from
        # (and, for guidance, that it is not binding); the claim is the quote.
        quoted = _ATTRIBUTED_QUOTE.match(sentence.strip())
        supported += sentence_support(quoted.group(1) if quoted else sentence, texts) >= SUPPORTED
    return supported / len(sentences)


def similarity(answer_vector: np.ndarray, reference_vector: np.ndarray) -> float:
    """Cosine similarity of two unit vectors (answer and reference answer)."""
    return float(np.clip(np.dot(answer_vector, reference_vector), -1.0, 1.0))


# ---------------------------------------------------------------------------------------
# Aggregates


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 4) if present else None


def percentile(values: Sequence[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(float(np.percentile(ordered, share * 100)), 1)
