"""How much one client may add to the staff review queue.

Anyone may rate an answer, so anyone could fill the queue: one outsider sending thumbs-down
took the backlog from 5 to 193 (issue 19). Each client address may queue
`review.queue_items_per_client` thumbs-down per `review.queue_window_s`; beyond them its
ratings are still stored and counted (nothing an asker sends is dropped), they just do not ask
staff for a look. Expert requests are not capped: someone waits for the reply.

Counted like the rate limit, in the database every replica shares: a fixed window per client
(desk/windows.py), of which only the current and the previous are kept, so no client address
stays in the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from desk.ratelimit import client_of
from desk.settings import ReviewSettings
from desk.windows import WindowCounter, window_table

_WINDOWS = window_table("queue_intake_windows")  # made by migration 0010
_SWEEP_EVERY = 200  # queue items between deletions of windows that have passed


@dataclass
class QueueIntake:
    engine: Engine
    settings: ReviewSettings

    def __post_init__(self):
        self._counter = WindowCounter(self.engine, _WINDOWS, _SWEEP_EVERY)

    def admits(self, client: str, now: float | None = None) -> bool:
        """Count one queue item of `client`; False once it is over its share in this window."""
        cap, window_s = self.settings.queue_items_per_client, self.settings.queue_window_s
        if cap <= 0:
            return True
        now = time.time() if now is None else now
        [count] = self._counter.bump([client], int(now // window_s))
        return count <= cap


def _admission(request: Request) -> Callable[[], bool] | None:
    """What the store asks before a thumbs-down of this request's client joins the queue; the
    client is read as the rate limit reads it (`rate_limit.trusted_proxies`)."""
    state = request.app.state.desk
    intake: QueueIntake | None = getattr(state, "queue_intake", None)
    if intake is None:
        return None
    client = client_of(request, state.settings.rate_limit.trusted_proxies)
    return lambda: intake.admits(client)


# A route's parameter: `admit: QueueAdmission`, passed on to `Store.add_feedback`.
QueueAdmission = Annotated[Callable[[], bool] | None, Depends(_admission)]
