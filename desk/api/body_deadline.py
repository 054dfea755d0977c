"""A deadline on reading a request body.

uvicorn waits for a body as long as its client keeps sending: one byte every few seconds
holds a connection (and a slot of the worker) open for as long as the client likes, and
uvicorn has no timeout for it (its `timeout_keep_alive` only runs between requests). Here the
whole body must arrive within `seconds` of the request; past that the desk answers 408 with
`Connection: close`, uvicorn closes the connection, and to the app the client has gone.
Only the body is timed: once it is whole, waiting for a disconnect (a stream does) is not.
"""

from __future__ import annotations

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyDeadline:
    def __init__(self, app: ASGIApp, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = asyncio.get_running_loop().time() + self.seconds
        body_done = started = timed_out = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if timed_out:
                return {"type": "http.disconnect"}
            if body_done:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                if not started:
                    await self._refuse(send)
                return {"type": "http.disconnect"}
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return  # the 408 is the answer
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, timed_receive, tracked_send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"error": f"the request body did not arrive within {self.seconds:g} seconds; send it again"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 408,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
