"""The desk's records in SQL: SQLite by default, PostgreSQL for deployments.

The schema is owned by Alembic migrations (desk/store/migrations); `Store.migrate()` brings a
database up to date and is run when the app starts, so a fresh database needs no step of
its own.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import selectinload, sessionmaker
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from desk.store.models import (
    AnswerRecord,
    CitationRecord,
    ConversationRecord,
    FeedbackRecord,
    answer_with_citations,
    now,
)
from desk.store.question_key import question_key
from desk.types import Answer, Citation, Flag

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number shared by every desk process: the key of the PostgreSQL advisory lock
# that serialises migrations.
_MIGRATION_LOCK_KEY = 1689_2024


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or refused the write."""


@dataclass(frozen=True)
class Turn:
    answer_id: str
    question: str
    answer: str
    citations: list[Citation]
    flags: list[Flag]
    created_at: str
    notes: list[str]
    role: str | None
    clarify: str | None
    corpus_version: str
    lead: str = ""
    scope: str | None = None
    role_source: str | None = None


# Why feedback asks for a human look; the staff review queue reads these from `feedback.review_reason`.
REVIEW_THUMBS_DOWN = "thumbs_down"
REVIEW_EXPERT_REQUEST = "expert_request"


@dataclass(frozen=True)
class Feedback:
    """A rating or an expert request, as stored."""

    id: str
    answer_id: str
    kind: str
    rating: str | None
    comment: str | None
    email: str | None
    review_reason: str | None
    reply: str | None
    replied_at: datetime | None
    created_at: datetime


_NO_FEEDBACK = {"rating": None, "comment": None, "email": None, "reply": None, "replied_at": None}


