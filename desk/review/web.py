"""The staff pages under /review: server-rendered HTML forms, no script at all.

Each form carries the session's CSRF token; the session cookie is HttpOnly, SameSite=Strict and
Secure over https. A refused page answers 401 with the login form, or 403 saying why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from desk.review import services as actions
from desk.review.accounts import (
    ADMIN,
    REVIEWER,
    ROLES,
    LoginRefused,
    LoginThrottled,
    StaffError,
    StaffSession,
)
from desk.review.auth import SESSION_COOKIE, ServicesDep, StaffRefused, client_ip, page_form_staff, page_staff
from desk.review.corrections import CorrectionError
from desk.review.dashboard import dashboard, plots
from desk.review.decisions import NoExpertRequest, NoSuchAnswer
from desk.review.schemas import REASONS, STATUSES

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(prefix="/review", include_in_schema=False)
PAGE_SIZE = 50
# No script runs on these pages; forms post only to the desk itself.
_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

Reviewer = Annotated[StaffSession, Depends(page_staff(REVIEWER))]
ReviewerForm = Annotated[StaffSession, Depends(page_form_staff(REVIEWER))]
Admin = Annotated[StaffSession, Depends(page_staff(ADMIN))]
AdminForm = Annotated[StaffSession, Depends(page_form_staff(ADMIN))]
AnyStaffForm = Annotated[StaffSession, Depends(page_form_staff(None))]


def render(request: Request, name: str, status: int = 200, **context) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(
        {"Content-Security-Policy": _POLICY, "Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
    )
    return response


def refused_page(request: Request, error: StaffRefused) -> Response:
    if error.status == 401:
        return render(request, "login.html", 401, message=error.message, next=request.url.path, username="")
    return render(request, "error.html", error.status, message=error.message, staff=None)


# -- logging in and out ---------------------------------------------------------------------------
@router.get("/login")
def login_page(request: Request, next: str = "/review") -> Response:
    return render(request, "login.html", message=None, next=_local(next), username="")


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/review",
) -> Response:
    if not _same_origin(request):
        return render(
            request, "error.html", 403, message="The login form must come from this desk.", staff=None
        )
    try:
        session = services.accounts.login(username, password, client_ip(request), "browser")
    except LoginThrottled as error:
        response = render(
            request,
            "login.html",
            429,
            message=f"Too many failed logins {error.reason}: try again in {error.retry_after} s.",
            next=next,
            username=username,
        )
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    except LoginRefused:
        return render(
            request, "login.html", 401, message="Wrong username or password.", next=next, username=username
        )
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=int(services.desk.settings.review.session_hours * 3600),
        path="/review",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout")
def logout(request: Request, _staff: AnyStaffForm, services: ServicesDep) -> Response:
    services.accounts.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/review/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/review")
    return response


# -- the queue and its items ----------------------------------------------------------------------
@router.get("")
def queue_page(
    request: Request,
    staff: Reviewer,
    services: ServicesDep,
    status: str = "pending",
    reason: str = "",
    q: str = "",
    page: int = 1,
) -> Response:
    status = status if status in (*STATUSES, "all") else "pending"
    reason = reason if reason in REASONS else ""
    page = max(1, page)
    found = services.queue.page(
        status=None if status == "all" else status,
        reason=reason or None,
        search=q[:500] or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    board = dashboard(services.desk.store.engine)
    more = urlencode({"status": status, "reason": reason, "q": q, "page": page + 1})
    return render(
        request,
        "queue.html",
        staff=staff,
        found=found,
        board=board,
        plots=plots(board),
        filters={"status": status, "reason": reason, "q": q},
        statuses=(*STATUSES, "all"),
        reasons=REASONS,
        next_page=f"/review?{more}" if page * PAGE_SIZE < found.total else None,
    )


@router.get("/items/{answer_id}")
def item_page(request: Request, answer_id: str, staff: Reviewer, services: ServicesDep) -> Response:
    return _item(request, services, staff, answer_id)


def _item(request, services, staff, answer_id, status=200, message=None, draft=None) -> Response:
    """The item page; `draft` keeps what a staff member typed when the action was refused."""
    found = services.queue.item(answer_id)
    if found is None:
        return render(request, "error.html", 404, message=f"There is no answer {answer_id}.", staff=staff)
    if draft is None:
        current = found.decision if found.decision and found.decision.status == "corrected" else None
        draft = {
            "text": current.text if current else found.answer,
            "citations": "\n".join(c.label for c in current.citations)
            if current
            else "\n".join(c["label"] for c in found.citations),
            "note": "",
            "reply": "",
        }
    return render(request, "item.html", status, staff=staff, item=found, message=message, draft=draft)


@router.post("/items/{answer_id}/approve")
def approve(
    request: Request,
    answer_id: str,
    staff: ReviewerForm,
    services: ServicesDep,
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    return _act(
        request,
        services,
        staff,
        answer_id,
        {"note": note},
        lambda: actions.approve(services, answer_id, staff.username, note or None),
    )


@router.post("/items/{answer_id}/correct")
def correct(
    request: Request,
    answer_id: str,
    staff: ReviewerForm,
    services: ServicesDep,
    text: Annotated[str, Form(max_length=20000)] = "",
    citations: Annotated[str, Form(max_length=5000)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    draft = {"text": text, "citations": citations, "note": note}
    if not text.strip():
        return _item(
            request, services, staff, answer_id, 422, "The corrected answer is empty.", _draft(draft)
        )
    labels = [part for line in citations.splitlines() for part in line.split(";")]
    return _act(
        request, services, staff, answer_id, draft,
        lambda: actions.correct(services, answer_id, staff.username, text.strip(), labels, note or None),
    )  # fmt: skip


@router.post("/items/{answer_id}/reject")
def reject(
    request: Request,
    answer_id: str,
    staff: ReviewerForm,
    services: ServicesDep,
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    if not note.strip():
        return _item(
            request,
            services,
            staff,
            answer_id,
            422,
            "Say why the answer is rejected (a note).",
            _draft({"note": note}),
        )
    return _act(
        request,
        services,
        staff,
        answer_id,
        {"note": note},
        lambda: services.decisions.reject(answer_id, staff.username, note.strip()),
    )


@router.post("/items/{answer_id}/reply")
def reply(
    request: Request,
    answer_id: str,
    staff: ReviewerForm,
    services: ServicesDep,
    reply: Annotated[str, Form(max_length=20000)] = "",
) -> Response:
    if not reply.strip():
        return _item(
            request, services, staff, answer_id, 422, "The reply is empty.", _draft({"reply": reply})
        )
    return _act(
        request,
        services,
        staff,
        answer_id,
        {"reply": reply},
        lambda: services.decisions.reply(answer_id, staff.username, reply.strip()),
    )


def _draft(fields: dict) -> dict:
    return {"text": "", "citations": "", "note": "", "reply": ""} | fields


def _act(request, services, staff, answer_id, fields, action) -> Response:
    """Run a staff action; on success back to the item (post, redirect, get), else the item
    again with the message and everything the staff member typed."""
    try:
        action()
    except NoSuchAnswer as error:
        return render(request, "error.html", 404, message=str(error), staff=staff)
    except (NoExpertRequest, CorrectionError) as error:
        return _item(request, services, staff, answer_id, 422, f"Not saved: {error}.", _draft(fields))
    return RedirectResponse(f"/review/items/{answer_id}", status_code=303)


# -- staff accounts (admins) --------------------------------------------------------------------
@router.get("/staff")
def staff_page(request: Request, staff: Admin, services: ServicesDep) -> Response:
    return _staff(request, services, staff)


def _staff(request, services, staff, status=200, message=None, username="") -> Response:
    return render(
        request, "staff.html", status, staff=staff, members=services.accounts.members(), roles=ROLES,
        message=message, username=username, audit=services.decisions.audit(50),
    )  # fmt: skip


@router.post("/staff")
def staff_add(
    request: Request,
    staff: AdminForm,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    roles: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies form defaults
) -> Response:
    try:
        actions.add_staff(services.accounts, services.decisions, staff.username, username, password, roles)
    except StaffError as error:
        return _staff(request, services, staff, 422, f"Not added: {error}.", username)
    return RedirectResponse("/review/staff", status_code=303)


@router.post("/staff/{username}/remove")
def staff_remove(request: Request, username: str, staff: AdminForm, services: ServicesDep) -> Response:
    try:
        removed = actions.remove_staff(services.accounts, services.decisions, staff.username, username)
    except actions.LastAdmin as error:
        return _staff(request, services, staff, 409, f"Not removed: {error}.")
    if not removed:
        return _staff(request, services, staff, 404, f"There is no staff member {username}.")
    return RedirectResponse("/review/staff", status_code=303)


def _local(target: str) -> str:
    """Only a page of the review side: a login link must not send staff elsewhere."""
    return target if target.startswith("/review") and "//" not in target and "\\" not in target else "/review"


def _same_origin(request: Request) -> bool:
    """A login form posted from another site is refused (login CSRF); browsers send Origin.
    Compared by host and port, as desk/api/origins.py does: behind a TLS proxy the desk sees http."""
    origin = request.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == request.headers.get("host")
