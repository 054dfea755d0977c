"""What the app holds while it runs, opened in the lifespan and reached through dependencies."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from desk.answering.answerer import Answerer
from desk.api.metrics import Metrics
from desk.index import LoadedIndex
from desk.ratelimit import RateLimiter
from desk.settings import Settings
from desk.store import Store


class ServiceUnavailable(RuntimeError):
    """A part the desk needs (index, vector store, database) is not there: 503."""


@dataclass
class DeskState:
    settings: Settings
    store: Store
    metrics: Metrics
    index: LoadedIndex | None = None
    answerer: Answerer | None = None
    problems: list[str] = field(default_factory=list)
    rate_limiter: RateLimiter | None = None
    # Opens the index and builds the answerer; tried again on demand when it failed (the
    # Chroma server was down as the desk started), so the desk recovers without a restart.
    opener: Callable[[DeskState], None] | None = None
    retry_every_s: float = 5.0
    _last_try: float = field(default=0.0, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def require_answerer(self) -> Answerer:
        if self.answerer is None:
            self.reopen_if_due()
        if self.answerer is None:
            raise ServiceUnavailable(
                "the desk has no index to answer from: " + "; ".join(self.problems or ["run `desk ingest`"])
            )
        return self.answerer

    def reopen_if_due(self) -> None:
        """Open the index again if it failed and the last try is old enough."""
        if self.opener is None or time.monotonic() - self._last_try < self.retry_every_s:
            return
        if not self._opening.acquire(blocking=False):  # another request is at it
            return
        try:
            self._last_try = time.monotonic()
            self.problems.clear()
            self.opener(self)
        finally:
            self._opening.release()


def _state(request: Request) -> DeskState:
    return request.app.state.desk


StateDep = Annotated[DeskState, Depends(_state)]
