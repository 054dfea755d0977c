"""A per-client limit on the requests that cost the desk work (questions, feedback).

Counted in the database every replica shares, so a client meets one limit however its
requests are spread: a fixed window per client, bumped with one upsert that returns the new
count (PostgreSQL and SQLite both have INSERT ... ON CONFLICT ... RETURNING). Over the limit
the desk answers 429 with Retry-After, the seconds left in the window.

The client is the peer address, or, when the peer is a proxy the settings trust, the
address that proxy saw (the last entry of X-Forwarded-For).
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from desk.settings import RateLimitSettings

_windows = Table(
    "rate_limit_windows",
    MetaData(),
    Column("client", String(100), primary_key=True),
    Column("window", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
)
_SWEEP_EVERY = 500  # requests between deletions of windows that have passed


class RateLimited(HTTPException):
    def __init__(self, limit: int, window_s: int, retry_after: int):
        super().__init__(
            429,
            f"too many requests from this client: the limit is {limit} per {window_s} s; "
            f"retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


@dataclass
class RateLimiter:
    engine: Engine
    settings: RateLimitSettings
    _since_sweep: int = 0

    def hit(self, client: str, now: float | None = None) -> None:
        """Count a request of `client`; raise RateLimited when it is over the limit."""
        limit, window_s = self.settings.requests, self.settings.window_s
        if limit <= 0:
            return
        now = time.time() if now is None else now
        window = int(now // window_s)
        insert = (postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(_windows)
        bump = (
            insert.values(client=client[:100], window=window, count=1)
            .on_conflict_do_update(index_elements=["client", "window"], set_={"count": _windows.c.count + 1})
            .returning(_windows.c.count)
        )
        with self.engine.begin() as connection:
            count = connection.execute(bump).scalar_one()
            self._since_sweep += 1
            if self._since_sweep >= _SWEEP_EVERY:
                self._since_sweep = 0
                connection.execute(delete(_windows).where(_windows.c.window < window - 1))
        if count > limit:
            raise RateLimited(limit, window_s, retry_after=max(1, int((window + 1) * window_s - now) + 1))


def client_of(request: Request, trusted_proxies: list[str]) -> str:
    peer = request.client.host if request.client else "unknown"
    if _trusted(peer, trusted_proxies):
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return peer


def _trusted(peer: str, proxies: list[str]) -> bool:
    """The peer is one of the proxies: an address or a network (`172.16.0.0/12`)."""
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _limit(request: Request) -> None:
    state = request.app.state.desk
    limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
    if limiter is not None:
        limiter.hit(client_of(request, limiter.settings.trusted_proxies))


# A dependency for the routes that cost work: `dependencies=[RateLimit]`.
RateLimit = Depends(_limit)
RateLimitDep = Annotated[None, RateLimit]
