"""Limits on the requests that cost the desk work (questions, feedback): one per conversation
and one per client address, both holding at once (issue 19).

A conversation is one person asking: it is counted by the secret it sends
(`X-Conversation-Secret`, by its hash: the raw secret is never stored). The address is a
ceiling for everyone behind it, set high enough for an office behind one NAT; it alone
counts a new conversation's first question, and anyone who starts a new conversation for
every question to escape the first limit.

Counted in the database every replica shares, so a client meets one limit however its
requests are spread: a fixed window per key (desk/windows.py). Over a limit
the desk answers 429 with Retry-After, the seconds left in the window, and a message naming
the limit that was reached (the widget words its notice by it).

The address is the peer's, or, when the peer is a proxy the settings trust, the address that
proxy saw (the last entry of X-Forwarded-For): `client_of`, the one rule the login throttle
reads too.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.engine import Engine

from desk.api.conversation_access import SECRET_HEADER, secret_hash
from desk.settings import RateLimitSettings
from desk.windows import WindowCounter, window_table

_WINDOWS = window_table("rate_limit_windows")
_SWEEP_EVERY = 500  # requests between deletions of windows that have passed


# The words of each limit in its 429: "too many requests <from this address>".
FROM_ADDRESS = "from this address"
IN_CONVERSATION = "in this conversation"


class RateLimited(HTTPException):
    def __init__(self, whose: str, limit: int, window_s: int, retry_after: int):
        shared = ", shared by everyone behind it" if whose == FROM_ADDRESS else ""
        super().__init__(
            429,
            f"too many requests {whose}: the limit is {limit} per {window_s} s{shared}; "
            f"retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


@dataclass(frozen=True)
class _Quota:
    key: str  # the row of rate_limit_windows: an address, or "conversation:" and a secret's hash
    limit: int
    whose: str


@dataclass
class RateLimiter:
    engine: Engine
    settings: RateLimitSettings

    def __post_init__(self):
        self._counter = WindowCounter(self.engine, _WINDOWS, _SWEEP_EVERY)

    def hit(self, client: str, now: float | None = None, *, conversation_secret: str | None = None) -> None:
        """Count a request from the address `client`, and of the conversation whose secret it
        sent; raise RateLimited when either is over its limit."""
        quotas = [_Quota(client, self.settings.requests, FROM_ADDRESS)]
        if conversation_secret:
            key = "conversation:" + secret_hash(conversation_secret)
            quotas.append(_Quota(key, self.settings.conversation_requests, IN_CONVERSATION))
        quotas = [quota for quota in quotas if quota.limit > 0]
        if not quotas:
            return
        window_s = self.settings.window_s
        now = time.time() if now is None else now
        window = int(now // window_s)
        counts = self._counter.bump([quota.key for quota in quotas], window)
        over = [quota for quota, count in zip(quotas, counts, strict=True) if count > quota.limit]
        if over:  # when both are, the conversation's is named: the asker's own questions reached it
            retry_after = max(1, int((window + 1) * window_s - now) + 1)
            raise RateLimited(over[-1].whose, over[-1].limit, window_s, retry_after)


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
        # Counted as sent: a wrong secret is refused by its route, after it has been counted.
        secret = request.headers.get(SECRET_HEADER)
        limiter.hit(client_of(request, limiter.settings.trusted_proxies), conversation_secret=secret)


# A dependency for the routes that cost work: `dependencies=[RateLimit]`.
RateLimit = Depends(_limit)
RateLimitDep = Annotated[None, RateLimit]