class Store:
    def __init__(self, url: str):
        self.url = url
        self.engine = _engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite takes one writer at a time and makes the others sleep and retry, in steps of
        # up to 100 ms; writers of one process queue on a lock instead. PostgreSQL needs none.
        self._write_lock = threading.Lock() if self.engine.dialect.name == "sqlite" else nullcontext()

    def migrate(self) -> None:
        """Bring the schema up to the newest migration."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        # Every worker and replica migrates as it starts; unserialised, two of them meet an
        # empty database together and the second dies on "table already exists".
        with self._migration_lock(), self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Held until this transaction ends; the others wait, then find nothing to do.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def _migration_lock(self):
        """A file lock beside a SQLite database file; PostgreSQL locks inside its transaction."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return nullcontext()
        from filelock import FileLock

        return FileLock(f"{database}.migrate.lock", timeout=120)

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def save(self, answer: Answer, secret_hash: str | None = None) -> None:
        """Store a question, its answer and its citations in one transaction. The first answer
        of a conversation makes its record, keeping `secret_hash`; later ones leave it as it is."""
        # Core inserts, not the ORM: this runs on every question and the ORM's unit of work
        # costs more than the database does.
        conversation = self._insert(ConversationRecord.__table__).values(
            id=answer.conversation_id, created_at=now(), secret_hash=secret_hash
        )
        try:
            for attempt in _write_attempts():
                with attempt, self._write_lock, self.engine.begin() as connection:
                    _write_answer(connection, conversation, answer)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"could not store the answer: {type(error).__name__}") from error

    @property
    def _insert(self):
        """The dialect's INSERT, which knows ON CONFLICT DO NOTHING (SQLite and PostgreSQL)."""
        if self.engine.dialect.name == "postgresql":
            return postgresql_insert
        return sqlite_insert

    def turns(self, conversation_id: str) -> list[Turn] | None:
        """The conversation's questions and answers in order; None if there is no such one."""
        with self._sessions() as session:
            conversation = session.get(
                ConversationRecord,
                conversation_id,
                options=[selectinload(ConversationRecord.answers).selectinload(AnswerRecord.citations)],
            )
            if conversation is None:
                return None
            return [_turn(record) for record in conversation.answers]

    def conversation_secret_hash(self, conversation_id: str) -> str | None:
        """The hash of the secret that opens the conversation; None when there is no such
        conversation, or it has no secret."""
        with self._sessions() as session:
            return session.scalar(
                select(ConversationRecord.secret_hash).where(ConversationRecord.id == conversation_id)
            )

    def answer_secret_hash(self, answer_id: str) -> str | None:
        """The hash of the secret of the conversation an answer belongs to; None as above."""
        with self._sessions() as session:
            return session.scalar(
                select(ConversationRecord.secret_hash)
                .join(AnswerRecord, AnswerRecord.conversation_id == ConversationRecord.id)
                .where(AnswerRecord.id == answer_id)
            )

    def recent_turns(self, conversation_id: str, last: int) -> tuple[list[Turn], int] | None:
        """The `last` turns of a conversation, in order, and how many it has in all; None if
        there is no such conversation. Reads only those turns, however long it is."""
        with self._sessions() as session:
            if session.get(ConversationRecord, conversation_id) is None:
                return None
            total = session.scalar(
                select(func.count())
                .select_from(AnswerRecord)
                .where(AnswerRecord.conversation_id == conversation_id)
            )
            newest = session.scalars(
                select(AnswerRecord)
                .where(AnswerRecord.conversation_id == conversation_id)
                .order_by(AnswerRecord.created_at.desc())
                .limit(last)
                .options(selectinload(AnswerRecord.citations))
            ).all()
            return [_turn(record) for record in reversed(newest)], total

    def answer(self, answer_id: str) -> AnswerRecord | None:
        with self._sessions() as session:
            return session.scalars(answer_with_citations(answer_id)).first()

    def mark_stale(
        self, corpus_version: str, reads_now: Callable[[str], str | None], batch: int = 500
    ) -> int:
        """Flag `stale` the answers given on an earlier corpus whose cited passages read
        differently in the corpus of `corpus_version` (`reads_now(passage_id)`: the passage's
        text now, None when it is gone). Each answer is checked once per corpus version, so
        every worker may run this as it starts. Returns how many were newly flagged."""
        flagged = 0
        pending = or_(AnswerRecord.checked_corpus.is_(None), AnswerRecord.checked_corpus != corpus_version)
        while True:
            with self._write_lock, self._sessions.begin() as session:
                records = session.scalars(
                    select(AnswerRecord)
                    .where(pending)
                    .options(selectinload(AnswerRecord.citations))
                    .limit(batch)
                ).all()
                for record in records:
                    record.checked_corpus = corpus_version
                    if Flag.STALE.value in record.flags or not _reads_differently(record, reads_now):
                        continue
                    record.flags = [*record.flags, Flag.STALE.value]
                    flagged += 1
            if len(records) < batch:
                return flagged

    def count_answers(self) -> int:
        with self._sessions() as session:
            return session.query(AnswerRecord).count()

    def add_feedback(
        self,
        answer_id: str,
        rating: str,
        comment: str | None = None,
        admit: Callable[[], bool] | None = None,
    ) -> Feedback | None:
        """Record a rating ("up" or "down"); None: no such answer. A thumbs-down asks for review,
        unless the question was declined, when `admit()` lets its client add to the queue
        (desk/review/intake.py); else it is kept all the same. A comment that follows a bare
        rating of the same kind completes it."""
        completed = self._complete_rating(answer_id, rating, comment)
        if completed is not None:
            return completed
        # A declined question rated down is counted on the dashboard, not queued (issue 19).
        asks = rating == "down" and not self._declined(answer_id) and (admit is None or admit())
        return self._add_feedback(
            answer_id,
            kind="rating",
            rating=rating,
            comment=comment,
            review_reason=REVIEW_THUMBS_DOWN if asks else None,
        )

    def _declined(self, answer_id: str) -> bool:
        """The desk declined the question: another law or another subject."""
        with self._sessions() as session:
            return session.scalar(select(AnswerRecord.scope).where(AnswerRecord.id == answer_id)) is not None

    def _complete_rating(self, answer_id: str, rating: str, comment: str | None) -> Feedback | None:
        """Put `comment` on the answer's newest feedback when that is the same rating without
        one: the widget sends the thumb, then the comment, and staff should read one rating
        with its comment, not two ratings (issue 19). None: there is nothing to complete."""
        if not comment:
            return None
        newest_first = (
            select(FeedbackRecord)
            .where(FeedbackRecord.answer_id == answer_id)
            .order_by(FeedbackRecord.created_at.desc(), FeedbackRecord.id.desc())
            .limit(1)
            .with_for_update()
        )
        try:
            with self._write_lock, self._sessions.begin() as session:
                newest = session.scalars(newest_first).first()
                if newest is None or (newest.kind, newest.rating, newest.comment) != ("rating", rating, None):
                    return None
                newest.comment = comment
                session.flush()
                return _feedback(newest)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"could not store the feedback: {type(error).__name__}") from error

    def add_expert_request(
        self, answer_id: str, email: str | None = None, comment: str | None = None
    ) -> Feedback | None:
        """Ask a human expert about an answer (its question and passages are stored with it)."""
        return self._add_feedback(
            answer_id, kind="expert", email=email, comment=comment, review_reason=REVIEW_EXPERT_REQUEST
        )

    def _add_feedback(self, answer_id: str, **fields) -> Feedback | None:
        row = {"id": uuid.uuid4().hex, "answer_id": answer_id, "created_at": now()} | _NO_FEEDBACK | fields
        try:
            for attempt in _write_attempts():
                with attempt, self._write_lock, self.engine.begin() as connection:
                    known = select(AnswerRecord.id).where(AnswerRecord.id == answer_id)
                    if connection.execute(known).first() is None:
                        return None
                    connection.execute(FeedbackRecord.__table__.insert(), row)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"could not store the feedback: {type(error).__name__}") from error
        return Feedback(**row)

    def feedback(self, answer_id: str) -> list[Feedback]:
        """Everything askers said about an answer, oldest first."""
        statement = select(FeedbackRecord).where(FeedbackRecord.answer_id == answer_id)
        return self._feedback_rows(statement)

    def expert_request(self, answer_id: str) -> Feedback | None:
        """The newest request for a human expert on an answer, with the reply once staff write one."""
        statement = select(FeedbackRecord).where(
            FeedbackRecord.answer_id == answer_id, FeedbackRecord.kind == "expert"
        )
        found = self._feedback_rows(statement)
        return found[-1] if found else None

    def review_requests(self) -> list[Feedback]:
        """Feedback that asks for a human look (thumbs-down, expert requests), oldest first."""
        return self._feedback_rows(select(FeedbackRecord).where(FeedbackRecord.review_reason.is_not(None)))

    def reply_to_expert_request(self, request_id: str, reply: str) -> Feedback | None:
        """Store an expert's reply for the asker to read; None if there is no such request."""
        with self._write_lock, self._sessions.begin() as session:
            record = session.get(FeedbackRecord, request_id)
            if record is None or record.kind != "expert":
                return None
            record.reply, record.replied_at = reply, now()
            session.flush()
            return _feedback(record)

    def _feedback_rows(self, statement) -> list[Feedback]:
        ordered = statement.order_by(FeedbackRecord.created_at, FeedbackRecord.id)
        with self._sessions() as session:
            return [_feedback(record) for record in session.scalars(ordered)]

    def close(self) -> None:
        self.engine.dispose()


