"""When each part of the AI Act applies, relative to a day (today by default)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, BeforeValidator, WithJsonSchema

from desk.api.schemas import Problem
from desk.api.state import StateDep

router = APIRouter(prefix="/api", tags=["timeline"])

# The AI Act was published in the Official Journal on 12 July 2024: a status "as of" an earlier
# day describes no law, and `as_of=0` read as a Unix time (1 January 1970) is a client's mistake.
PUBLISHED = date(2024, 7, 12)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The same rule as a JSON Schema pattern, so that the schema promises no day the desk refuses:
# 12 to 31 July 2024, August to December 2024, or any day of 2025 to 9999.
_FROM_PUBLICATION = (
    r"^(2024-07-(1[2-9]|2\d|3[01])"
    r"|2024-(0[89]|1[0-2])-\d{2}"
    r"|(202[5-9]|20[3-9]\d|2[1-9]\d{2}|[3-9]\d{3})-\d{2}-\d{2})$"
)


def _day_since_publication(value: object) -> date:
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError(f"must be a day written YYYY-MM-DD, such as 2026-08-02, not {value!r}")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a day of the calendar") from None
    if day < PUBLISHED:
        raise ValueError(
            f"{value} is before the AI Act was published in the Official Journal (12 July 2024); "
            "ask about a day since then"
        )
    return day


AsOf = Annotated[
    date,
    BeforeValidator(_day_since_publication),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _FROM_PUBLICATION}),
]


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
    as_of: AsOf | None = Query(
        None,
        description="The day the statuses are relative to, YYYY-MM-DD, from 12 July 2024 (the Act's "
        "publication) on; today if left out.",
    ),
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
