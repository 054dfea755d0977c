"""Who may call a review route: API calls carry a bearer token, the staff pages a session
cookie (HttpOnly, SameSite=Strict, Secure over https) and a CSRF token in every form.

    anonymous, unknown or expired token   401   (the pages show the login form)
    logged in without the route's role    403
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from desk.ratelimit import client_of
from desk.review.accounts import StaffSession
from desk.review.services import ReviewServices, review_services

SESSION_COOKIE = "desk_review_session"
_bearer = HTTPBearer(
    auto_error=False, description="A token from POST /api/review/login or `desk staff token`."
)

ServicesDep = Annotated[ReviewServices, Depends(review_services)]


class StaffRefused(Exception):
    """A review route refused the caller; `page` says whether to answer with HTML."""

    def __init__(self, status: int, message: str, *, page: bool, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.page, self.headers = status, message, page, headers or {}


def _has_role(session: StaffSession, role: str | None, page: bool) -> StaffSession:
    if role is not None and not session.has(role):
        raise StaffRefused(
            403, f"this needs the {role} role; {session.username} has {', '.join(session.roles)}", page=page
        )
    return session


def api_staff(role: str | None):
    """A dependency: the caller's API session, holding `role` (None: any staff member)."""

    def dependency(
        services: ServicesDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> StaffSession:
        session = services.accounts.session(credentials.credentials, "api") if credentials else None
        if session is None:
            message = "log in first: POST /api/review/login, then send Authorization: Bearer <token>"
            if credentials:
                message = "the token is unknown or has expired: POST /api/review/login for a new one"
            raise StaffRefused(401, message, page=False, headers={"WWW-Authenticate": "Bearer"})
        return _has_role(session, role, page=False)

    return dependency


def page_staff(role: str | None):
    """A dependency: the staff member logged in to the pages, holding `role`."""

    def dependency(request: Request, services: ServicesDep) -> StaffSession:
        token = request.cookies.get(SESSION_COOKIE)
        session = services.accounts.session(token, "browser") if token else None
        if session is None:
            raise StaffRefused(401, "Please log in.", page=True)
        return _has_role(session, role, page=True)

    return dependency


def page_form_staff(role: str | None):
    """As `page_staff`, for a form post: its `csrf` field must be the session's token."""
    logged_in = page_staff(role)

    # `Depends(...)` as a default, not in the annotation: annotations are strings here
    # (`from __future__ import annotations`) and could not name the local `logged_in`.
    def dependency(
        session: StaffSession = Depends(logged_in), csrf: Annotated[str, Form()] = ""
    ) -> StaffSession:
        if not hmac.compare_digest(csrf.encode(), session.csrf_token.encode()):
            raise StaffRefused(
                403,
                "The form has expired or did not come from this desk; reload the page and try again.",
                page=True,
            )
        return session

    return dependency


def client_ip(request: Request) -> str:
    """The client's address as the rate limit reads it: the peer, or the client a trusted proxy
    names. The raw peer would be the proxy, and every staff member behind it one address."""
    return client_of(request, request.app.state.desk.settings.rate_limit.trusted_proxies)
