"""The host names the desk answers to (`DESK_ALLOWED_HOSTS`): Starlette's TrustedHostMiddleware.

A request whose `Host` is not on the list is refused with 400 before anything else runs, so a
page on another name cannot pass for the desk's own (desk/api/origins.py compares the calling
page with `Host`) and links the desk writes never carry a forged name. Starlette answers that
refusal in plain text; here it is the desk's JSON error, as the OpenAPI schema documents.
The default, `*`, answers any name: for a desk run locally.
"""

from __future__ import annotations

import json

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ADMITTED = "desk.host_admitted"


class AllowedHosts(TrustedHostMiddleware):
    def __init__(self, app: ASGIApp, allowed_hosts: list[str]):
        async def admitted(scope: Scope, receive: Receive, send: Send) -> None:
            scope[_ADMITTED] = True  # Starlette let it through: the answer is the app's
            await app(scope, receive, send)

        # No www. redirect: a POST redirected to another name would lose its body.
        super().__init__(admitted, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return

        async def desk_refusal(message: Message) -> None:
            if scope.get(_ADMITTED):
                await send(message)
            elif message["type"] == "http.response.start":
                await _refuse(send)  # Starlette's plain-text refusal is dropped for this one

        await super().__call__(scope, receive, desk_refusal)


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {"error": "this desk does not answer to that host name (Host header); see DESK_ALLOWED_HOSTS"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
