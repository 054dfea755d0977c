"""Which web pages may call the API: the desk's own, and the sites in `DESK_CORS_ORIGINS`.

CORS headers alone only stop a page on another site from *reading* the answer; the request
itself would still run (and cost an answer). So a request under /api/ whose `Origin` is
neither the desk's own nor allowed is refused with 403 before it reaches a route. Requests
without an `Origin` (curl, servers, the CLI) are not browsers' cross-site calls and pass.

The refusal itself is readable by the refused page (issue 19): its preflight is let through
and the 403 carries `Access-Control-Allow-Origin`, so the widget can tell its operator what
to do instead of "the desk cannot be reached". What the page can read is the refusal alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from desk.api.conversation_access import SECRET_HEADER

GUARDED_PREFIX = "/api/"
ALLOWED_METHODS = ["GET", "POST"]
ALLOWED_HEADERS = ["Content-Type", SECRET_HEADER]  # the widget opens its conversation with the secret
_REFUSAL = "pages on {origin} may not use this desk: its operator must add {origin} to DESK_CORS_ORIGINS"


class OriginGuard:
    """Refuse API calls from pages on origins the desk was not told to serve (403, JSON)."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]):
        self.app = app
        self.allowed = frozenset(allowed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(GUARDED_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or origin in self.allowed or _same_site(origin, headers.get("host")):
            await self.app(scope, receive, send)
            return
        refusal = _preflight(origin) if _is_preflight(scope, headers) else _refusal(origin)
        await refusal(scope, receive, send)


def _is_preflight(scope: Scope, headers: Headers) -> bool:
    return scope["method"] == "OPTIONS" and "access-control-request-method" in headers


def _preflight(origin: str) -> Response:
    """Let the refused page send its request, so that it can read the 403 that refuses it."""
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ", ".join(ALLOWED_METHODS),
            "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        },
    )


def _refusal(origin: str) -> Response:
    return JSONResponse(
        {"error": _REFUSAL.format(origin=origin)},
        status_code=403,
        headers={"Access-Control-Allow-Origin": origin, "Vary": "Origin"},
    )


def _same_site(origin: str, host: str | None) -> bool:
    """The page is one the desk served itself (its demo page). Compared by host and port only,
    because behind a TLS proxy the desk sees http while the browser says https."""
    return host is not None and origin.split("://", 1)[-1] == host


def add_origin_rules(app, allowed: list[str]) -> None:
    """CORS headers for the allowed sites, then the guard in front of everything."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed,
        allow_methods=ALLOWED_METHODS,
        allow_headers=ALLOWED_HEADERS,
        expose_headers=["Retry-After"],  # the widget says how long to wait when rate-limited
        max_age=600,
    )
    app.add_middleware(OriginGuard, allowed=allowed)  # added last, so it runs first
