"""The login throttle through the app, on SQLite and on a real PostgreSQL (issue 19): no one can
lock staff out, an address that keeps failing waits longer each time, and the client address
is read by the rate limit's trusted-proxy rule.

No index is needed: logging in does not read one. Each client is a TestClient whose peer
address is set; behind the "proxy" (10.0.0.2, trusted in some tests) X-Forwarded-For names it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk.api.app import create_app
from desk.review.accounts import StaffAccounts
from desk.review.models import LoginFailureRecord, utc
from desk.settings import RateLimitSettings, ReviewSettings, Settings
from tests.review.conftest import PASSWORD

PROXY = "10.0.0.2"
REVIEW = ReviewSettings(
    login_failures_before_wait=3,
    login_first_wait_s=60,
    login_longest_wait_s=240,
    login_failures_per_ip=10,
    login_window_s=86400,  # the waits are what is tested here, never the window's end
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    return request.getfixturevalue("new_postgres_database")()


def _desk(database_url, folder, trusted_proxies: list[str]):
    settings = Settings(
        data_dir=folder / "no-index",
        database_url=database_url,
        review=REVIEW,
        rate_limit=RateLimitSettings(requests=0, trusted_proxies=trusted_proxies),
    )
    return create_app(settings)


@pytest.fixture
def behind_proxy(database_url, tmp_path):
    """A desk that trusts the proxy 10.0.0.2, with the reviewer rita."""
    yield from _running(_desk(database_url, tmp_path, ["10.0.0.0/8"]))


@pytest.fixture
def no_proxy(database_url, tmp_path):
    """A desk that trusts no proxy (the default), with the reviewer rita."""
    yield from _running(_desk(database_url, tmp_path, []))


def _running(app):
    with TestClient(app):  # runs the lifespan: the database opens and migrates
        StaffAccounts(app.state.desk.store.engine, REVIEW).add("rita", PASSWORD, ["reviewer"])
        yield app


def _login(app, password: str, peer: str, forwarded: str | None = None, username: str = "rita"):
    client = TestClient(app, client=(peer, 50000))
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/api/review/login", json={"username": username, "password": password}, headers=headers
    )


def _age_failures(app, seconds: int) -> None:
    """Move every recorded failure `seconds` into the past, as if the desk had been waited on."""
    with Session(app.state.desk.store.engine) as session, session.begin():
        for failure in session.scalars(select(LoginFailureRecord)):
            failure.at = utc(failure.at) - timedelta(seconds=seconds)


def _waited(response, seconds: int, reason: str = "on this account from this address") -> bool:
    """A 429 that says why and when to retry: about `seconds` (the clock ran on meanwhile)."""
    retry = int(response.headers.get("Retry-After", 0))
    error = response.json().get("error")
    return (
        response.status_code == 429
        and seconds - 5 < retry <= seconds
        and error == f"too many failed logins {reason}; try again in {retry} s"
    )


def test_a_hundred_failures_from_other_addresses_leave_the_account_open(behind_proxy):
    wrong = [_login(behind_proxy, "guess", PROXY, f"203.0.113.{n}").status_code for n in range(1, 101)]
    assert wrong == [401] * 100  # each address failed once: none waits
    right = _login(behind_proxy, PASSWORD, PROXY, "198.51.100.7")
    assert right.status_code == 200, right.text
    assert right.json()["username"] == "rita"


def test_an_address_that_keeps_failing_waits_longer_each_time(no_proxy):
    failing, other = "192.0.2.10", "192.0.2.20"
    assert [_login(no_proxy, "guess", failing).status_code for _ in range(3)] == [401] * 3
    for failures, wait in ((3, 60), (4, 120), (5, 240), (6, 240)):  # doubling, up to the longest wait
        refused = _login(no_proxy, PASSWORD, failing)  # the right password, from the failing address
        assert _waited(refused, wait), (failures, refused.status_code, refused.text)
        if failures < 6:
            _age_failures(no_proxy, wait)
            assert _login(no_proxy, "guess", failing).status_code == 401  # waited: it may try again

    # The page says it in words, with Retry-After; meanwhile another address logs in at once.
    page = TestClient(no_proxy, client=(failing, 50000)).post(
        "/review/login", data={"username": "rita", "password": PASSWORD}, follow_redirects=False
    )
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "Too many failed logins on this account from this address: try again in" in page.text
    assert _login(no_proxy, PASSWORD, other).status_code == 200

    # Once it has waited, the right password logs in, and the address starts afresh.
    _age_failures(no_proxy, 240)
    assert _login(no_proxy, PASSWORD, failing).status_code == 200
    assert _login(no_proxy, "guess", failing).status_code == 401  # not 429: its failures were forgotten


def test_behind_a_trusted_proxy_one_clients_failures_leave_another_alone(behind_proxy):
    attacker, colleague = "203.0.113.5", "198.51.100.7"
    assert [_login(behind_proxy, "guess", PROXY, attacker).status_code for _ in range(3)] == [401] * 3
    assert _waited(_login(behind_proxy, PASSWORD, PROXY, attacker), 60)
    assert _login(behind_proxy, "typo", PROXY, colleague).status_code == 401  # not 429: its own count
    assert _login(behind_proxy, PASSWORD, PROXY, colleague).status_code == 200

    # Trying many accounts from one client address meets the per-address ceiling (10 failures),
    # which is that client's alone: the proxy's address is shared by everyone behind it.
    sprayed = [_login(behind_proxy, "guess", PROXY, attacker, f"user{n}").status_code for n in range(7)]
    assert sprayed == [401] * 7
    assert _waited(_login(behind_proxy, "guess", PROXY, attacker, "anyone"), 86400, "from this address")
    assert _login(behind_proxy, PASSWORD, PROXY, colleague).status_code == 200


def test_without_trusted_proxies_x_forwarded_for_is_ignored(no_proxy):
    spoofer, colleague = "192.0.2.10", "192.0.2.20"
    # Each guess names a new client in the header; the desk counts the peer that sent it.
    statuses = [_login(no_proxy, "guess", spoofer, f"203.0.113.{n}").status_code for n in range(1, 4)]
    assert statuses == [401] * 3
    assert _waited(_login(no_proxy, PASSWORD, spoofer, "203.0.113.99"), 60)
    assert _login(no_proxy, PASSWORD, colleague).status_code == 200
