"""Failed logins counted in the database, so a limit holds whichever replica a guess reaches.

Two limits, after OWASP's authentication cheat sheet, and neither lets a stranger lock staff
out (issue 19: five wrong passwords from anywhere used to lock an account for everyone):

- per account and client address: `login_failures_before_wait` failures are free; then that
  address waits before it may try that account again, `login_first_wait_s` and twice as long
  after each further failure, up to `login_longest_wait_s`. While it waits even the right
  password is refused, unchecked (a guess made in the wait costs the desk nothing and learns
  nothing); from any other address it is accepted at once. A login that succeeds forgets the
  pair's failures.
- per client address, on any accounts: `login_failures_per_ip` failures within the window, and
  the address waits until the oldest of them leaves it (one address trying many accounts).

The client address is the one the rate limit reads (`desk.ratelimit.client_of`): behind a
trusted proxy, the address the proxy names. Failures older than `login_window_s` are forgotten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection, Engine

from desk.review.models import LoginFailureRecord, utc
from desk.settings import ReviewSettings
from desk.store.models import now

_ADDRESS_CHARS = 100  # as the rate limit keeps it; the key column holds 300


@dataclass(frozen=True)
class LoginWait:
    """How long an address must wait before it may try a login, and why."""

    seconds: int
    reason: str  # "on this account from this address" or "from this address"


class LoginThrottle:
    def __init__(self, engine: Engine, settings: ReviewSettings):
        self.engine = engine
        self.settings = settings
        self.window = timedelta(seconds=settings.login_window_s)

    def wait(self, username: str, address: str | None) -> LoginWait | None:
        """The wait before `address` may try to log in as `username`; None: it may now."""
        since = now() - self.window
        with self.engine.connect() as connection:
            pair_failures, _, last = _failures(connection, _pair_key(username, address), since)
            address_failures, oldest, _ = _failures(connection, _address_key(address), since)
        waits = []
        if pair_failures >= self.settings.login_failures_before_wait:
            waits.append((last + self._backoff(pair_failures), "on this account from this address"))
        if address_failures >= self.settings.login_failures_per_ip:
            waits.append((oldest + self.window, "from this address"))
        ends, reason = max(waits, default=(None, ""))
        if ends is None or ends <= now():
            return None
        return LoginWait(max(1, math.ceil((ends - now()).total_seconds())), reason)

    def failed(self, username: str, address: str | None) -> None:
        """Count a failed login; failures older than the window are swept on the way."""
        at = now()
        keys = (_pair_key(username, address), _address_key(address))
        with self.engine.begin() as connection:
            connection.execute(delete(LoginFailureRecord).where(LoginFailureRecord.at <= at - self.window))
            connection.execute(LoginFailureRecord.__table__.insert(), [{"key": k, "at": at} for k in keys])

    def succeeded(self, username: str, address: str | None) -> None:
        """Forget the pair's failures: its staff member knew the password after all. The address's
        own count stays, or one account of a sprayer's own would reset its spraying."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(LoginFailureRecord).where(LoginFailureRecord.key == _pair_key(username, address))
            )

    def _backoff(self, failures: int) -> timedelta:
        """The wait after the latest of `failures`: the first, doubled per failure beyond the free ones."""
        beyond = min(failures - self.settings.login_failures_before_wait, 32)  # 2**32 s outlasts any cap
        seconds = self.settings.login_first_wait_s * 2**beyond
        return timedelta(seconds=min(seconds, self.settings.login_longest_wait_s))


def _failures(connection: Connection, key: str, since: datetime) -> tuple[int, datetime, datetime]:
    """How many failures `key` has had since `since`, the oldest and the latest."""
    count, oldest, latest = connection.execute(
        select(func.count(), func.min(LoginFailureRecord.at), func.max(LoginFailureRecord.at)).where(
            LoginFailureRecord.key == key, LoginFailureRecord.at > since
        )
    ).one()
    return count, utc(oldest) if oldest else since, utc(latest) if latest else since


def _address(address: str | None) -> str:
    return (address or "unknown")[:_ADDRESS_CHARS]


def _pair_key(username: str, address: str | None) -> str:
    # The address first: it has no spaces, so no username can make two pairs' keys the same.
    return f"pair:{_address(address)} {username.lower()}"


def _address_key(address: str | None) -> str:
    return f"ip:{_address(address)}"
