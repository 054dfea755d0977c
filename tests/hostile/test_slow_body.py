"""A client that sends its body byte by byte is cut off: a real `desk serve`, a raw socket.

uvicorn waits for a body as long as bytes keep coming; the desk's deadline on the body
(`DESK_BODY_TIMEOUT_S`, desk/api/body_deadline.py) answers 408 and closes the connection.
"""

from __future__ import annotations

import select
import socket
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import spawn_desk, stop, wait_until_ready

pytestmark = pytest.mark.slow

DEADLINE_S = 2
GIVE_UP_S = 15  # without a deadline the desk would still be waiting: the test fails here


@pytest.fixture(scope="module")
def desk_url(tmp_path_factory):
    # No index: the body is read (and timed) before any route needs one.
    folder = tmp_path_factory.mktemp("slow-body")
    env = {
        "DESK_DATA_DIR": str(folder / "data"),
        "DESK_DATABASE_URL": f"sqlite:///{folder / 'desk.sqlite3'}",
        "DESK_BODY_TIMEOUT_S": str(DEADLINE_S),
    }
    process, url = spawn_desk(env, folder / "serve.log")
    wait_until_ready(f"{url}/-/health", process, "desk serve", log=folder / "serve.log")
    yield url
    stop(process)


def test_a_body_sent_byte_by_byte_is_answered_408_and_the_connection_closed(desk_url):
    address = urlsplit(desk_url)
    body = b'{"question": "' + b"x" * 200 + b'"}'
    head = (
        f"POST /api/chat HTTP/1.1\r\nHost: {address.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=5) as client:
        client.sendall(head)
        started = time.monotonic()
        answer, sent = b"", 0
        while time.monotonic() - started < GIVE_UP_S:
            readable, _, _ = select.select([client], [], [], 0.5)
            if readable:
                chunk = client.recv(4096)
                if not chunk:
                    break  # closed after the answer
                answer += chunk
            elif sent < len(body) and not answer:
                try:
                    client.send(body[sent : sent + 1])  # one byte every half second
                    sent += 1
                except OSError:
                    break
        took = time.monotonic() - started

    assert answer.startswith(b"HTTP/1.1 408"), f"after {took:.1f} s: {answer[:200]!r}"
    assert b"did not arrive within 2 seconds" in answer
    assert took < DEADLINE_S + 3, f"the connection stayed open {took:.1f} s"
    assert sent < len(body)  # cut off while it was still sending
