"""What the app holds while it runs, opened in the lifespan and reached through dependencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from desk.answering.answerer import Answerer
from desk.api.metrics import Metrics
from desk.index import LoadedIndex
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

    def require_answerer(self) -> Answerer:
        if self.answerer is None:
            raise ServiceUnavailable(
                "the desk has no index to answer from: " + "; ".join(self.problems or ["run `desk ingest`"])
            )
        return self.answerer


def _state(request: Request) -> DeskState:
    return request.app.state.desk


StateDep = Annotated[DeskState, Depends(_state)]
