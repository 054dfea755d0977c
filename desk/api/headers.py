"""Security headers on every response.

- `X-Content-Type-Options: nosniff` and a referrer policy everywhere.
- Pages: a page that sets its own Content-Security-Policy (the widget's demo, the review
  pages: no inline script) keeps it, with `frame-ancestors` set to the sites allowed to
  frame the desk's pages (settings; none by default). A page that sets none gets a strict one.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_STRICT_PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'"
_FRAME_ANCESTORS = re.compile(r"frame-ancestors[^;]*;?\s*")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, frame_ancestors: list[str]):
        self.app = app
        self.frame_ancestors = "frame-ancestors " + (" ".join(frame_ancestors) or "'none'")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._secured(list(message.get("headers") or []))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _secured(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        names = {name.lower(): value for name, value in headers}
        replaced = {b"content-security-policy", b"x-content-type-options"}
        kept = [(n, v) for n, v in headers if n.lower() not in replaced]
        kept.append((b"x-content-type-options", b"nosniff"))
        if b"referrer-policy" not in names:
            kept.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
        policy = names.get(b"content-security-policy", b"").decode("latin-1")
        if not policy and names.get(b"content-type", b"").startswith(b"text/html"):
            policy = _STRICT_PAGE_POLICY
        if policy:
            policy = _FRAME_ANCESTORS.sub("", policy).rstrip("; ") + "; " + self.frame_ancestors
            kept.append((b"content-security-policy", policy.encode("latin-1")))
        return kept
