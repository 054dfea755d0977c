"""Reviewed answers served again: a question that is a near-duplicate of one staff approved or
corrected gets the reviewed answer, marked as such, once its citations still read as the
reviewer saw them in the corpus now served.

Reviews live in the database, so every worker and replica serves the same ones; each process
keeps them (and their questions' embeddings) in memory and reloads when the decisions change,
checking at most every `review.reuse_refresh_s` seconds.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

import numpy as np

from desk.answering.answerer import NOTICE, Answerer
from desk.citations import resolve
from desk.review.corrections import provision_text
from desk.review.decisions import ReviewDecisions
from desk.review.schemas import Decision
from desk.settings import ReviewSettings
from desk.timeline import long_date
from desk.types import Answer, Citation, Role

STAFF_REVIEW = "staff-review"  # the `backend` of an answer staff wrote or approved


@dataclass(frozen=True)
class Reviewed:
    """The reviewed answers one process holds, with their questions' unit vectors."""

    decisions: list[Decision]
    vectors: np.ndarray  # one row per decision


class ReviewedAnswers:
    def __init__(self, decisions: ReviewDecisions, answerer: Answerer, settings: ReviewSettings):
        self.decisions = decisions
        self.answerer = answerer
        self.settings = settings
        self._held = Reviewed([], np.zeros((0, 0), dtype=np.float32))
        self._version: tuple | None = None
        self._checked_at = float("-inf")
        self._vectors: dict[str, np.ndarray] = {}  # question -> vector, kept across reloads
        self._lock = threading.Lock()

    def answer_for(
        self, question: str, *, conversation_id: str, role: Role | None, history: list | tuple = ()
    ) -> Answer | None:
        """The reviewed answer to a near-duplicate of `question`, or None: answer it afresh.
        Follow-ups are always answered afresh, since they lean on the conversation."""
        if history:
            return None
        started = time.perf_counter()
        held = self._current()
        if not held.decisions:
            return None
        # The retriever's cache: a question answered afresh is not embedded a second time.
        similarity = held.vectors @ self.answerer.retriever.embed_query(question)
        for best in np.argsort(-similarity):
            if similarity[best] < self.settings.reuse_threshold:
                return None
            decision = held.decisions[best]
            if role and decision.role and decision.role != role.value:
                continue  # reviewed for another role's duties
            if self._still_reads(decision):
                return self._served(decision, question, conversation_id, role, started)
        return None

    def _current(self) -> Reviewed:
        """The reviewed answers, reloaded when the decisions have changed since the last look."""
        if time.monotonic() - self._checked_at < self.settings.reuse_refresh_s:
            return self._held
        with self._lock:
            if time.monotonic() - self._checked_at >= self.settings.reuse_refresh_s:
                version = self.decisions.version()
                if version != self._version:
                    decisions = self.decisions.reviewed()
                    vectors = self._embed([d.question for d in decisions])
                    self._held, self._version = Reviewed(decisions, vectors), version
                self._checked_at = time.monotonic()
        return self._held

    def _embed(self, questions: list[str]) -> np.ndarray:
        missing = [q for q in dict.fromkeys(questions) if q not in self._vectors]
        if missing:
            for question, vector in zip(
                missing, self.answerer.retriever.embedder.embed(missing), strict=True
            ):
                self._vectors[question] = vector
        if not questions:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[q] for q in questions])

    def _still_reads(self, decision: Decision) -> bool:
        """Every citation still names a provision of the corpus, worded as the reviewer read it."""
        index = self.answerer.retriever.index
        known = index.anchors()
        return all(
            resolve(c.anchor, known, nearest=False) == c.anchor
            and provision_text(index, c.anchor) == c.passage_text
            for c in decision.citations
        )

    def _served(
        self, decision: Decision, question: str, conversation_id: str, role: Role | None, started: float
    ) -> Answer:
        index = self.answerer.retriever.index
        citations, passages = [], []
        for cited in decision.citations:
            passage = index.passage(cited.passage_id) or index.passages_under(cited.anchor)[0]
            passages.append(passage)
            citations.append(
                self.answerer.link(
                    Citation(
                        number=cited.number,
                        anchor=cited.anchor,
                        label=cited.label,
                        passage_id=passage.id,
                        quote=cited.quote,
                        deep_link=passage.deep_link,
                        authority=passage.authority,
                        version=passage.version,
                        amended_by=passage.amended_by,
                        page=passage.page,
                    )
                )
            )
        return Answer(
            id=uuid.uuid4().hex,
            conversation_id=conversation_id,
            question=question,
            text=decision.text,
            lead=decision.text.split("\n\n")[0],  # staff write the direct answer first
            citations=citations,
            passages=passages,
            flags=[],
            backend=STAFF_REVIEW,
            settings_hash=self.answerer.settings_hash,
            corpus_version=self.answerer.corpus_version,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            notice=NOTICE,
            declined=decision.declined,
            notes=[
                f"Reviewed by the desk's staff on {long_date(decision.updated_at.date())}: "
                f"the answer to the question “{decision.question}”."
            ],
            role=role or (Role(decision.role) if decision.role else None),
        )
