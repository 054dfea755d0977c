"""What the app holds while it runs, opened in the lifespan and reached through dependencies."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from desk.answering.answerer import Answerer
from desk.api.metrics import Metrics
from desk.index import LoadedIndex
from desk.index.layout import IndexLayout
from desk.ratelimit import RateLimiter
from desk.review.intake import QueueIntake
from desk.settings import Settings
from desk.store import Store

log = logging.getLogger("desk")


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
    queue_intake: QueueIntake | None = None  # how much one client may add to the review queue
    # Opens the index and builds the answerer; tried again on demand when it failed (the
    # Chroma server was down as the desk started), so the desk recovers without a restart.
    opener: Callable[[DeskState], None] | None = None
    retry_every_s: float = 5.0
    # How often a request looks whether another index was published (the adapted model's,
    # built in the background while this one serves).
    watch_every_s: float = 2.0
    _last_try: float = field(default=0.0, repr=False)
    _last_watch: float = field(default=0.0, repr=False)
    _unopenable: str | None = field(default=None, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def require_answerer(self) -> Answerer:
        self.swap_if_published()
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

    def swap_if_published(self) -> None:
        """When the index layout points at another index than the one serving, open it in the
        background and swap it in whole; requests meanwhile are answered by the one serving,
        so none fails during the swap."""
        if self.opener is None or self.index is None:
            return
        if time.monotonic() - self._last_watch < self.watch_every_s:
            return
        self._last_watch = time.monotonic()
        published = IndexLayout(self.settings.index_root).current_name()
        if published is None or published in {self.index.name, self._unopenable}:
            return
        if not self._opening.acquire(blocking=False):  # a swap or a reopen is under way
            return
        threading.Thread(target=self._swap, args=(published,), name="index-swap", daemon=True).start()

    def _swap(self, published: str) -> None:
        serving = self.index.name if self.index else None
        try:
            log.info("index %s was published; opening it beside %s", published, serving)
            self.opener(self)  # sets index and answerer at once, only when both opened
            if self.index is None or self.index.name != published:
                self._unopenable = published  # tried once; the one serving goes on serving
                log.warning("index %s could not be opened; %s goes on serving", published, serving)
        finally:
            self._opening.release()


def _state(request: Request) -> DeskState:
    return request.app.state.desk


StateDep = Annotated[DeskState, Depends(_state)]
