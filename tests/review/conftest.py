"""The review side's fixtures: a store on SQLite and on a real PostgreSQL (the contract suite of
tests/desk/test_store.py), stored answers with each flag, staff accounts, the real index."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from desk.review.accounts import StaffAccounts
from desk.review.decisions import ReviewDecisions
from desk.review.queue import ReviewQueue
from desk.settings import ReviewSettings
from desk.store import Store
from desk.types import Answer, Flag
from tests.conftest import make_answer

_TABLES = (
    "queue_intake_windows", "review_audit", "review_decisions", "login_failures", "staff_sessions", "staff",
    "feedback", "citations", "answers", "conversations",
)  # fmt: skip
PASSWORD = "correct horse battery staple"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path / 'desk.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    store = Store(url)
    store.migrate()
    yield store
    if request.param == "postgresql":
        with store.engine.begin() as connection:
            for table in _TABLES:
                connection.execute(text(f"DELETE FROM {table}"))
    store.close()


@pytest.fixture
def review_settings() -> ReviewSettings:
    return ReviewSettings(
        login_failures_before_wait=3, login_first_wait_s=60, login_failures_per_ip=5, login_window_s=600
    )


@pytest.fixture
def accounts(store, review_settings) -> StaffAccounts:
    return StaffAccounts(store.engine, review_settings)


@pytest.fixture
def decisions(store) -> ReviewDecisions:
    return ReviewDecisions(store.engine)


@pytest.fixture
def queue(store) -> ReviewQueue:
    return ReviewQueue(store.engine)


@pytest.fixture(scope="session")
def index(corpus_settings):
    """The real index of the official texts."""
    from desk.index import LoadedIndex

    return LoadedIndex.open(corpus_settings)


def saved(store: Store, *args, **kwargs) -> Answer:
    answer = make_answer(*args, **kwargs)
    store.save(answer)
    return answer


__all__ = ["PASSWORD", "Flag", "make_answer", "saved"]
