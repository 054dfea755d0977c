"""A direct answer states only what the passages it cites state. Checked before it leaves.

Each sentence of a lead must cite a passage, and
    every date, euro amount and percentage it states stands in a passage it cites;
    every provision it names is one it cites, one a cited passage refers to, or one the
    sentence says does not exist (a correction: "There is no Article 160").
A sentence that fails is dropped and the answer flagged (fail closed); the same check reads
what an LLM wrote as what the desk composed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from desk.answering.checks import cited_numbers, split_sentences
from desk.citations import find_citations
from desk.index.loaded import Corpus
from desk.types import Passage

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b", re.I)
_AMOUNT = re.compile(r"\bEUR\s?\d[\d\s\u00a0,.]*\d|\bEUR\s?\d", re.I)
_PERCENT = re.compile(r"\b\d+(?:[.,]\d+)?\s?%")


@dataclass(frozen=True)
class LeadSentence:
    """One sentence of a direct answer, with its [n] markers."""

    text: str
    denies: tuple[str, ...] = ()  # anchors of provisions it says the law does not have


def figures(text: str) -> set[str]:
    """The dates, euro amounts and percentages a text states, written one way."""
    found = {" ".join(d.lower().split()) for d in DATE.findall(text)}
    found |= {"eur " + re.sub(r"\D", "", a) for a in _AMOUNT.findall(text)}
    found |= {p.replace(" ", "").replace(",", ".") for p in _PERCENT.findall(text)}
    return found


def unsupported(sentence: LeadSentence, passages: Sequence[Passage], corpus: Corpus) -> str | None:
    """Why a sentence is not borne out by the passages it cites; None when it is."""
    numbers = [n for n in cited_numbers(sentence.text) if 1 <= n <= len(passages)]
    if not numbers:
        return None if sentence.denies and not figures(sentence.text) else "it cites no passage"
    cited = [passages[n - 1] for n in numbers]
    stated = set().union(*(figures(p.text) for p in cited))
    if missing := figures(sentence.text) - stated:
        return f"{', '.join(sorted(missing))} is in no passage it cites"
    allowed = _named_by(cited, corpus)
    for found in find_citations(re.sub(r"\[\d+\]", "", sentence.text)):
        if found.anchor in sentence.denies or any(_within(found.anchor, a, corpus) for a in allowed):
            continue
        return f"{found.text} is neither cited nor named by a passage it cites"
    return None


def verify(
    sentences: Sequence[LeadSentence], passages: Sequence[Passage], corpus: Corpus
) -> tuple[list[LeadSentence], list[tuple[LeadSentence, str]]]:
    """(the sentences that hold, the sentences dropped with the reason)."""
    kept, dropped = [], []
    for sentence in sentences:
        reason = unsupported(sentence, passages, corpus)
        if reason is None:
            kept.append(sentence)
        else:
            dropped.append((sentence, reason))
    return kept, dropped


def verify_text(text: str, passages: Sequence[Passage], corpus: Corpus) -> tuple[str, list[str]]:
    """A written lead (an LLM's) with the sentences that do not hold taken out, and those."""
    kept, dropped = verify([LeadSentence(s) for s in split_sentences(text)], passages, corpus)
    return " ".join(s.text for s in kept), [s.text for s, _ in dropped]


def _named_by(cited: Sequence[Passage], corpus: Corpus) -> set[str]:
    """The cited passages' anchors and the provisions they refer to."""
    allowed = {p.anchor for p in cited}
    for passage in cited:
        provision = corpus.provision(passage.anchor)
        allowed |= {r.anchor for r in provision.references if r.anchor} if provision else set()
        allowed |= _named_in(passage.text)
    return allowed


@lru_cache(maxsize=8192)
def _named_in(text: str) -> frozenset[str]:
    """The provisions a passage's text names; passages recur from question to question."""
    return frozenset(found.anchor for found in find_citations(text))


def _within(named: str, allowed: str, corpus: Corpus) -> bool:
    """One provision contains the other, or the named one is read in the allowed passage (a
    point of a short list, such as Article 113's points, lives in its paragraph's passage)."""
    if named == allowed or named.startswith(allowed + ".") or allowed.startswith(named + "."):
        return True
    holders = corpus.passages_under(named)
    return bool(holders) and any(p.anchor == allowed for p in holders[:1])
