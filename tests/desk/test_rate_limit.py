"""The per-client rate limit: counted in the shared database, so two replicas hold one limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from desk.api.app import create_app
from desk.ratelimit import RateLimited, RateLimiter, client_of
from desk.settings import RateLimitSettings
from desk.store import Store


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
    limiter = RateLimiter(store.engine, RateLimitSettings(requests=0))
    for _ in range(50):
        limiter.hit("203.0.113.9")
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
