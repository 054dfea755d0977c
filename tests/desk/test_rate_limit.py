"""The rate limits, per conversation and per address: counted in the shared database, so two
replicas hold one limit."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from starlette.requests import Request

from desk.api.app import create_app
from desk.api.conversation_access import issue_secret
from desk.ratelimit import RateLimited, RateLimiter, client_of
from desk.settings import REPO_ROOT, RateLimitSettings
from desk.store import Store
from tests.conftest import secret_of


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    return request.getfixturevalue("new_postgres_database")()


def test_the_window_counts_and_rolls_over(database_url):
    store = Store(database_url)
    store.migrate()
    limiter = RateLimiter(store.engine, RateLimitSettings(requests=2, window_s=60))
    limiter.hit("203.0.113.9", now=120.0)
    limiter.hit("203.0.113.9", now=150.0)
    with pytest.raises(RateLimited) as refused:
        limiter.hit("203.0.113.9", now=170.0)
    assert refused.value.status_code == 429 and refused.value.headers["Retry-After"] == "11"
    limiter.hit("198.51.100.7", now=170.0)  # another client has its own count
    limiter.hit("203.0.113.9", now=181.0)  # a new window
    store.close()


def test_a_limit_of_zero_is_off(database_url):
    store = Store(database_url)
    store.migrate()
    limiter = RateLimiter(store.engine, RateLimitSettings(requests=0, conversation_requests=0))
    for _ in range(50):
        limiter.hit("203.0.113.9", conversation_secret="a secret")
    store.close()


def test_a_conversation_has_its_own_limit_under_the_addresses_ceiling(database_url):
    store = Store(database_url)
    store.migrate()
    limiter = RateLimiter(store.engine, RateLimitSettings(requests=5, conversation_requests=2, window_s=60))
    office = "203.0.113.9"  # one NAT, two people
    first, second = issue_secret()[0], issue_secret()[0]
    limiter.hit(office, now=120.0, conversation_secret=first)
    limiter.hit(office, now=121.0, conversation_secret=first)
    with pytest.raises(RateLimited) as asked_a_lot:
        limiter.hit(office, now=122.0, conversation_secret=first)
    assert "in this conversation: the limit is 2 per 60 s" in asked_a_lot.value.detail
    assert asked_a_lot.value.headers["Retry-After"] == "59"
    limiter.hit(office, now=123.0, conversation_secret=second)  # the colleague asks on
    limiter.hit(office, now=124.0)  # a new conversation's first question: the address alone
    with pytest.raises(RateLimited) as office_ceiling:
        limiter.hit(office, now=125.0, conversation_secret=second)
    assert "from this address: the limit is 5 per 60 s, shared by everyone behind it" in (
        office_ceiling.value.detail
    )
    # The secrets are counted by their hash: the table holds none of them.
    with store.engine.connect() as connection:
        keys = connection.execute(text("SELECT client FROM rate_limit_windows")).scalars().all()
    assert office in keys and not any(secret in key for key in keys for secret in (first, second))
    store.close()


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_the_client_behind_a_trusted_proxy_is_the_one_it_names():
    trusted = ["10.0.0.0/8"]
    assert client_of(_request("10.1.2.3", "203.0.113.9, 198.51.100.7"), trusted) == "198.51.100.7"
    # A client cannot pick its own identity by sending the header itself.
    assert client_of(_request("203.0.113.9", "198.51.100.7"), trusted) == "203.0.113.9"


@pytest.mark.corpus
def test_two_replicas_share_one_limit_and_say_when_to_retry(corpus_settings, database_url):
    # Windows are fixed (aligned to the epoch): with a 60 s window, the four requests below
    # straddled a minute's end on a slow CI run and the fourth opened a new window. A day's
    # window makes that a chance of seconds in 86,400.
    settings = corpus_settings.model_copy(
        update={"database_url": database_url, "rate_limit": RateLimitSettings(requests=3, window_s=86400)}
    )
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        for client in (first, second, first):
            assert client.post("/api/chat", json={"question": "What is a deployer?"}).status_code == 200
        refused = second.post("/api/chat", json={"question": "What is a provider?"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 86401
        assert "limit is 3 per 86400 s" in refused.json()["error"]
        # Reading stays open: only the routes that cost work count.
        assert second.get("/api/timeline").status_code == 200


@pytest.mark.corpus
def test_an_office_behind_one_address_is_limited_per_conversation(corpus_settings, database_url):
    """Issue 19: one person asking a lot is told so, and when to ask again; a colleague behind the
    same address asks on, up to the address's ceiling, which names itself."""
    limits = RateLimitSettings(requests=6, conversation_requests=2, window_s=86400)
    settings = corpus_settings.model_copy(update={"database_url": database_url, "rate_limit": limits})
    with TestClient(create_app(settings)) as client:
        first = client.post("/api/chat", json={"question": "What is a deployer?"}).json()  # address: 1
        follow_up = {"question": "And a provider?", "conversation_id": first["conversation_id"]}
        for _ in range(2):  # conversation: 1, 2; address: 2, 3
            assert client.post("/api/chat", json=follow_up, headers=secret_of(first)).status_code == 200
        refused = client.post("/api/chat", json=follow_up, headers=secret_of(first))  # address: 4
        assert refused.status_code == 429
        assert re.fullmatch(
            r"too many requests in this conversation: the limit is 2 per 86400 s; retry in \d+ s",
            refused.json()["error"],
        )
        assert 1 <= int(refused.headers["Retry-After"]) <= 86401
        # A colleague behind the same address is not held back by it.
        colleague = client.post("/api/chat", json={"question": "What is a provider?"})  # address: 5
        assert colleague.status_code == 200
        again = {"question": "And an importer?", "conversation_id": colleague.json()["conversation_id"]}
        assert client.post("/api/chat", json=again, headers=secret_of(colleague.json())).status_code == 200
        ceiling = client.post("/api/chat", json={"question": "What is an importer?"})  # address: 7
        assert ceiling.status_code == 429 and "shared by everyone behind it" in ceiling.json()["error"]


def test_the_defaults_let_an_office_ask_and_the_settings_are_documented():
    defaults = RateLimitSettings()
    assert defaults.requests >= 100 and 0 < defaults.conversation_requests < defaults.requests
    readme = (REPO_ROOT / "README.md").read_text()
    for name, field in RateLimitSettings.model_fields.items():
        assert f"__{name.upper()}" in readme, name
        assert field.description, name
