"""Staff review as a JSON API under /api/review (bearer tokens), and the staff pages under
/review (desk/review/web.py). `install(app)` adds both and the answer to refused calls.

Reviewers review (queue, items, actions, audit, dashboard, export); admins manage staff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials

from desk.api.schemas import Problem
from desk.review import services as actions
from desk.review.accounts import ADMIN, REVIEWER, LoginRefused, LoginThrottled, StaffError, StaffSession
from desk.review.auth import ServicesDep, StaffRefused, _bearer, api_staff, client_ip
from desk.review.corrections import CorrectionError
from desk.review.dashboard import dashboard
from desk.review.decisions import NoExpertRequest, NoSuchAnswer
from desk.review.export import eval_case
from desk.review.schemas import (
    REASONS,
    ApproveIn,
    AuditEntry,
    CorrectIn,
    Dashboard,
    Decision,
    FeedbackView,
    LoginIn,
    QueuePage,
    QueueStatus,
    RejectIn,
    ReplyIn,
    ReviewItem,
    StaffIn,
    StaffOut,
    TokenOut,
)
from desk.review.web import refused_page
from desk.review.web import router as pages

router = APIRouter(prefix="/api/review", tags=["review"])
Reviewer = Annotated[StaffSession, Depends(api_staff(REVIEWER))]
Admin = Annotated[StaffSession, Depends(api_staff(ADMIN))]
AnyStaff = Annotated[StaffSession, Depends(api_staff(None))]
_REFUSED = {401: {"model": Problem}, 403: {"model": Problem}, 422: {"model": Problem}}
_ITEM = {**_REFUSED, 404: {"model": Problem}, 503: {"model": Problem}}
Reason = Literal[REASONS]  # type: ignore[valid-type]


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.include_router(pages)

    @app.exception_handler(StaffRefused)
    async def refused(request: Request, error: StaffRefused) -> Response:
        if error.page:
            return refused_page(request, error)
        return JSONResponse({"error": error.message}, status_code=error.status, headers=error.headers)


@router.post("/login", response_model=TokenOut, responses={401: {"model": Problem}, 429: {"model": Problem}})
def login(body: LoginIn, request: Request, services: ServicesDep) -> Response:
    """A bearer token for the review API (sent as `Authorization: Bearer <token>`)."""
    try:
        session = services.accounts.login(body.username, body.password, client_ip(request), "api")
    except LoginThrottled as error:
        return JSONResponse({"error": str(error)}, 429, headers={"Retry-After": str(error.retry_after)})
    except LoginRefused as error:
        return JSONResponse({"error": str(error)}, 401, headers={"WWW-Authenticate": "Bearer"})
    out = TokenOut(
        token=session.token,
        username=session.username,
        roles=list(session.roles),
        expires_at=session.expires_at,
    )
    return Response(out.model_dump_json(), media_type="application/json")


@router.post("/logout", status_code=204, responses=_REFUSED)
def logout(
    _staff: AnyStaff,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """End this token."""
    services.accounts.end_session(credentials.credentials)
    return Response(status_code=204)


@router.get("/me", response_model=StaffOut, responses=_REFUSED)
def me(staff: AnyStaff, services: ServicesDep) -> StaffOut:
    member = services.accounts.member(staff.username)
    return StaffOut(username=member.username, roles=list(member.roles), created_at=member.created_at)


@router.get("/items", response_model=QueuePage, responses=_REFUSED)
def queue(
    _staff: Reviewer,
    services: ServicesDep,
    status: QueueStatus | None = None,
    reason: Reason | None = None,
    q: Annotated[str | None, Query(max_length=500, description="Words of the question or answer.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> QueuePage:
    """Answers that need a human look, newest first, by status, reason and search words."""
    return services.queue.page(status=status, reason=reason, search=q, limit=limit, offset=offset)


@router.get("/items/{answer_id}", response_model=ReviewItem, responses=_ITEM)
def item(answer_id: str, _staff: Reviewer, services: ServicesDep) -> ReviewItem:
    """One answer: question, answer, citations, passages, backend, settings, feedback, decision, audit."""
    found = services.queue.item(answer_id)
    if found is None:
        raise HTTPException(404, f"no answer {answer_id}")
    return found


@router.post("/items/{answer_id}/approve", response_model=Decision, responses=_ITEM)
def approve(answer_id: str, body: ApproveIn, staff: Reviewer, services: ServicesDep) -> Decision:
    """The answer is right: the desk serves it again for near-duplicate questions."""
    with _answer_errors():
        return actions.approve(services, answer_id, staff.username, body.note)


@router.post("/items/{answer_id}/correct", response_model=Decision, responses=_ITEM)
def correct(answer_id: str, body: CorrectIn, staff: Reviewer, services: ServicesDep) -> Decision:
    """Staff's answer, citing provisions by label; a label the corpus lacks is a 422 naming it."""
    with _answer_errors():
        return actions.correct(services, answer_id, staff.username, body.text, body.citations, body.note)


