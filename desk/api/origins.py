"""Which web pages may call the API: the desk's own, and the sites in `DESK_CORS_ORIGINS`.

CORS headers alone only stop a page on another site from *reading* the answer; the request
itself would still run (and cost an answer). So a request under /api/ whose `Origin` is
neither the desk's own nor allowed is refused with 403 before it reaches a route. Requests
without an `Origin` (curl, servers, the CLI) are not browsers' cross-site calls and pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

GUARDED_PREFIX = "/api/"
_REFUSAL = "pages on {origin} may not use this desk; its operator can add the site to DESK_CORS_ORIGINS"


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
        refusal = JSONResponse({"error": _REFUSAL.format(origin=origin)}, status_code=403)
        await refusal(scope, receive, send)


def _same_site(origin: str, host: str | None) -> bool:
    """The page is one the desk served itself (its demo page). Compared by host and port only,
    because behind a TLS proxy the desk sees http while the browser says https."""
    return host is not None and origin.split("://", 1)[-1] == host


def add_origin_rules(app, allowed: list[str]) -> None:
    """CORS headers for the allowed sites, then the guard in front of everything."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=allowed,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],  # the widget says how long to wait when rate-limited
        max_age=600,
    )
    app.add_middleware(OriginGuard, allowed=allowed)  # added last, so it runs first
