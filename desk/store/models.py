"""The tables of the desk's own records: conversations, answers, citations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload


def now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ConversationRecord(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    # The sha256 of the secret that opens the conversation (desk/api/conversation_access.py);
    # None for conversations stored before secrets were issued, which nobody anonymous opens.
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answers: Mapped[list[AnswerRecord]] = relationship(
        back_populates="conversation", order_by="AnswerRecord.created_at"
    )


class AnswerRecord(Base):
    """A question and the answer given to it, with what is needed to review it."""

    __tablename__ = "answers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    # The same for every spelling of one question (desk/store/question_key.py): the queue groups by it.
    question_key: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    passages: Mapped[list[dict]] = mapped_column(JSON, default=list)
    backend: Mapped[str] = mapped_column(String(100))
    settings_hash: Mapped[str] = mapped_column(String(64))
    corpus_version: Mapped[str] = mapped_column(String(32))
    latency_ms: Mapped[float] = mapped_column(Float)
    declined: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    notes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    clarify: Mapped[str | None] = mapped_column(Text, nullable=True)
    lead: Mapped[str | None] = mapped_column(Text, nullable=True)  # the direct answer
    # Why the question was not answered from the AI Act ("other_regime", "unrelated"): such
    # declines are counted on the dashboard, not queued for review.
    scope: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    role_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    # The corpus version the answer's citations were last checked against (see Store.mark_stale).
    checked_corpus: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    conversation: Mapped[ConversationRecord] = relationship(back_populates="answers")
    citations: Mapped[list[CitationRecord]] = relationship(
        back_populates="answer", order_by="CitationRecord.number", cascade="all, delete-orphan"
    )


class CitationRecord(Base):
    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    anchor: Mapped[str] = mapped_column(String(100), index=True)
    label: Mapped[str] = mapped_column(String(200))
    passage_id: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str | None] = mapped_column(Text, nullable=True)
    deep_link: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(32))
    amended_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    page: Mapped[int | None] = mapped_column(Integer, nullable=True)  # of a PDF source
    answer: Mapped[AnswerRecord] = relationship(back_populates="citations")


class FeedbackRecord(Base):
    """What an asker said about an answer: a rating with a comment, or a request for a human expert.

    `review_reason` is set when the feedback asks for a human look (a thumbs-down, an expert
    request), so the staff review queue is one indexed query; a thumbs-down beyond its
    client's share of the queue (desk/review/intake.py) is kept without one. Ratings are added,
    not replaced: a later rating of the same answer is a new row, and the newest one counts;
    only a comment sent after a bare rating completes that rating (the widget sends them apart).
    """

    __tablename__ = "feedback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "rating" or "expert"
    rating: Mapped[str | None] = mapped_column(String(10), nullable=True)  # "up" or "down"
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    review_reason: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)  # an expert's answer, written by staff
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


def answer_with_citations(answer_id: str):
    """The SELECT of one answer with its citations loaded (the store and the review read it)."""
    return (
        select(AnswerRecord).where(AnswerRecord.id == answer_id).options(selectinload(AnswerRecord.citations))
    )