@router.post("/items/{answer_id}/reject", response_model=Decision, responses=_ITEM)
def reject(answer_id: str, body: RejectIn, staff: Reviewer, services: ServicesDep) -> Decision:
    """The answer is wrong and is not served again; the note says why."""
    with _answer_errors():
        return services.decisions.reject(answer_id, staff.username, body.note)


@router.post("/items/{answer_id}/reply", response_model=FeedbackView, responses=_ITEM)
def reply(answer_id: str, body: ReplyIn, staff: Reviewer, services: ServicesDep) -> FeedbackView:
    """Reply to the asker's expert request; they read it at GET /api/answers/{id}/expert."""
    with _answer_errors():
        return services.decisions.reply(answer_id, staff.username, body.reply)


@router.get("/audit", response_model=list[AuditEntry], responses=_REFUSED)
def audit(
    _staff: Reviewer,
    services: ServicesDep,
    answer_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntry]:
    """Staff actions, newest first: who, when, what, before and after."""
    return services.decisions.audit(limit, answer_id)


@router.get("/dashboard", response_model=Dashboard, responses=_REFUSED)
def dashboard_figures(_staff: Reviewer, services: ServicesDep) -> Dashboard:
    """Questions per day, share in review by reason, backlog, decisions, thumbs-up rate."""
    return dashboard(services.desk.store.engine)


@router.get(
    "/export",
    responses={
        **_REFUSED,
        200: {"content": {"application/x-ndjson": {}}, "description": "Eval cases, JSONL"},
    },
)
def export(_staff: Reviewer, services: ServicesDep) -> Response:
    """Reviewed answers as eval cases (evals/dataset.py), as `desk review export` writes them."""
    lines = [json.dumps(eval_case(d), ensure_ascii=False) + "\n" for d in services.decisions.reviewed()]
    return Response("".join(lines), media_type="application/x-ndjson")


@router.get("/staff", response_model=list[StaffOut], responses=_REFUSED)
def staff_list(_admin: Admin, services: ServicesDep) -> list[StaffOut]:
    return [
        StaffOut(username=m.username, roles=list(m.roles), created_at=m.created_at)
        for m in services.accounts.members()
    ]


@router.post(
    "/staff", status_code=201, response_model=StaffOut, responses={**_REFUSED, 409: {"model": Problem}}
)
def staff_add(body: StaffIn, admin: Admin, services: ServicesDep) -> StaffOut:
    """Add a staff member (reviewer, admin or both)."""
    try:
        member = actions.add_staff(
            services.accounts,
            services.decisions,
            admin.username,
            body.username,
            body.password,
            list(body.roles),
        )
    except StaffError as error:
        raise HTTPException(409 if "already" in str(error) else 422, str(error)) from error
    return StaffOut(username=member.username, roles=list(member.roles), created_at=member.created_at)


@router.delete(
    "/staff/{username}",
    status_code=204,
    responses={**_REFUSED, 404: {"model": Problem}, 409: {"model": Problem}},
)
def staff_remove(username: str, admin: Admin, services: ServicesDep) -> Response:
    """Remove a staff member and end their sessions; never the last admin."""
    try:
        removed = actions.remove_staff(services.accounts, services.decisions, admin.username, username)
    except actions.LastAdmin as error:
        raise HTTPException(409, str(error)) from error
    if not removed:
        raise HTTPException(404, f"no staff member {username}")
    return Response(status_code=204)


@contextmanager
def _answer_errors() -> Iterator[None]:
    """Errors of a staff action as the HTTP statuses a client acts on."""
    try:
        yield
    except (NoSuchAnswer, NoExpertRequest) as error:
        raise HTTPException(404, str(error)) from error
    except CorrectionError as error:
        raise HTTPException(422, f"the correction was not saved: {error}") from error
