"""A correction's citations, chosen by label and checked against the corpus the desk serves.

Labels are read by the one citation parser (`desk.citations`), so "Art. 26(1)", "Article 26(1)"
and "art-26.par-1" name the same provision; each must name a provision the index holds.
"""

from __future__ import annotations

import re

from desk.citations import CitationError, label_for, parse_citation, resolve
from desk.index import LoadedIndex
from desk.review.schemas import ReviewedCitation

_MARKER = re.compile(r"\[(\d+)\]")


class CorrectionError(ValueError):
    """A correction the desk cannot serve as written; the message names every problem."""


def provision_text(index: LoadedIndex, anchor: str) -> str | None:
    """The provision's words as the index holds them now (all its passages); None: not there."""
    passages = index.passages_under(anchor)
    return "\n".join(p.text for p in passages) if passages else None


def cite_by_label(index: LoadedIndex, labels: list[str], text: str) -> list[ReviewedCitation]:
    """The citations the labels name, numbered in order; CorrectionError when a label names no
    provision of the corpus or the text cites a number no label has."""
    known = index.anchors()
    citations: list[ReviewedCitation] = []
    problems: list[str] = []
    for label in (label.strip() for label in labels):
        if not label:
            continue
        try:
            anchor = resolve(parse_citation(label), known, nearest=False)
        except CitationError:
            problems.append(f"{label!r} is not a citation (write e.g. Article 26(1), Annex III, Recital 53)")
            continue
        words = provision_text(index, anchor) if anchor else None
        if anchor is None or words is None:
            problems.append(f"{label!r} names no provision in the corpus the desk answers from")
            continue
        passage = index.passages_under(anchor)[0]
        citations.append(
            ReviewedCitation(
                number=len(citations) + 1,
                anchor=anchor,
                label=label_for(anchor),
                passage_id=passage.id,
                passage_text=words,
            )
        )
    unknown = sorted({int(n) for n in _MARKER.findall(text)} - {c.number for c in citations})
    if unknown and not problems:
        problems.append(
            f"the text cites {', '.join(f'[{n}]' for n in unknown)} but only {len(citations)} "
            "citation(s) are given: [n] cites the n-th label"
        )
    if problems:
        raise CorrectionError("; ".join(problems))
    return citations


def reviewed_citations(index: LoadedIndex, citations: list[dict]) -> list[ReviewedCitation]:
    """An approved answer's own citations, each with its provision's words as they read now."""
    return [
        ReviewedCitation(
            number=c["number"],
            anchor=c["anchor"],
            label=c["label"],
            passage_id=c["passage_id"],
            quote=c.get("quote"),
            passage_text=provision_text(index, c["anchor"]) or "",
        )
        for c in citations
    ]
