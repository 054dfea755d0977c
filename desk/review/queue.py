"""The review queue, read from the records the desk already keeps: an answer is in it when it
carries a flag or feedback asks for a human look (thumbs-down, expert request).

Identical questions are one entry (issue 19): answers are grouped by their question's key
(desk/store/question_key.py) and status, and the newest stands for the others with a count.
A staff decision on one answer covers the answers to the same question given before it, so
one decision clears an entry however often the question was asked; an answer given later
waits again. An answer's status is the newest decision covering it; else `replied` once
every expert request on it has a reply; else pending.

Declines (questions on another law or another subject: `AnswerRecord.scope`) are not queued,
even rated down: the dashboard counts them by question. An expert request on one is queued,
since someone waits for the reply.
"""

from __future__ import annotations

from sqlalchemy import Text, and_, case, cast, distinct, exists, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased, sessionmaker

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
from desk.store.store import REVIEW_EXPERT_REQUEST, REVIEW_THUMBS_DOWN
from desk.types import Flag

_FLAGS = {flag.value for flag in Flag}
_SAME_QUESTION_SHOWN = 50
# The group of an answer: its question's key (answers saved before migration 0010 all have one).
_GROUP = func.coalesce(AnswerRecord.question_key, AnswerRecord.id)


def asks_for_review(reason: str | None = None):
    """Feedback on the answer asks for a human look (for `reason`, when given)."""
    condition = and_(
        FeedbackRecord.answer_id == AnswerRecord.id,
        FeedbackRecord.review_reason.is_not(None),
        # A decline rated down is counted on the dashboard; an expert request on one is queued.
        or_(AnswerRecord.scope.is_(None), FeedbackRecord.review_reason == REVIEW_EXPERT_REQUEST),
    )
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


def _expert_requests(replied: bool):
    reply = FeedbackRecord.reply.is_not(None) if replied else FeedbackRecord.reply.is_(None)
    return exists(
        select(FeedbackRecord.id).where(
            FeedbackRecord.answer_id == AnswerRecord.id, FeedbackRecord.kind == "expert", reply
        )
    )


def _covering_decisions():
    """The decisions that cover the answer of the enclosing query, newest first: its own, and
    those on answers to the same question made after it was given."""
    decided = aliased(AnswerRecord)
    return (
        select(ReviewDecisionRecord)
        .join(decided, decided.id == ReviewDecisionRecord.answer_id)
        .where(
            or_(
                ReviewDecisionRecord.answer_id == AnswerRecord.id,
                and_(
                    decided.question_key == AnswerRecord.question_key,
                    ReviewDecisionRecord.updated_at >= AnswerRecord.created_at,
                ),
            )
        )
        .order_by(ReviewDecisionRecord.updated_at.desc())
        .limit(1)
    )


def status_of():
    """An answer's status in the queue, as a column: the newest decision covering it; else
    `replied` when every expert request on it has a reply; else `pending`."""
    covering = (
        _covering_decisions()
        .with_only_columns(ReviewDecisionRecord.status)
        .correlate(AnswerRecord)
        .scalar_subquery()
    )
    replied = and_(_expert_requests(replied=True), ~_expert_requests(replied=False))
    return func.coalesce(covering, case((replied, "replied"), else_="pending"))


