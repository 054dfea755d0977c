"""What composing a lead reads: the law in force, looked up by structure, and the numbered
passages of the answer being written (with any provision the lead needs added at the end)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from desk.citations import ancestors, label_for, roman_to_int, split_anchor
from desk.divisions import divisions
from desk.index.loaded import Corpus
from desk.links import defined_terms
from desk.roles import RoleReading
from desk.statements import title_of
from desk.timeline import Timeline
from desk.types import Passage, Provision
from desk.understanding import Reading

LAW_IN_FORCE = "ai-act-consolidated"


class Law:
    """The law in force as the composer reads it: provisions by anchor and by what they hold,
    the timeline, and how far the Act runs. Built once per index; read-only afterwards."""

    def __init__(self, corpus: Corpus, timeline: Timeline):
        self.corpus = corpus
        self.timeline = timeline
        self.in_force = [p for p in corpus.provisions if p.source_id == LAW_IN_FORCE]
        self._under: dict[str, list[Provision]] = {}
        for provision in self.in_force:
            for holder in ancestors(provision.anchor):
                self._under.setdefault(holder, []).append(provision)
        self.last_article, self.inserted_articles, self.last_recital, self.last_annex = self._extent()
        self.divisions = divisions(self.in_force)  # chapters and sections
        self.terms = defined_terms(corpus)  # Article 3's terms, lower-cased, longest first

    def provision(self, anchor: str) -> Provision | None:
        return self.corpus.provision(anchor)

    def under(self, anchor: str) -> list[Provision]:
        """The provisions in force inside `anchor`, in the order of the text."""
        return list(dict.fromkeys(self._under.get(anchor, [])))

    def titled(self, anchor: str) -> str:
        """A provision's label with its article's title: 'Article 9 (Risk management system)'."""
        provision = self.provision(anchor)
        title = title_of(provision.heading_path) if provision else None
        return label_for(anchor) + (f" ({title})" if title else "")

    def children(self, anchor: str) -> list[Provision]:
        return [p for p in self.under(anchor) if p.parent == anchor]

    def parts_of(self, anchor: str, kind: str) -> list[str]:
        """The values of the first-level parts of one kind under a provision: points (a) to (h) of
        Article 5(1); Article 113's points (a) to (d), which sit in its third paragraph."""
        depth = len(split_anchor(anchor)[1])
        found = []
        for provision in self.under(anchor):
            own = split_anchor(provision.anchor)[1][depth:]
            if own[-1][0] == kind and all(k != kind for k, _ in own[:-1]):
                found.append(own[-1][1])
        return list(dict.fromkeys(found))

    def _extent(self) -> tuple[int, list[str], int, str]:
        """How far the Act runs: its last article, the articles inserted, its last recital and annex."""
        articles = {
            split_anchor(p.anchor)[1][0][1]
            for p in self.in_force
            if p.anchor.startswith("art-") and p.in_force
        }
        numbered = sorted(int(a) for a in articles if a.isdigit())
        inserted = sorted(
            (a for a in articles if not a.isdigit()), key=lambda a: (int(re.sub(r"\D", "", a)), a)
        )
        recitals = [int(p.anchor[4:]) for p in self.corpus.provisions if re.fullmatch(r"rct-\d+", p.anchor)]
        annexes = [p.anchor[4:] for p in self.in_force if re.fullmatch(r"anx-[IVXL]+", p.anchor)]
        return (
            numbered[-1] if numbered else 0,
            inserted,
            max(recitals, default=0),
            max(annexes, key=roman_to_int) if annexes else "I",
        )


class Numbering:
    """The answer's passages, numbered from 1; a provision the lead needs is added at the end."""

    def __init__(self, passages: Sequence[Passage], corpus: Corpus):
        self.passages = list(passages)
        self.corpus = corpus

    def of(self, anchor: str, add: bool = True) -> int | None:
        """The number of the passage that holds `anchor` (adding its first passage if none does)."""
        for number, passage in enumerate(self.passages, start=1):
            if passage.anchor == anchor:
                return number
        holders = self.corpus.passages_under(anchor)
        for number, passage in enumerate(self.passages, start=1):
            if passage.anchor.startswith(anchor + ".") or any(h.id == passage.id for h in holders):
                return number
        if not add or not holders:
            return None
        self.passages.append(holders[0].model_copy(update={"score": 0.0}))
        return len(self.passages)

    def marker(self, *anchors: str) -> str:
        numbers = [n for a in anchors if (n := self.of(a)) is not None]
        return "".join(f" [{n}]" for n in dict.fromkeys(numbers))


@dataclass
class Asked:
    """One question being answered: what it asks, for whom, and the passages found for it."""

    reading: Reading
    role: RoleReading
    numbering: Numbering
    dated: Sequence[str] = ()  # the Article 113/111 provision retrieval dated the question by
    recognised: Sequence[str] = ()  # Article 3 definitions retrieval recognised the question asks for
    today: date = field(default_factory=date.today)

    @property
    def question(self) -> str:
        return self.reading.question
