"""A conversation id is no key (issue 19, point 3): only the secret the desk issued when the
conversation started reads it, continues it or rates its answers; staff read everything.

A real `desk serve` on the real index, probed as an outsider who learnt the ids would probe it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from desk.api.conversation_access import SECRET_HEADER
from desk.review.accounts import StaffAccounts
from desk.settings import ReviewSettings
from desk.store import Store
from tests.conftest import make_answer, start_desk, stop

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

QUESTION = "What is a deployer?"


@pytest.fixture(scope="module")
def desk(corpus_settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("conversation-secret")
    database = folder / "desk.sqlite3"
    env = {"DESK_DATA_DIR": str(corpus_settings.data_dir), "DESK_DATABASE_URL": f"sqlite:///{database}"}
    process, url = start_desk(env, folder / "serve.log")
    yield url, database
    stop(process)


def _sending(secret: str | None) -> dict[str, str]:
    return {SECRET_HEADER: secret} if secret else {}


def _ask(url: str, body: dict, secret: str | None = None) -> httpx.Response:
    return httpx.post(f"{url}/api/chat", json=body, headers=_sending(secret), timeout=60)


def _read(url: str, conversation_id: str, secret: str | None = None) -> httpx.Response:
    return httpx.get(f"{url}/api/conversations/{conversation_id}", headers=_sending(secret), timeout=30)


def _other_secret(url: str) -> str:
    """A real secret, of a conversation of the prober's own."""
    return _ask(url, {"question": QUESTION}).json()["conversation_secret"]


def test_a_new_conversation_gets_its_secret_once(desk):
    url, _ = desk
    started = _ask(url, {"question": QUESTION})
    assert started.status_code == 200, started.text
    answer = started.json()
    secret = answer["conversation_secret"]
    assert len(secret) == 43 and secret != answer["conversation_id"]
    follow = _ask(url, {"question": "And a provider?", "conversation_id": answer["conversation_id"]}, secret)
    assert follow.status_code == 200 and follow.json()["conversation_secret"] is None
    # The stream gives it in its first event, before anything is written.
    streamed = httpx.post(f"{url}/api/chat/stream", json={"question": QUESTION}, timeout=60)
    meta = json.loads(streamed.text.split("\n\n")[0].split("data: ", 1)[1])
    assert len(meta["conversation_secret"]) == 43
    assert _read(url, meta["conversation_id"], meta["conversation_secret"]).status_code == 200


def test_its_id_alone_reads_continues_and_rates_nothing(desk):
    url, _ = desk
    answer = _ask(url, {"question": QUESTION}).json()
    conversation_id, secret = answer["conversation_id"], answer["conversation_secret"]
    other = _other_secret(url)
    follow_up = {"question": "And a provider?", "conversation_id": conversation_id}
    rating = f"{url}/api/answers/{answer['id']}/feedback"
    expert = f"{url}/api/answers/{answer['id']}/expert"
    probes = {
        "read": lambda sent: _read(url, conversation_id, sent),
        "continue": lambda sent: _ask(url, follow_up, sent),
        "rate": lambda sent: httpx.post(rating, json={"rating": "down"}, headers=_sending(sent)),
        "ask an expert": lambda sent: httpx.post(expert, json={}, headers=_sending(sent)),
        "read the reply": lambda sent: httpx.get(expert, headers=_sending(sent)),
    }
    for what, probe in probes.items():
        missing = probe(None)
        assert missing.status_code == 403, (what, missing.text)
        assert SECRET_HEADER in missing.json()["error"], what
        wrong = probe(other)
        assert wrong.status_code == 404, (what, wrong.text)
        assert "opens with this X-Conversation-Secret" in wrong.json()["error"], what
        malformed = probe("not a secret")
        assert malformed.status_code == 422, (what, malformed.text)
    # Nothing the prober sent was kept, and the conversation is as its asker left it.
    record = _read(url, conversation_id, secret)
    assert record.status_code == 200 and len(record.json()["turns"]) == 1
    assert httpx.post(rating, json={"rating": "up"}, headers=_sending(secret)).status_code == 201


def test_an_unknown_id_and_a_wrong_secret_are_told_the_same(desk):
    url, _ = desk
    answer = _ask(url, {"question": QUESTION}).json()
    other = _other_secret(url)
    unknown_id = uuid.uuid4().hex
    known = _read(url, answer["conversation_id"], other)
    unknown = _read(url, unknown_id, other)
    assert known.status_code == unknown.status_code == 404
    assert known.json()["error"].replace(answer["conversation_id"], "ID") == unknown.json()["error"].replace(
        unknown_id, "ID"
    )


def test_the_database_keeps_only_a_hash_of_the_secret(desk):
    url, database = desk
    answer = _ask(url, {"question": QUESTION}).json()
    secret = answer["conversation_secret"]
    store = Store(f"sqlite:///{database}")
    try:
        with store.engine.connect() as connection:
            query = text("SELECT secret_hash FROM conversations WHERE id = :id")
            kept = connection.execute(query, {"id": answer["conversation_id"]}).scalar_one()
    finally:
        store.close()
    assert kept == hashlib.sha256(secret.encode()).hexdigest()
    files = [Path(f"{database}{suffix}") for suffix in ("", "-wal")]
    assert not any(secret.encode() in f.read_bytes() for f in files if f.exists())


def test_a_conversation_from_before_secrets_opens_for_staff_only(desk):
    """Stored before migration 0009 (no secret): no anonymous caller reads, continues or rates
    it any more, whatever they send; staff still read its answers in the review API."""
    url, database = desk
    old = make_answer()
    store = Store(f"sqlite:///{database}")
    try:
        store.save(old)  # as the desk stored every answer before secrets
        accounts = StaffAccounts(store.engine, ReviewSettings())
        accounts.add("sam", "a long enough password", ["reviewer"])
        staff = {"Authorization": f"Bearer {accounts.open_session('sam', 'api').token}"}
    finally:
        store.close()
    guess = _other_secret(url)
    assert _read(url, old.conversation_id, guess).status_code == 404
    continued = _ask(url, {"question": "And a provider?", "conversation_id": old.conversation_id}, guess)
    assert continued.status_code == 404 and "start a new one" in continued.json()["error"]
    rated = httpx.post(
        f"{url}/api/answers/{old.id}/feedback", json={"rating": "down"}, headers={SECRET_HEADER: guess}
    )
    assert rated.status_code == 404
    item = httpx.get(f"{url}/api/review/items/{old.id}", headers=staff)
    assert item.status_code == 200 and item.json()["question"] == old.question
