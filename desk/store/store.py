"""The desk's records in SQL: SQLite by default, PostgreSQL for deployments.

The schema is owned by Alembic migrations (desk/store/migrations); `Store.migrate()` brings a
database up to date and is run when the app starts, so a fresh database needs no step of
its own.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload, sessionmaker

from desk.store.models import AnswerRecord, CitationRecord, ConversationRecord, now
from desk.types import Answer, Citation, Flag

MIGRATIONS = Path(__file__).parent / "migrations"


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
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ping(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def save(self, answer: Answer) -> None:
        """Store a question, its answer and its citations in one transaction."""
        # Core inserts, not the ORM: this runs on every question and the ORM's unit of work
        # costs more than the database does.
        conversation = self._insert(ConversationRecord.__table__).values(
            id=answer.conversation_id, created_at=now()
        )
        try:
            with self._write_lock, self.engine.begin() as connection:
                connection.execute(conversation.on_conflict_do_nothing(index_elements=["id"]))
                connection.execute(AnswerRecord.__table__.insert(), _answer_row(answer))
                if answer.citations:
                    connection.execute(
                        CitationRecord.__table__.insert(),
                        [{"answer_id": answer.id, **c.model_dump(mode="json")} for c in answer.citations],
                    )
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

    def answer(self, answer_id: str) -> AnswerRecord | None:
        with self._sessions() as session:
            statement = select(AnswerRecord).where(AnswerRecord.id == answer_id)
            return session.scalars(statement.options(selectinload(AnswerRecord.citations))).first()

    def count_answers(self) -> int:
        with self._sessions() as session:
            return session.query(AnswerRecord).count()

    def close(self) -> None:
        self.engine.dispose()


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
        "text": answer.text,
        "flags": [flag.value for flag in answer.flags],
        "passages": [passage.model_dump(mode="json") for passage in answer.passages],
        "backend": answer.backend,
        "settings_hash": answer.settings_hash,
        "corpus_version": answer.corpus_version,
        "latency_ms": answer.latency_ms,
        "declined": answer.declined,
        "created_at": now(),
    }


def _turn(record: AnswerRecord) -> Turn:
    return Turn(
        answer_id=record.id,
        question=record.question,
        answer=record.text,
        citations=[
            Citation.model_validate({k: getattr(c, k) for k in Citation.model_fields})
            for c in record.citations
        ],
        flags=[Flag(flag) for flag in record.flags],
        created_at=record.created_at.isoformat(),
    )
