"""One contract suite for the store, run on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import multiprocessing
import uuid

import pytest
from sqlalchemy import text

from desk.store import Store
from desk.types import Answer, Authority, Citation, Flag, Passage


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    store = Store(url)
    store.migrate()
    yield store
    if request.param == "postgresql":
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM citations; DELETE FROM answers; DELETE FROM conversations"))
    store.close()


def _answer(conversation_id: str, question: str = "What is a deployer?", **changes) -> Answer:
    passage = Passage(
        id="ai-act-consolidated:art-3.pt-4", anchor="art-3.pt-4", label="Article 3, point (4)",
        source_id="ai-act-consolidated", version="2026-07-27", authority=Authority.BINDING,
        deep_link="https://eur-lex.europa.eu/eli/reg/2024/1689/2026-07-27/eng#art_3",
        text="‘deployer’ means a natural or legal person … using an AI system under its authority",
    )  # fmt: skip
    citation = Citation(
        number=1, anchor=passage.anchor, label=passage.label, passage_id=passage.id,
        quote="using an AI system under its authority", deep_link=passage.deep_link,
        authority=passage.authority, version=passage.version,
    )  # fmt: skip
    fields = {
        "id": uuid.uuid4().hex, "conversation_id": conversation_id, "question": question,
        "text": "A deployer is a person “using an AI system under its authority” [1].",
        "citations": [citation], "passages": [passage], "flags": [Flag.WEAK_RETRIEVAL],
        "backend": "extractive", "settings_hash": "abc123", "corpus_version": "2026-07-27",
        "latency_ms": 12.5, "notice": "not legal advice",
    }  # fmt: skip
    return Answer(**(fields | changes))


def test_migrations_are_idempotent(store):
    store.migrate()
    assert store.ping()


def _migrate(url: str) -> None:
    Store(url).migrate()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_url(request, tmp_path):
    """A database no process has touched yet."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    return request.getfixturevalue("new_postgres_database")()


def test_workers_starting_together_migrate_one_fresh_database(fresh_database_url):
    # Each worker of `desk serve` (and each replica) migrates as it starts.
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_migrate, args=(fresh_database_url,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    store = Store(fresh_database_url)
    store.save(_answer("c-after-race"))
    assert len(store.turns("c-after-race")) == 1
    store.close()


def test_a_saved_answer_reads_back_whole(store):
    conversation = uuid.uuid4().hex
    answer = _answer(conversation)
    store.save(answer)
    turns = store.turns(conversation)
    assert len(turns) == 1
    turn = turns[0]
    assert (turn.answer_id, turn.question, turn.answer) == (answer.id, answer.question, answer.text)
    assert turn.citations == answer.citations and turn.flags == [Flag.WEAK_RETRIEVAL]
    record = store.answer(answer.id)
    assert record.passages[0]["anchor"] == "art-3.pt-4" and record.settings_hash == "abc123"


def test_turns_come_back_in_order_and_conversations_stay_apart(store):
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    for n in range(3):
        store.save(_answer(first, question=f"question {n}"))
    store.save(_answer(second, question="elsewhere", citations=[], flags=[], declined=True))
    assert [t.question for t in store.turns(first)] == ["question 0", "question 1", "question 2"]
    assert [t.question for t in store.turns(second)] == ["elsewhere"]
    assert store.turns(uuid.uuid4().hex) is None
    assert store.count_answers() == 4


def test_unicode_and_long_text_survive(store):
    conversation = uuid.uuid4().hex
    text_ = "‘Anbieter’ – «fournisseur» – 提供者 " * 500
    store.save(_answer(conversation, question=text_, text=text_))
    assert store.turns(conversation)[0].question == text_


def test_answers_citing_a_changed_provision_are_marked_stale_once(store):
    answer = _answer("c-stale")
    store.save(answer)
    cited_text = answer.passages[0].text
    # The corpus the answer was given on: nothing to check.
    assert store.mark_stale("2026-07-27", lambda _pid: "anything") == 0
    # A newer corpus in which the cited passage reads the same: not stale.
    assert store.mark_stale("2027-01-15", lambda _pid: cited_text) == 0
    # A newer one that changed it: stale, once, however many workers check.
    assert store.mark_stale("2027-06-01", lambda _pid: cited_text + " As amended.") == 1
    assert store.mark_stale("2027-06-01", lambda _pid: None) == 0
    assert "stale" in store.answer(answer.id).flags
    # A passage the newer corpus no longer has counts as changed.
    gone = _answer("c-gone")
    store.save(gone)
    assert (
        store.mark_stale("2027-09-01", lambda pid: None if pid == gone.citations[0].passage_id else "x") == 1
    )
