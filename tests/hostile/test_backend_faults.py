"""The LLM backend down, slow past its timeout, or answering garbage: every question is still
answered, by the extractive fallback, and flagged for review.

The misbehaving servers are real HTTP servers on loopback (they stand in for an LLM server
that breaks in ways a healthy llama.cpp server cannot be made to), named for their fault.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desk.backends.openai_compatible import OpenAICompatibleBackend
from desk.settings import BackendSettings
from desk.types import Flag
from tests.conftest import free_port

pytestmark = pytest.mark.corpus

FALLBACK_FLAGS = {Flag.BACKEND_FAILED.value, Flag.BACKEND_GARBAGE.value}


def _server(reply) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length", 0)))
            status, body, content_type = reply()
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def _slow_llm_server():
    def reply():
        time.sleep(3)
        return (
            200,
            json.dumps({"choices": [{"message": {"content": "late [1]"}}]}).encode(),
            "application/json",
        )

    return _server(reply)


def _garbage_llm_server():
    return _server(lambda: (200, b"<html>upstream error</html>", "text/html"))


def _wrong_shape_llm_server():
    return _server(
        lambda: (200, json.dumps({"error": {"message": "model crashed"}}).encode(), "application/json")
    )


def _failing_llm_server():
    return _server(lambda: (500, b'{"error": "out of memory"}', "application/json"))


@pytest.fixture(scope="module")
def client(corpus_client):
    return corpus_client


@pytest.mark.parametrize(
    "server",
    [_slow_llm_server, _garbage_llm_server, _wrong_shape_llm_server, _failing_llm_server, None],
    ids=["slow", "not-json", "wrong-shape", "http-500", "down"],
)
def test_every_question_is_answered_by_the_fallback_and_flagged(client, server):
    if server is None:
        running, base_url = None, f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    else:
        running, base_url = server()
    answerer = client.app.state.desk.answerer
    real = answerer.backend
    answerer.backend = OpenAICompatibleBackend(
        BackendSettings(name="openai", model="any", base_url=base_url, timeout_s=1)
    )
    try:
        whole = client.post("/api/chat", json={"question": "What must providers of high-risk AI systems do?"})
        streamed = client.post("/api/chat/stream", json={"question": "Which AI practices are prohibited?"})
    finally:
        answerer.backend = real
        if running is not None:
            running.shutdown()
    assert whole.status_code == 200, whole.text
    answer = whole.json()
    assert answer["backend"] == "extractive" and FALLBACK_FLAGS & set(answer["flags"])
    assert answer["citations"] and answer["text"]
    final = [block for block in streamed.text.split("\n\n") if block.startswith("event: final")]
    assert final, streamed.text[-500:]
    data = json.loads(final[0].split("data: ", 1)[1])
    assert data["backend"] == "extractive" and FALLBACK_FLAGS & set(data["flags"]) and data["citations"]
    # Kept, with its flag, for the review queue.
    stored = client.app.state.desk.store.answer(answer["id"])
    assert stored is not None and FALLBACK_FLAGS & set(stored.flags)
