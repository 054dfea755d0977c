"""When each part of the AI Act applies, relative to a day (today by default)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query
from pydantic import BaseModel

from desk.api.schemas import Problem
from desk.api.state import StateDep

router = APIRouter(prefix="/api", tags=["timeline"])


class TimelineEntryOut(BaseModel):
    date: date
    status: str
    covers: str
    kind: str
    set_by: str
    label: str
    deep_link: str


@router.get("/timeline", response_model=list[TimelineEntryOut], responses={503: {"model": Problem}})
def timeline(
    state: StateDep,
    as_of: date | None = Query(None, description="The day the statuses are relative to; today if left out."),
) -> list[TimelineEntryOut]:
    """The application dates of Article 113 (as amended by Regulation (EU) 2026/1744) and the
    transitional deadlines of Article 111, each with the provision that sets it."""
    entries = state.require_answerer().timeline.entries  # built once, when the app starts
    today = as_of or date.today()
    return [
        TimelineEntryOut(
            date=entry.date,
            status=entry.status(today),
            covers=entry.covers,
            kind=entry.kind,
            set_by=entry.set_by,
            label=state.index.provision(entry.set_by).label,
            deep_link=state.index.provision(entry.set_by).deep_link,
        )
        for entry in entries
    ]
