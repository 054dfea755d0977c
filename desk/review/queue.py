"""The review queue, read from the records the desk already keeps: an answer is in it when it
carries a flag or feedback asks for a human look (thumbs-down, expert request). Its status is
the staff decision on it, or pending."""

from __future__ import annotations

from sqlalchemy import Text, and_, cast, exists, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from desk.review.models import ReviewAuditRecord, ReviewDecisionRecord
from desk.review.schemas import (
    AuditEntry,
    Decision,
    FeedbackView,
    QueueEntry,
    QueuePage,
    ReviewItem,
)
from desk.store.models import AnswerRecord, FeedbackRecord, answer_with_citations
from desk.types import Flag

_FLAGS = {flag.value for flag in Flag}


def asks_for_review(reason: str | None = None):
    """Feedback on the answer asks for a human look (for `reason`, when given)."""
    condition = and_(FeedbackRecord.answer_id == AnswerRecord.id, FeedbackRecord.review_reason.is_not(None))
    if reason is not None:
        condition = and_(condition, FeedbackRecord.review_reason == reason)
    return exists(select(FeedbackRecord.id).where(condition))


def flagged(flag: str | None = None):
    # Flags are a JSON list; its text form works alike on SQLite and PostgreSQL.
    flags = cast(AnswerRecord.flags, Text)
    return flags.like(f'%"{flag}"%') if flag else flags != "[]"


def in_queue():
    """The condition that puts an answer in the queue."""
    return or_(flagged(), asks_for_review())


def backlog(connection) -> int:
    """Answers in the queue that no one has decided yet."""
    return (
        connection.scalar(
            select(func.count())
            .select_from(AnswerRecord)
            .outerjoin(ReviewDecisionRecord, ReviewDecisionRecord.answer_id == AnswerRecord.id)
            .where(and_(in_queue(), ReviewDecisionRecord.status.is_(None)))
        )
        or 0
    )


class ReviewQueue:
    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def page(
        self,
        *,
        status: str | None = None,
        reason: str | None = None,
        search: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> QueuePage:
        """Queue items, newest first, filtered by status, reason and words of the question or answer."""
        conditions = [in_queue()]
        if reason:
            conditions.append(flagged(reason) if reason in _FLAGS else asks_for_review(reason))
        if status == "pending":
            conditions.append(ReviewDecisionRecord.status.is_(None))
        elif status:
            conditions.append(ReviewDecisionRecord.status == status)
        if search and search.strip():
            words = search.strip()
            conditions.append(
                or_(
                    AnswerRecord.question.icontains(words, autoescape=True),
                    AnswerRecord.text.icontains(words, autoescape=True),
                )
            )
        joined = select(AnswerRecord, ReviewDecisionRecord.status).outerjoin(
            ReviewDecisionRecord, ReviewDecisionRecord.answer_id == AnswerRecord.id
        )
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(joined.where(*conditions).subquery()))
            rows = session.execute(
                joined.where(*conditions)
                .order_by(AnswerRecord.created_at.desc(), AnswerRecord.id)
                .limit(limit)
                .offset(offset)
            ).all()
            asked = self._feedback_reasons(session, [answer.id for answer, _ in rows])
        entries = [
            QueueEntry(
                answer_id=answer.id,
                question=answer.question,
                reasons=_reasons(answer.flags, asked.get(answer.id, [])),
                status=status or "pending",
                backend=answer.backend,
                created_at=answer.created_at,
            )
            for answer, status in rows
        ]
        return QueuePage(total=total or 0, entries=entries)

    def item(self, answer_id: str) -> ReviewItem | None:
        """One answer with everything a reviewer weighs; None if there is no such answer."""
        with self._sessions() as session:
            answer = session.scalars(answer_with_citations(answer_id)).first()
            if answer is None:
                return None
            feedback = session.scalars(
                select(FeedbackRecord)
                .where(FeedbackRecord.answer_id == answer_id)
                .order_by(FeedbackRecord.created_at, FeedbackRecord.id)
            ).all()
            decision = session.get(ReviewDecisionRecord, answer_id)
            audit = session.scalars(
                select(ReviewAuditRecord)
                .where(ReviewAuditRecord.answer_id == answer_id)
                .order_by(ReviewAuditRecord.id)
            ).all()
        return ReviewItem(
            answer_id=answer.id,
            conversation_id=answer.conversation_id,
            question=answer.question,
            answer=answer.text,
            citations=[_citation(c) for c in answer.citations],
            passages=answer.passages,
            flags=answer.flags,
            reasons=_reasons(answer.flags, [f.review_reason for f in feedback if f.review_reason]),
            backend=answer.backend,
            settings_hash=answer.settings_hash,
            corpus_version=answer.corpus_version,
            role=answer.role,
            declined=answer.declined,
            latency_ms=answer.latency_ms,
            created_at=answer.created_at,
            status=decision.status if decision else "pending",
            decision=decision_view(decision) if decision else None,
            feedback=[FeedbackView.model_validate(f, from_attributes=True) for f in feedback],
            audit=[AuditEntry.model_validate(a, from_attributes=True) for a in audit],
        )

    @staticmethod
    def _feedback_reasons(session, answer_ids: list[str]) -> dict[str, list[str]]:
        if not answer_ids:
            return {}
        rows = session.execute(
            select(FeedbackRecord.answer_id, FeedbackRecord.review_reason)
            .where(FeedbackRecord.answer_id.in_(answer_ids), FeedbackRecord.review_reason.is_not(None))
            .order_by(FeedbackRecord.created_at)
        ).all()
        found: dict[str, list[str]] = {}
        for answer_id, reason in rows:
            found.setdefault(answer_id, []).append(reason)
        return found


def decision_view(record: ReviewDecisionRecord) -> Decision:
    return Decision.model_validate(record, from_attributes=True)


def _reasons(flags: list[str], asked: list[str]) -> list[str]:
    return list(dict.fromkeys([*flags, *asked]))


def _citation(record) -> dict:
    return {
        name: getattr(record, name)
        for name in (
            "number",
            "anchor",
            "label",
            "passage_id",
            "quote",
            "deep_link",
            "authority",
            "amended_by",
        )
    }
