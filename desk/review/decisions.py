"""Staff actions on answers, each written with its audit entry in one transaction:
approve, correct, reject, reply to an expert request; and the audit of staff management."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from desk.index import LoadedIndex
from desk.review.corrections import reviewed_citations
from desk.review.models import ReviewAuditRecord, ReviewDecisionRecord
from desk.review.queue import decision_view
from desk.review.schemas import AuditEntry, Decision, FeedbackView, ReviewedCitation
from desk.store.models import AnswerRecord, FeedbackRecord, answer_with_citations, now

REVIEWED = ("approved", "corrected")  # the decisions that make an answer a reviewed answer
_ACTION = {"approved": "approve", "corrected": "correct", "rejected": "reject"}


class NoSuchAnswer(LookupError):
    pass


class NoExpertRequest(LookupError):
    pass


class ReviewDecisions:
    def __init__(self, engine: Engine):
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def approve(self, answer_id: str, actor: str, index: LoadedIndex, note: str | None = None) -> Decision:
        """The answer is right as given: it becomes a reviewed answer, citations and all."""
        with self._sessions.begin() as session:
            answer = self._answer(session, answer_id)
            cited = [
                {k: getattr(c, k) for k in ("number", "anchor", "label", "passage_id", "quote")}
                for c in answer.citations
            ]
            return self._decide(
                session, answer, actor, "approved", answer.text, reviewed_citations(index, cited), note
            )

    def correct(
        self,
        answer_id: str,
        actor: str,
        text: str,
        citations: list[ReviewedCitation],
        note: str | None = None,
    ) -> Decision:
        """Staff's own answer, with citations already checked against the corpus (corrections.py)."""
        with self._sessions.begin() as session:
            answer = self._answer(session, answer_id)
            return self._decide(session, answer, actor, "corrected", text, citations, note)

    def reject(self, answer_id: str, actor: str, note: str) -> Decision:
        """The answer is wrong and is not to be given again; the note says why."""
        with self._sessions.begin() as session:
            answer = self._answer(session, answer_id)
            return self._decide(session, answer, actor, "rejected", answer.text, [], note)

    def reply(self, answer_id: str, actor: str, reply: str) -> FeedbackView:
        """Answer the newest expert request on an answer; the asker reads it at
        GET /api/answers/{id}/expert."""
        with self._sessions.begin() as session:
            self._answer(session, answer_id)
            request = session.scalars(
                select(FeedbackRecord)
                .where(FeedbackRecord.answer_id == answer_id, FeedbackRecord.kind == "expert")
                .order_by(FeedbackRecord.created_at.desc(), FeedbackRecord.id.desc())
                .limit(1)
            ).first()
            if request is None:
                raise NoExpertRequest(f"no one asked for an expert on answer {answer_id}")
            before = {"reply": request.reply}
            request.reply, request.replied_at = reply, now()
            self._audit(session, actor, "reply", answer_id, before=before, after={"reply": reply})
            return FeedbackView.model_validate(request, from_attributes=True)

    def record(self, actor: str, action: str, *, subject: str | None = None, before=None, after=None) -> None:
        """Audit a staff action that is not about an answer (accounts added and removed)."""
        with self._sessions.begin() as session:
            self._audit(session, actor, action, None, subject=subject, before=before, after=after)

    # -- reading ----------------------------------------------------------------------------
    def reviewed(self) -> list[Decision]:
        """Approved and corrected answers, oldest first."""
        with self._sessions() as session:
            records = session.scalars(
                select(ReviewDecisionRecord)
                .where(ReviewDecisionRecord.status.in_(REVIEWED))
                .order_by(ReviewDecisionRecord.updated_at, ReviewDecisionRecord.answer_id)
            )
            return [decision_view(record) for record in records]

    def version(self) -> tuple[int, str]:
        """Changes whenever any decision is made or changed: what caches of reviewed answers watch."""
        with self._sessions() as session:
            count, newest = session.execute(
                select(func.count(), func.max(ReviewDecisionRecord.updated_at))
            ).one()
        return count, str(newest)

    def counts(self) -> dict[str, int]:
        with self._sessions() as session:
            rows = session.execute(
                select(ReviewDecisionRecord.status, func.count()).group_by(ReviewDecisionRecord.status)
            ).all()
        return dict(rows)

    def audit(self, limit: int = 100, answer_id: str | None = None) -> list[AuditEntry]:
        """The newest audit entries first."""
        statement = select(ReviewAuditRecord).order_by(ReviewAuditRecord.id.desc()).limit(limit)
        if answer_id:
            statement = statement.where(ReviewAuditRecord.answer_id == answer_id)
        with self._sessions() as session:
            return [AuditEntry.model_validate(r, from_attributes=True) for r in session.scalars(statement)]

    # -- shared steps -------------------------------------------------------------------------
    @staticmethod
    def _answer(session, answer_id: str) -> AnswerRecord:
        answer = session.scalars(answer_with_citations(answer_id)).first()
        if answer is None:
            raise NoSuchAnswer(f"no answer {answer_id}")
        return answer

    def _decide(
        self,
        session,
        answer: AnswerRecord,
        actor: str,
        status: str,
        text: str,
        citations: list[ReviewedCitation],
        note: str | None,
    ) -> Decision:
        record = session.get(ReviewDecisionRecord, answer.id, with_for_update=True)
        before = decision_view(record).model_dump(mode="json") if record else {"status": "pending"}
        if record is None:
            record = ReviewDecisionRecord(answer_id=answer.id)
            session.add(record)
        record.status, record.question, record.text = status, answer.question, text
        record.citations = [c.model_dump(mode="json") for c in citations]
        record.role, record.declined, record.note = answer.role, answer.declined, note
        record.reviewed_by, record.updated_at = actor, now()
        session.flush()
        decision = decision_view(record)
        after = decision.model_dump(mode="json")
        self._audit(session, actor, _ACTION[status], answer.id, before, after)
        return decision

    @staticmethod
    def _audit(session, actor, action, answer_id, before=None, after=None, subject=None) -> None:
        session.add(
            ReviewAuditRecord(
                at=now(),
                actor=actor,
                action=action,
                answer_id=answer_id,
                subject=subject,
                before=before,
                after=after,
            )
        )