def _write_attempts() -> Retrying:
    """Up to three tries of a write whose connection broke (the database restarted, a
    connection was cut): the transaction failed whole, so trying again writes it once. Any
    other error, or a third failure, is raised: the caller answers 503, never a silent loss."""
    return Retrying(
        retry=retry_if_exception(_connection_lost),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.2, max=2),
        reraise=True,
    )


def _connection_lost(error: BaseException) -> bool:
    return isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _write_answer(connection, conversation, answer: Answer) -> None:
    connection.execute(conversation.on_conflict_do_nothing(index_elements=["id"]))
    connection.execute(AnswerRecord.__table__.insert(), _answer_row(answer))
    if answer.citations:
        connection.execute(
            CitationRecord.__table__.insert(),
            [{"answer_id": answer.id, **_citation_row(c)} for c in answer.citations],
        )


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_wal(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_wal(engine: Engine) -> None:
    """WAL lets readers go on while an answer is written (two workers, one file); with WAL,
    synchronous=NORMAL loses nothing when a process dies, only on power loss, and saves an
    fsync per answer."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _answer_row(answer: Answer) -> dict:
    return {
        "id": answer.id,
        "conversation_id": answer.conversation_id,
        "question": answer.question,
        "question_key": question_key(answer.question),
        "text": answer.text,
        "flags": [flag.value for flag in answer.flags],
        "passages": [passage.model_dump(mode="json") for passage in answer.passages],
        "backend": answer.backend,
        "settings_hash": answer.settings_hash,
        "corpus_version": answer.corpus_version,
        "latency_ms": answer.latency_ms,
        "declined": answer.declined,
        "role": answer.role.value if answer.role else None,
        "notes": list(answer.notes),
        "clarify": answer.clarify,
        "lead": answer.lead,
        "scope": answer.scope.value if answer.scope else None,
        "role_source": answer.role_source,
        "checked_corpus": answer.corpus_version,
        "created_at": now(),
    }


# What a citation row keeps; its links (references, definitions) are read from the index again.
_CITATION_COLUMNS = tuple(name for name in Citation.model_fields if name not in {"references", "definitions"})


def _reads_differently(record: AnswerRecord, reads_now: Callable[[str], str | None]) -> bool:
    """A cited passage is gone, or its text is not what the answer was given on."""
    seen = {p["id"]: p.get("text") for p in record.passages}
    return any(reads_now(c.passage_id) != seen.get(c.passage_id) for c in record.citations)


def _citation_row(citation: Citation) -> dict:
    return citation.model_dump(mode="json", include=set(_CITATION_COLUMNS))


def _turn(record: AnswerRecord) -> Turn:
    return Turn(
        answer_id=record.id,
        question=record.question,
        answer=record.text,
        citations=[
            Citation.model_validate({k: getattr(c, k) for k in _CITATION_COLUMNS}) for c in record.citations
        ],
        flags=[Flag(flag) for flag in record.flags],
        created_at=record.created_at.isoformat(),
        notes=list(record.notes or []),
        role=record.role,
        clarify=record.clarify,
        corpus_version=record.corpus_version,
        lead=record.lead or "",
        scope=record.scope,
        role_source=record.role_source,
    )


def _feedback(record: FeedbackRecord) -> Feedback:
    values = {name: getattr(record, name) for name in Feedback.__dataclass_fields__}
    for moment in ("created_at", "replied_at"):  # SQLite gives back the UTC time without its zone
        if values[moment] is not None and values[moment].tzinfo is None:
            values[moment] = values[moment].replace(tzinfo=UTC)
    return Feedback(**values)
