"""Finding the passages that answer a question: exact references, dense, BM25, fused, expanded.

    question ─┬─► cited provisions ("Article 26", "Annex III point 4") ─► their passages first
              ├─► dense (Chroma, cosine) ─┐
              └─► BM25 ───────────────────┴─► reciprocal rank fusion × authority prior
                                                   │
                    references of the top passages ┤ ("referred to in Article 6(2)")
                    Article 3 definitions of terms ┘ ("deployer")  ─► expansion

Rank fusion needs no calibration between the two scores. The best cosine similarity is
kept beside the ranking, read on the packaged model's scale: it is what the relevance floor
is measured on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Protocol

import numpy as np

from desk.citations import ancestors, find_named, resolve, top_unit
from desk.divisions import divisions
from desk.divisions import named as named_divisions
from desk.embedder import Embedder
from desk.index import LoadedIndex
from desk.index.lexical import LAW, PLAN, tokens
from desk.links import defined_terms, law_explained, titled_articles
from desk.thesaurus import in_the_acts_words
from desk.timeline import Timeline
from desk.types import Authority, Passage
from desk.understanding import (
    ALREADY_PLACED,
    GPAI,
    annex_iii_area,
    asks_about_eu_action,
    asks_about_the_plan,
    asks_about_the_whole_act,
    asks_classification,
    asks_when,
    document_asked_about,
    opens_list_of,
    subject_named_by_word,
)

# Reciprocal rank fusion's constant: 60 in Cormack et al. (2009); 10 here gives the top ranks of
# each ranking more weight, which suited legal questions on the development set (recall@5
# loose 0.54 -> 0.57, strict 0.40 -> 0.43; chosen on that set, so a held-out set should confirm it).
RRF_K = 10
_CANDIDATES = 50
_PER_REFERENCE = 6  # passages taken from one cited provision before the fused results
# Passages of one article, annex or guidelines document taken from the fused ranking: a
# question usually needs more than one provision, and the best parts of one article crowd
# the others out.
_PER_UNIT = 2
_FEEDBACK_PASSAGES = 5  # pseudo-relevance feedback: the passages whose shared words are searched
_FEEDBACK_TERMS = 10  # and how many of those words (chosen on the development set, as 5 and 10)
_EXPANSIONS = 2  # passages pulled in by references and definitions
_DIVISION_ARTICLES = 3  # of a chapter or section the question names, the articles found first
# The law in force answers first; recitals interpret it, guidelines guide, and the amending
# act's own articles only say what changed (the consolidated text shows the result).
_SOURCE_PRIOR = {
    "ai-act-consolidated": 1.0,
    "ai-act-oj": 0.85,
    "gl-5052": 0.7,
    "gl-5053": 0.7,
    "omnibus": 0.75,
    "ap": 0.6,
}
# The AI Continent Action Plan is policy: behind the law, unless the question is about it, or
# about what the EU does (where its best passages stand after the law's best).
_PLAN_PRIOR_WHEN_ASKED = 1.1
_PLAN_FIRST = 3  # of a question on the plan, the plan's passages put first
_PLAN_SOURCE = "ap:"  # the ids of the plan's passages start so
_LAW_BEFORE_PLAN, _PLAN_BESIDE_LAW = 3, 2  # of a question on what the EU does
_NAMES_THE_ACT = re.compile(r"\bAI Act\b(?!\s+Service Desk)", re.I)
# Words that ask what a term means; the term follows them ("what is a deployer?", "does it
# count as an importer?"), so "what are the obligations of deployers" asks no definition.
_ASKS_MEANING = (
    r"\b(?:what (?:is|are)|who (?:is|are|counts as)|meaning of|definition of|define|defines|definitions?"
    r"|counts? as|qualif(?:y|ies) as|classed as|regarded as|considered"
    # "Is a spam filter an AI system?": whether a thing is what a term defines (not "… a
    # high-risk AI system", which asks for the class, not the definition).
    r"|^\W*(?:is|are) (?:an?|the|our|this|that|these|those|such|my) [\w'’ -]{1,40}?(?<!high-risk)"
    r"(?<!high risk) (?:an?|the))\s+(?:an?\s+|the\s+)?"
)
# A question that sets two terms side by side asks for both definitions.
_TITLE_ASKED_WITHIN = 20  # words
_TITLE_FOUND_AMONG = 3  # passages: an article named by its title and found this high is left where it is
_COMPARES = re.compile(
    r"\bdifferen\w* between\b|\bdistinguish\w*\b|\b(vs\.?|versus)\b|\bcompared? (to|with)\b"
)
# A term put in quotes ('deployer', "AI system") is the asker naming a term of art.
_QUOTED = re.compile(r"(?<![\w])['‘\"“]([^'’\"”]{2,80})['’\"”](?![\w])")
_APPLICATION_DATES = ("art-113",)
_GENERAL_APPLICATION = "art-113.sub-2"  # "It shall apply from 2 August 2026"
_GPAI_OBLIGATIONS = "art-53"  # Chapter V: its date is that of general-purpose AI models
# Article 6(2): the rule that makes an Annex III use high-risk.
_ANNEX_III_RULE = "art-6.par-2"
_AMENDMENT_WORDS = re.compile(r"omnibus|2026/1744|amend|\bchange|\badded\b|\binserted\b|\bnew\b")
# Words that ask about a provision without saying anything about what is asked.
_PLAIN_ASKING = {
    "what", "does", "article", "annex", "recital", "point", "paragraph", "say", "says", "require",
    "requires", "mean", "means", "cover", "covers", "provide", "provides", "state", "states", "explain",
    "text", "contain", "contains", "about", "which", "there", "this", "that",
}  # fmt: skip


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_NAMED_DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTHS}) (\d{{4}})\b")


def _unit(anchor: str) -> str:
    """The article, annex or recital an anchor belongs to; for guidelines, the document; for
    the AI Continent Action Plan, the paragraph with its bullets, or the box of key actions
    (a section of the plan runs to ten paragraphs on as many subjects)."""
    if anchor.startswith("gl-"):
        return anchor.split(".")[0]
    if anchor.startswith("ap."):
        return ".".join(anchor.split(".")[:3])
    return top_unit(anchor)


_PLANS_NAME = re.compile(
    r"\b(?:the\s+)?(?:AI\s+Continent\s+)?Action\s+Plan(?:'s|’s)?\b|\bAI\s+Continent\b", re.I
)


def _without_the_plans_name(query: str) -> str:
    """A question on the plan, for BM25 without the plan's name: every passage of the plan is
    the plan's, and the few that repeat its name ("the AI Continent Action Plan aims …") would
    win on those words alone."""
    return _PLANS_NAME.sub(" ", query) if asks_about_the_plan(query) else query


def _placed(ordered: list[str], moved: list[str], at: int, scores: dict[str, float]) -> list[str]:
    """`ordered` with `moved` put at position `at`, in the order given; `scores` rewritten so
    that they still fall along the new order (callers read both)."""
    rest = [pid for pid in ordered if pid not in set(moved)]
    placed = rest[:at] + moved + rest[at:]
    for position in range(len(placed) - 2, -1, -1):  # from the end: each above the next
        below = scores[placed[position + 1]]
        if scores[placed[position]] <= below:
            scores[placed[position]] = below * 1.0001 + 1e-12
    return placed


def _rrf(*rankings: list[str]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, passage_id in enumerate(ranking):
            scores[passage_id] = scores.get(passage_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    return scores


def _named_dates(query: str) -> list[date]:
    found = []
    for day, month, year in _NAMED_DATE.findall(query):
        try:
            found.append(datetime.strptime(f"{day} {month} {year}", "%d %B %Y").date())
        except ValueError:  # "31 February": not a date, so no key
            continue
    return found


@dataclass
class Retrieval:
    passages: list[Passage]
    best_similarity: float  # of the nearest passage to the question, on the packaged model's scale
    cited: list[str] = field(default_factory=list)  # anchors the question names
    # Anchors the question is recognised to be about without naming them: the Annex III area
    # of "is our CV-screening tool high-risk?", the definition of "what is a deployer?".
    recognised: list[str] = field(default_factory=list)
    # For a question of when something applies: the provision that dates it (Article 113's
    # point, or Article 111's paragraph), as the timeline reads the passages found.
    dated: list[str] = field(default_factory=list)

    @property
    def named_provision(self) -> bool:
        """The question names a provision, or is recognised to be about one: the desk knows
        what it asks, however far its wording is from the text (no relevance floor)."""
        return bool(self.cited or self.recognised)


class Retriever(Protocol):
    def retrieve(
        self, query: str, k: int, first: Sequence[str] = (), avoid: Sequence[str] = ()
    ) -> Retrieval: ...


class HybridRetriever:
    def __init__(self, index: LoadedIndex, embedder: Embedder):
        self.index = index
        self.embedder = embedder
        self._known = index.anchors()
        self.definitions = defined_terms(index)
        self._divisions = divisions(index.provisions)
        self.timeline = Timeline.from_index(index)
        # Term weights for feedback are the law's, as its BM25 index's are (see GroupedLexicalIndex).
        law = [p for p in index.passages if p.authority is not Authority.POLICY]
        self._documents = len(law)
        self._plan_passages = len(index.passages) - len(law)
        self._document_frequency = Counter(t for words in tokens([p.text for p in law]) for t in set(words))
        # A defined term at word boundaries, plural too: "deployers", not "redeployer".
        self._term_patterns = [
            (re.compile(rf"(?<![\w-]){re.escape(term)}(s|es)?\b", re.I), anchor)
            for term, anchor in self.definitions.items()
        ]
        self._title_patterns = [
            (re.compile(rf"(?<![\w-]){re.escape(title)}s?\b", re.I), anchor)
            for title, anchor in titled_articles(index).items()
        ]
        # A term is also asked without its last word "system" ("what is post-market monitoring?"
        # asks for the 'post-market monitoring system'), after the terms as defined.
        asked_forms = [*self.definitions.items()] + [
            (term.removesuffix(" system"), anchor)
            for term, anchor in self.definitions.items()
            if term.endswith(" system") and len(term.split()) > 2 and " of " not in term
        ]
        self._asked_patterns = [
            (term, re.compile(rf"{_ASKS_MEANING}{re.escape(term)}(s|es)?\b", re.I), anchor)
            for term, anchor in asked_forms
        ]
        # The amending act's recitals give the reasons for its changes; each names the
        # provisions of the Act it explains ("Article 60 of Regulation (EU) 2024/1689").
        self._reasons: dict[str, list[str]] = {}
        for provision in index.provisions:
            if provision.source_id == "omnibus" and provision.anchor.startswith("omnibus.rct-"):
                for reference in provision.references:
                    if reference.anchor:
                        self._reasons.setdefault(reference.anchor, []).append(provision.anchor)
        # An index never changes under a running retriever, so the same question finds the
        # same candidates: a service desk is asked the same things again and again.
        self._embed_query = lru_cache(maxsize=4096)(self._embed_uncached)
        self._intended_anchors = lru_cache(maxsize=4096)(self._intended_anchors_uncached)
        self._fused = lru_cache(maxsize=4096)(self._fused_uncached)

    def embed_query(self, query: str) -> np.ndarray:
        """The question's vector, from the per-process cache that retrieval fills too."""
        return self._embed_query(query)

    def ranking(self, query: str) -> list[str]:
        """Passage ids, best first, as dense and lexical search fuse them for `query`."""
        return [passage_id for passage_id, _ in self._fused(query)[0]]

    def search(self, query: str, k: int = 8) -> list[Passage]:
        return self.retrieve(query, k).passages

    def retrieve(
        self, query: str, k: int = 8, first: Sequence[str] = (), avoid: Sequence[str] = ()
    ) -> Retrieval:
        """The k passages that best answer `query`, and the expansions they call for. `first`:
        provisions the caller knows the answer must weigh (the duties of the asker's role);
        `avoid`: provisions that answer someone else (another role's duties), unless named."""
        cited_anchors = self._cited_anchors(query)
        fused, best = self._fused(query)
        ranked: dict[str, Passage] = {}
        wanted = [a for a in first if a in self._known]
        recognised = [a for a in self._intended_anchors(query) if a in self._known]
        # The plan dates its own actions; the Act's dates only where the question names the Act.
        when = asks_when(f" {query.lower()} ") and (
            not asks_about_the_plan(query) or _NAMES_THE_ACT.search(query)
        )
        # The Act as a whole ("when will the AI Act be fully applicable?"): its general date.
        dated = [_GENERAL_APPLICATION] if when and asks_about_the_whole_act(query) else []
        dated = dated or (self._dating(query, fused) if when else [])
        intended = [p for a in dated if a in self._known for p in self.index.passages_under(a)[:1]]
        for passage in (
            self._best_parts(query, wanted, fused) + intended + self._intended(query, recognised, fused)
        ):
            ranked.setdefault(passage.id, passage.model_copy(update={"score": 1.0}))
        for passage in self._cited_first(query, cited_anchors, fused, k):
            ranked.setdefault(passage.id, passage.model_copy(update={"score": 1.0}))
        anchors_taken = {p.anchor for p in ranked.values()}
        avoided = tuple(f"{a}." for a in avoid if a not in cited_anchors)
        named_units = {_unit(a) for a in (*cited_anchors, *wanted)}
        per_unit: dict[str, int] = {}
        for passage in ranked.values():
            per_unit[_unit(passage.anchor)] = per_unit.get(_unit(passage.anchor), 0) + 1
        for passage_id, score in fused:
            if len(ranked) >= k:
                break
            passage = self.index.passage(passage_id)
            if passage_id in ranked or passage.anchor in anchors_taken:  # one part of a long provision
                continue
            if f"{passage.anchor}.".startswith(avoided):
                continue
            unit = _unit(passage.anchor)
            if per_unit.get(unit, 0) >= _PER_UNIT and unit not in named_units:
                continue  # room for the other provisions a question needs
            per_unit[unit] = per_unit.get(unit, 0) + 1
            # The law first: guidance that explains a provision brings that provision before it.
            for law in self._law_explained(query, passage, fused):
                if law.anchor not in anchors_taken and len(ranked) < k:
                    anchors_taken.add(law.anchor)
                    ranked[law.id] = law.model_copy(update={"score": round(score, 5)})
            if len(ranked) < k:
                anchors_taken.add(passage.anchor)
                ranked[passage_id] = passage.model_copy(update={"score": round(score, 5)})
        top = self._with_reason_for_change(query, list(ranked.values()), fused)[:k]
        found = [p for p in top + self._expansions(query, top) if not f"{p.anchor}.".startswith(avoided)]
        return Retrieval(found, best, cited_anchors, recognised, dated)

    def _with_reason_for_change(
        self, query: str, ranked: list[Passage], fused: list[tuple[str, float]]
    ) -> list[Passage]:
        """After the first amended provision of a question about changes, the amending act's
        recital that gives the reason for that change (the recital naming its paragraph, else
        its article), unless one is there already."""
        if not _AMENDMENT_WORDS.search(query.lower()):
            return ranked
        for position, passage in enumerate(ranked[:3]):
            if not passage.amended_by:
                continue
            reasons = next(
                (
                    self._reasons[a]
                    for a in (passage.anchor, *reversed(ancestors(passage.anchor)))
                    if a in self._reasons
                ),
                [],
            )
            recitals = [p for anchor in reasons for p in self.index.passages_under(anchor)[:1]]
            best = self._by_fit(query, recitals, fused)[:1]
            if best:
                before, after = ranked[: position + 1], ranked[position + 1 :]
                if any(p.anchor.startswith("omnibus.rct-") for p in before):
                    return ranked
                return before + best + [p for p in after if p.id != best[0].id]
        return ranked

    def _cited_first(
        self, query: str, anchors: list[str], fused: list[tuple[str, float]], k: int
    ) -> list[Passage]:
        """Passages of the provisions the question names, best fused first. They take at most
        half the places when the question also says more ("when do the rules for systems listed
        in Annex III apply?"), all of them when it names nothing else ("What does Article 26 say?")."""
        asks_about_changes = bool(_AMENDMENT_WORDS.search(query.lower()))

        def by_fit(passages: list[Passage]) -> list[Passage]:
            fitting = self._by_fit(query, passages, fused)
            return sorted(fitting, key=lambda p: not (asks_about_changes and p.amended_by))

        words = [w for w in re.findall(r"[a-z]{4,}", query.lower()) if w not in _PLAIN_ASKING]
        if len(words) <= 2:  # the question is the provision itself
            cited = [p for anchor in anchors for p in self.index.passages_under(anchor)[:_PER_REFERENCE]]
            return by_fit(cited)
        # A longer question names a provision as its setting ("the Article 5 bans", "an Annex III
        # use"): the parts of it that fit the question best, not the whole of it.
        # One part each (two of one article measured worse: the setting crowded out the answer).
        cited = [p for anchor in anchors for p in by_fit(self.index.passages_under(anchor))[:1]]
        return by_fit(cited)[: max(1, k // 2)]

    def _intended_anchors_uncached(self, query: str) -> list[str]:
        """Provisions a kind of question calls for whatever its words: the Article 3 definition
        of the term a "what is a deployer?" asks about, the Annex III area and Article 6(2) for
        "is our CV-screening tool high-risk?". (The date of a "when" question is `_dating`'s.)"""
        anchors = []
        lowered = f" {query.lower()} "
        anchors += self._asked_definitions(query)
        # "AI literacy - what are we on the hook for?": the article a short question names by its
        # title, when search has not found it among its first passages. In a longer question the
        # title is often the setting ("the AI Office supervises us, so who do we report a serious
        # incident to?"); weighing it first there, or before the part of it search found ("who
        # sits on the advisory forum?"), measured worse.
        if not find_named(query) and len(query.split()) <= _TITLE_ASKED_WITHIN:
            titled = [a for title, a in self._title_patterns if title.search(query)][:1]
            first = self._fused(query)[0][:_TITLE_FOUND_AMONG]
            found = {_unit(self.index.passage(passage_id).anchor) for passage_id, _ in first}
            anchors += [a for a in titled if a not in found]
        # "What must be in the instructions for use?": the provision saying what they "shall contain".
        anchors += self._contents_of(query)
        # "What does Chapter III, Section 2 require?": its first articles (the lead names the rest).
        for key in named_divisions(query)[:1]:
            if (division := self._divisions.get(key)) is not None:
                anchors += division.articles[:_DIVISION_ARTICLES]
        if asks_classification(lowered):
            area = annex_iii_area(lowered)
            anchors += [area, _ANNEX_III_RULE] if area else []
        return anchors

    def _contents_of(self, query: str) -> list[str]:
        """The provision of the Act that says what the document a question asks about "shall
        contain" ("The instructions for use shall contain at least the following information:")."""
        document = document_asked_about(query)
        if document is None or len(query.split()) > _TITLE_ASKED_WITHIN:
            return []  # in a longer question it is one ask among others (measured worse on dev)
        for passage in self.index.passages:
            if passage.source_id == "ai-act-consolidated" and any(
                opens_list_of(document, line) for line in passage.text.splitlines()
            ):
                return [passage.anchor]
        return []

    def _asked_definitions(self, query: str) -> list[str]:
        """The Article 3 definitions a question asks for: of the terms it puts in quotes, else
        of the longest defined term in a "what is a …" / "does it count as …" question."""
        quoted = [q.lower() for q in _QUOTED.findall(query)]
        found = [self.definitions[q] for q in quoted if q in self.definitions]
        found += [
            anchor for q in quoted for term, anchor in self._term_patterns if term.fullmatch(q.rstrip("s"))
        ]
        if found:
            return list(dict.fromkeys(found))[:2]
        lowered = query.lower()  # the plain containment test first: most terms are in no question
        if _COMPARES.search(lowered):  # "the difference between a provider and a deployer": both
            named = [(m.start(), a) for term, a in self._term_patterns if (m := term.search(lowered))]
            if len(named) >= 2:
                return list(dict.fromkeys(a for _, a in sorted(named)))[:2]
        return [a for term, asked, a in self._asked_patterns if term in lowered and asked.search(query)][:1]

    def _law_explained(self, query: str, passage: Passage, fused: list[tuple[str, float]]) -> list[Passage]:
        """The binding provision a guidelines paragraph explains (the first it refers to)."""
        if passage.authority is not Authority.GUIDANCE:
            return []
        provision = self.index.provision(passage.anchor)
        explained = law_explained(provision) if provision else None
        return self._best_parts(query, [explained], fused) if explained else []

    def _best_parts(self, query: str, anchors: list[str], fused: list[tuple[str, float]]) -> list[Passage]:
        """For each anchor, its passage that fits the question best."""
        return [
            p for anchor in anchors for p in self._by_fit(query, self.index.passages_under(anchor), fused)[:1]
        ]

    def _by_fit(self, query: str, passages: list[Passage], fused: list[tuple[str, float]]) -> list[Passage]:
        """`passages` (the parts of a provision) best first: those among the fused candidates
        by their rank there, then the rest by their similarity to the question. A question
        that names Annex III as its setting wants the point on education, not points 1 and 2."""
        rank = {pid: position for position, (pid, _) in enumerate(fused)}
        ranked = sorted((p for p in passages if p.id in rank), key=lambda p: rank[p.id])
        rest = {p.id: p for p in passages if p.id not in rank}
        if len(rest) > 1:
            similarity = self.index.dense.similarities(self._embed_query(query), list(rest))
            ranked += sorted(rest.values(), key=lambda p: -similarity.get(p.id, -1.0))
        else:
            ranked += rest.values()
        return ranked

    def _intended(self, query: str, intended: list[str], fused: list[tuple[str, float]]) -> list[Passage]:
        """The best-ranked passage of each intended provision (its most relevant part), and for
        a question of when something applies, the part of Article 113 that dates it."""
        lowered = query.lower()
        transition = self._transition(fused) if ALREADY_PLACED.search(lowered) else []
        return transition + self._best_parts(query, intended, fused)

    def _transition(self, fused: list[tuple[str, float]]) -> list[Passage]:
        """The paragraph of Article 111 for what the question is about: that of the best-ranked
        provision of the Act that has a transitional rule (Annex III -> paragraph 2)."""
        for passage_id, _ in fused[:_CANDIDATES]:
            passage = self.index.passage(passage_id)
            if passage.source_id != "ai-act-consolidated":
                continue
            anchor = self.timeline.transition_for(passage.anchor, passage.heading_path)
            if anchor and anchor in self._known:
                return self.index.passages_under(anchor)[:1]
        return []

    def _dating(self, query: str, fused: list[tuple[str, float]]) -> list[str]:
        """The point of Article 113 that sets the date of what the question is about: the
        provisions of the Act that rank best for it, read through the timeline's rules
        (a new Article 5 ban -> point (a), Chapter V -> point (b), Annex III systems -> point (c))."""
        votes: dict[str, int] = {}
        # A date the question names ("live on 2 August 2025") is the timeline's own key, and
        # so is a high-risk use it names: its Annex III point, whatever the passages found.
        for day in _named_dates(query):
            for entry in self.timeline.entries:
                if entry.date == day:
                    votes[entry.set_by] = votes.get(entry.set_by, 0) + 10
        lowered = f" {query.lower()} "
        area = annex_iii_area(lowered) if re.search(r"\bhigh[- ]risk\b", lowered) else None
        for entry in self.timeline.applying_to(area, ()) if area else ():
            votes[entry.set_by] = votes.get(entry.set_by, 0) + 10
        # A provision the question names ("when does Article 50 apply?") is dated by its own
        # chapter and section, whatever passages rank best.
        for anchor in self._cited_anchors(query):
            named = self.index.provision(anchor)
            if named is None or named.source_id != "ai-act-consolidated" or anchor.startswith("art-113"):
                continue
            for entry in self.timeline.applying_to(named.anchor, named.heading_path):
                votes[entry.set_by] = votes.get(entry.set_by, 0) + 10
        # A general-purpose AI model is Chapter V's subject, whatever provisions rank best.
        # So are the bans Article 5's and the high-risk requirements Chapter III's.
        subjects = [_GPAI_OBLIGATIONS] if GPAI.search(lowered) else []
        subjects += [anchor] if (anchor := subject_named_by_word(lowered)) else []
        for subject in (self.index.provision(a) for a in subjects[:1]):
            for entry in self.timeline.applying_to(subject.anchor, subject.heading_path) if subject else ():
                votes[entry.set_by] = votes.get(entry.set_by, 0) + 10
        topical = 0
        for passage_id, _ in fused:
            passage = self.index.passage(passage_id)
            if passage.source_id != "ai-act-consolidated" or passage.anchor.startswith("art-113"):
                continue
            for entry in self.timeline.applying_to(passage.anchor, passage.heading_path):
                votes[entry.set_by] = votes.get(entry.set_by, 0) + 3 - topical
            topical += 1
            if topical == 3:
                break
        return sorted(votes, key=votes.get, reverse=True)[:1] or list(_APPLICATION_DATES)

    def _shared_terms(self, query: str, texts: list[str]) -> str:
        """The rarest words (stems) that at least two of `texts` use and the query does not."""
        asked = set(tokens([query])[0])
        counts = Counter(t for words in tokens(texts) for t in set(words) if t not in asked)
        weighted = sorted(
            ((count * math.log(self._documents / (1 + self._document_frequency[term])), term)
             for term, count in counts.items() if count >= 2),
            reverse=True,
        )  # fmt: skip
        return " ".join(term for _, term in weighted[:_FEEDBACK_TERMS])

    def _embed_uncached(self, query: str) -> np.ndarray:
        return self.embedder.embed([query])[0]

    def _cited_anchors(self, query: str) -> list[str]:
        anchors = [resolve(found.anchor, self._known) for found in find_named(query)]
        return list(dict.fromkeys(a for a in anchors if a))

    def _fused_uncached(self, query: str) -> tuple[list[tuple[str, float]], float]:
        """(passage id, fused score), best first, and the best cosine similarity."""
        # The AI Continent Action Plan is searched only for questions on it or on what the EU
        # does: elsewhere its passages would take the law's places among the candidates.
        with_plan = asks_about_eu_action(query)
        wanted = _CANDIDATES if with_plan else _CANDIDATES + self._plan_passages
        dense_hits = self.index.dense.search(self._embed_query(query), wanted)
        if not with_plan:
            dense_hits = [hit for hit in dense_hits if not hit[0].startswith(_PLAN_SOURCE)][:_CANDIDATES]
        # BM25 also searches the Act's words for the everyday ones ("chatbot"); the embedding
        # model is given the question as asked (adding them there measured worse).
        lexical_query = f"{_without_the_plans_name(query)} {in_the_acts_words(query)}"
        groups = (LAW, PLAN) if with_plan else (LAW,)
        lexical = [
            self.index.passages[pos].id
            for pos, _ in self.index.lexical.search(lexical_query, _CANDIDATES, groups)
        ]
        dense = [pid for pid, _ in dense_hits]
        scores = _rrf(dense, lexical)
        # Pseudo-relevance feedback: the words the best passages share, searched again with the
        # question's, find the provisions worded as those passages are and the asker was not.
        best_first = sorted(scores, key=scores.get, reverse=True)[:_FEEDBACK_PASSAGES]
        shared = self._shared_terms(lexical_query, [self.index.passage(pid).text for pid in best_first])
        if shared:
            found = self.index.lexical.search(f"{lexical_query} {shared}", _CANDIDATES, groups)
            scores = _rrf(dense, [self.index.passages[pos].id for pos, _ in found])
        passages = {pid: self.index.passage(pid) for pid in scores}
        prior = _SOURCE_PRIOR | ({"ap": _PLAN_PRIOR_WHEN_ASKED} if asks_about_the_plan(query) else {})
        for pid, passage in passages.items():
            if passage is not None:
                scores[pid] *= prior.get(passage.source_id, 0.8)
        ordered = sorted((pid for pid in scores if passages[pid] is not None), key=scores.get, reverse=True)
        plan = [pid for pid in ordered if passages[pid].authority is Authority.POLICY]
        if asks_about_the_plan(query) and plan:
            # The plan is what is asked about: its best passages lead, whatever the law shares.
            ordered = _placed(ordered, plan[:_PLAN_FIRST], 0, scores)
        elif asks_about_eu_action(query) and plan:
            # What the EU does: the law first, then the plan's best passages beside it.
            law = [pid for pid in ordered if pid not in set(plan)][:_LAW_BEFORE_PLAN]
            ordered = _placed(ordered, [*law, *plan[:_PLAN_BESIDE_LAW]], 0, scores)
        # Read on the packaged model's scale, which the relevance floor is set on (SimilarityScale).
        nearest = max((similarity for _, similarity in dense_hits), default=None)
        best = 0.0 if nearest is None else self.embedder.scale.on_base_scale(nearest)
        return [(pid, scores[pid]) for pid in ordered], best

    def _expansions(self, query: str, top: list[Passage]) -> list[Passage]:
        """Definitions of terms the question uses, then provisions the top passages refer to."""
        have = {p.anchor for p in top}
        wanted: list[str] = []
        lowered = f" {query.lower()} "
        for term, anchor in self.definitions.items():
            if f" {term}" in lowered and anchor not in have:
                wanted.append(anchor)
        for passage in top[:3]:
            provision = self.index.provision(passage.anchor)
            for reference in provision.references if provision else ():
                if reference.anchor and reference.anchor not in have:
                    wanted.append(reference.anchor)
        extra: list[Passage] = []
        for anchor in dict.fromkeys(wanted):
            found = self.index.passages_under(anchor)[:1]
            extra += [p.model_copy(update={"score": 0.0}) for p in found if p.id not in {e.id for e in extra}]
            if len(extra) >= _EXPANSIONS:
                break
        return extra
