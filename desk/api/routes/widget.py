"""The chat widget firms embed with one script tag, and the desk's own page that embeds it.

    <script src="https://DESK/widget.js" data-desk-url="https://DESK" defer></script>

The files live in desk/widget/ and ship in the wheel; they are plain JavaScript and HTML,
with no build step.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from desk.api.routes.chat import law_as_of
from desk.api.schemas import Problem
from desk.api.state import StateDep
from desk.roles import ROLE_NAMES
from desk.types import Role

WIDGET_FILES = Path(__file__).resolve().parents[2] / "widget"

router = APIRouter(tags=["widget"])

# The script's URL carries no version, so browsers keep it a short while and then revalidate
# with the ETag (a 304 costs a few bytes).
_SCRIPT_CACHE = "public, max-age=600, stale-while-revalidate=86400"
# The demo page allows only the desk's own script and API: an injected script could not run.
_DEMO_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    etag: str


@cache
def _static(name: str) -> StaticFile:
    body = (WIDGET_FILES / name).read_bytes()
    return StaticFile(body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')


def _serve(request: Request, name: str, media_type: str, headers: dict[str, str]) -> Response:
    file = _static(name)
    headers = {"ETag": file.etag, "X-Content-Type-Options": "nosniff", **headers}
    if file.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(file.body, media_type=media_type, headers=headers)


@router.get("/widget.js", include_in_schema=False)
def widget_script(request: Request) -> Response:
    # Cross-origin so that host pages with a strict Cross-Origin-Embedder-Policy can load it.
    headers = {"Cache-Control": _SCRIPT_CACHE, "Cross-Origin-Resource-Policy": "cross-origin"}
    return _serve(request, "widget.js", "text/javascript; charset=utf-8", headers)


@router.get("/", include_in_schema=False)
@router.get("/widget/demo", include_in_schema=False)
def demo_page(request: Request) -> Response:
    headers = {"Cache-Control": "no-cache", "Content-Security-Policy": _DEMO_POLICY}
    return _serve(request, "demo.html", "text/html; charset=utf-8", headers)


class RoleOut(BaseModel):
    value: Role
    name: str


class AboutOut(BaseModel):
    law_as_of: str
    corpus_version: str
    notice: str
    roles: list[RoleOut]
    max_question_chars: int = Field(
        description="The longest question the desk reads, in characters as sent: the widget "
        "says so before sending a longer one rather than cutting it."
    )


@router.get("/api/about", response_model=AboutOut, responses={503: {"model": Problem}})
def about(state: StateDep) -> AboutOut:
    """What the widget shows before the first question: the law's date, the notice, the roles,
    and the longest question it may send."""
    from desk.answering.answerer import NOTICE

    version = state.require_answerer().corpus_version
    return AboutOut(
        law_as_of=law_as_of(version),
        corpus_version=version,
        notice=NOTICE,
        roles=[RoleOut(value=role, name=ROLE_NAMES[role]) for role in Role],
        max_question_chars=state.settings.answering.max_question_chars,
    )