def backlog(connection) -> int:
    """Questions in the queue that no one has decided yet (identical questions count once)."""
    queued = select(_GROUP.label("question"), status_of().label("status")).where(in_queue()).subquery()
    return (
        connection.scalar(select(func.count(distinct(queued.c.question))).where(queued.c.status == "pending"))
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
        """Queue entries, newest first, filtered by status, reason and words of the question or
        answer: one per question and status, standing for every answer to it."""
        answers = self._answers(status=status, reason=reason, search=search)
        group = (answers.c.question_key, answers.c.status)
        grouped = select(
            answers,
            func.count().over(partition_by=group).label("answers"),
            func.row_number()
            .over(partition_by=group, order_by=(answers.c.created_at.desc(), answers.c.id))
            .label("rank"),
        ).subquery()
        newest = select(grouped).where(grouped.c.rank == 1)
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(newest.subquery()))
            rows = session.execute(
                newest.order_by(grouped.c.created_at.desc(), grouped.c.id).limit(limit).offset(offset)
            ).all()
            members = session.execute(
                select(
                    answers.c.id, answers.c.question_key, answers.c.status, answers.c.flags, answers.c.scope
                ).where(answers.c.question_key.in_([row.question_key for row in rows]))
            ).all()
            asked = self._feedback_reasons(session, [member.id for member in members])
        reasons: dict[tuple[str, str], list[str]] = {}
        for member in members:
            found = reasons.setdefault((member.question_key, member.status), [])
            found.extend(_reasons(member.flags, asked.get(member.id, []), member.scope))
        return QueuePage(
            total=total or 0,
            entries=[
                _entry(row, list(dict.fromkeys(reasons.get((row.question_key, row.status), []))))
                for row in rows
            ],
        )

    def _answers(self, *, status=None, reason=None, search=None, question_key=None):
        """The answers in the queue with their status and group, as a subquery."""
        conditions = [in_queue()]
        if reason:
            conditions.append(flagged(reason) if reason in _FLAGS else asks_for_review(reason))
        if search and search.strip():
            words = search.strip()
            conditions.append(
                or_(
                    AnswerRecord.question.icontains(words, autoescape=True),
                    AnswerRecord.text.icontains(words, autoescape=True),
                )
            )
        if question_key is not None:
            conditions.append(AnswerRecord.question_key == question_key)
        answers = select(
            AnswerRecord.id,
            AnswerRecord.question,
            _GROUP.label("question_key"),
            AnswerRecord.backend,
            AnswerRecord.created_at,
            AnswerRecord.flags,
            AnswerRecord.scope,
            status_of().label("status"),
        ).where(*conditions)
        if status:
            # Filtered outside: the status is a column of the subquery.
            answers = answers.subquery()
            return select(answers).where(answers.c.status == status).subquery()
        return answers.subquery()

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
            this_answer = AnswerRecord.id == answer_id
            status = session.scalar(select(status_of()).where(this_answer))
            decision = session.scalars(
                _covering_decisions().add_columns(AnswerRecord.id).where(this_answer)
            ).first()
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
            reasons=_reasons(
                answer.flags, [f.review_reason for f in feedback if f.review_reason], answer.scope
            ),
            backend=answer.backend,
            settings_hash=answer.settings_hash,
            corpus_version=answer.corpus_version,
            role=answer.role,
            declined=answer.declined,
            latency_ms=answer.latency_ms,
            created_at=answer.created_at,
            status=status,
            decision=decision_view(decision) if decision else None,
            feedback=[FeedbackView.model_validate(f, from_attributes=True) for f in feedback],
            audit=[AuditEntry.model_validate(a, from_attributes=True) for a in audit],
            same_question=self._same_question(answer) if answer.question_key else [],
        )

    def _same_question(self, answer: AnswerRecord) -> list[QueueEntry]:
        """The other answers in the queue to the question of `answer`, newest first."""
        others = self._answers(question_key=answer.question_key)
        with self._sessions() as session:
            rows = session.execute(
                select(others)
                .where(others.c.id != answer.id)
                .order_by(others.c.created_at.desc(), others.c.id)
                .limit(_SAME_QUESTION_SHOWN)
            ).all()
            asked = self._feedback_reasons(session, [row.id for row in rows])
        return [_entry(row, _reasons(row.flags, asked.get(row.id, []), row.scope)) for row in rows]

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


def _reasons(flags: list[str], asked: list[str], scope: str | None) -> list[str]:
    """Why an answer is in the queue; a decline's thumbs-down is counted, not a reason."""
    if scope is not None:
        asked = [reason for reason in asked if reason != REVIEW_THUMBS_DOWN]
    return list(dict.fromkeys([*flags, *asked]))


def _entry(row, reasons: list[str]) -> QueueEntry:
    return QueueEntry(
        answer_id=row.id,
        question=row.question,
        reasons=reasons,
        status=row.status,
        backend=row.backend,
        created_at=row.created_at,
        answers=getattr(row, "answers", 1),
    )


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
