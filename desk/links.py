"""What a reader may open from a cited passage: the provisions it refers to, the definitions
of the terms it uses.

A passage of Article 26 speaks of "high-risk AI systems", "deployers" and "Article 72"; a
reader who does not know what those are opens them in one click. References are those the
parser resolved in the provision's text (ingest/references.py); terms are those Article 3
defines, found in the passage's words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from desk.citations import label_for
from desk.index import LoadedIndex
from desk.index.loaded import Corpus
from desk.statements import title_of
from desk.types import Link, Provision, ProvisionKind

_DEFINED_TERM = re.compile(r"^‘([^’]{2,80})’ means")
_MAX_DEFINITIONS = 8


def defined_terms(index: Corpus) -> dict[str, str]:
    """Article 3's defined terms ('deployer', 'AI system'), lower-cased, with the anchors that
    define them; longest first, so 'general-purpose AI model' is found before 'AI model'."""
    terms: dict[str, str] = {}
    for provision in index.provisions:
        if provision.source_id != "ai-act-consolidated" or provision.parent != "art-3":
            continue
        if provision.kind is ProvisionKind.POINT and (found := _DEFINED_TERM.match(provision.text)):
            terms[found.group(1).lower()] = provision.anchor
    return dict(sorted(terms.items(), key=lambda item: -len(item[0])))


# "… for high-risk AI systems": the qualifier a title adds to what a firm names ("a fundamental
# rights impact assessment"); the title is known both with it and without it.
_TITLE_QUALIFIER = re.compile(r"\s+(for|of)\s+high-risk AI systems$", re.I)
_FEWEST_TITLE_WORDS = 2  # "Penalties", "Scope": one word says too little to name an article


def titled_articles(index: LoadedIndex) -> dict[str, str]:
    """The articles' own titles as a firm names them ('ai literacy', 'fundamental rights impact
    assessment', 'human oversight'), lower-cased, with their articles; longest first. A title
    two articles share names neither."""
    titles: dict[str, list[str]] = {}
    for provision in index.provisions:
        if provision.source_id != "ai-act-consolidated" or not _ARTICLE.fullmatch(provision.anchor):
            continue
        if not provision.in_force or (title := title_of(provision.heading_path)) is None:
            continue
        for form in {title.lower(), _TITLE_QUALIFIER.sub("", title).lower()}:
            if len(form.split()) >= _FEWEST_TITLE_WORDS:
                titles.setdefault(form, []).append(provision.anchor)
    named = {title: anchors[0] for title, anchors in titles.items() if len(set(anchors)) == 1}
    return dict(sorted(named.items(), key=lambda item: -len(item[0])))


_ARTICLE = re.compile(r"art-\d+[a-z]?")


def law_explained(provision: Provision) -> str | None:
    """The provision of the AI Act a guidelines paragraph or an amending provision explains:
    the first it refers to that is neither guidance, nor a recital, nor the amending act."""
    for reference in provision.references:
        if reference.anchor and not reference.anchor.startswith(("gl-", "rct-", "omnibus.")):
            return reference.anchor
    return None


class Links:
    def __init__(self, index: LoadedIndex, terms: dict[str, str] | None = None):
        """`terms`: the index's defined terms, when the caller has read them already."""
        self.index = index
        self.terms = defined_terms(index) if terms is None else terms
        # A term, its plural, at word boundaries: "deployer" finds "deployers", not "redeployer".
        self._patterns = [
            (term, anchor, re.compile(rf"\b{re.escape(term)}(s|es)?\b", re.I))
            for term, anchor in self.terms.items()
        ]
        self.of = lru_cache(maxsize=8192)(self._of)

    def _of(self, anchor: str, passage_id: str) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
        """(references, definitions) for a cited passage."""
        provision = self.index.provision(anchor)
        references: dict[str, Link] = {}
        for reference in provision.references if provision else ():
            if reference.anchor and reference.anchor != anchor:
                references.setdefault(
                    reference.anchor, Link(anchor=reference.anchor, label=label_for(reference.anchor))
                )
        passage = self.index.passage(passage_id)
        text = passage.text if passage else (provision.text if provision else "")
        return tuple(references.values()), self._definitions_in(text, anchor)

    def _definitions_in(self, text: str, anchor: str) -> tuple[Link, ...]:
        found: list[Link] = []
        lowered = text.lower()
        for term, defined_at, pattern in self._patterns:
            # The plain containment test first: most of the 68 terms are in no given passage.
            if defined_at == anchor or term not in lowered or not pattern.search(text):
                continue
            found.append(Link(anchor=defined_at, label=label_for(defined_at), term=term))
            # 'general-purpose AI model' found: its 'AI model' is not another term of this text.
            text = pattern.sub(" ", text)
            lowered = text.lower()
            if len(found) >= _MAX_DEFINITIONS:
                break
        return tuple(found)
