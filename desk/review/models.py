"""The tables of the staff side: accounts, logins, review decisions and their audit log.

The queue itself has no table: it is read from the answers' flags and the feedback that asks
for a human look, so an answer flagged later (stale) or rated later joins it with no hook.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desk.store.models import Base, now


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; the desk stores UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class StaffRecord(Base):
    __tablename__ = "staff"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    roles: Mapped[list[str]] = mapped_column(JSON)  # "reviewer", "admin"
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, in its PHC string form
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class StaffSessionRecord(Base):
    """A browser session or an API token; only its sha256 is kept, so a leaked table opens nothing."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("staff.username", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "browser" (cookie + CSRF) or "api" (bearer)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginFailureRecord(Base):
    """A failed login, counted per account and per client address across every replica."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), index=True)  # "user:alice" or "ip:203.0.113.9"
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class ReviewDecisionRecord(Base):
    """Staff's word on one answer. Approved and corrected answers are reviewed answers: the desk
    serves them again for near-duplicate questions, and `desk review export` makes eval cases of them."""

    __tablename__ = "review_decisions"

    answer_id: Mapped[str] = mapped_column(ForeignKey("answers.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # approved, corrected, rejected
    question: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)  # the answer as reviewed: the original, or the correction
    # [{anchor, label, passage_id, quote, passage_text}]: passage_text is what the reviewer saw,
    # so a later corpus that changed it is caught before the answer is served again.
    citations: Mapped[list[dict]] = mapped_column(JSON)
    role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    declined: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class ReviewAuditRecord(Base):
    """Every staff action: who, when, what, and the state before and after."""

    __tablename__ = "review_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    answer_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    subject: Mapped[str | None] = mapped_column(
        String(64), nullable=True
    )  # the account a staff action changed
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
