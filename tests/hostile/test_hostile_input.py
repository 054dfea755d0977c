"""Bodies built to hurt: too large, nested too deep, not UTF-8, NUL characters, endless
conversations. Each gets a 4xx that says what is wrong; none a 5xx or a stack trace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from desk.api.app import create_app
from desk.settings import AnsweringSettings
from tests.conftest import secret_of

pytestmark = pytest.mark.corpus

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(corpus_settings, new_postgres_database):
    # PostgreSQL: it refuses some text SQLite would take (NUL characters).
    settings = corpus_settings.model_copy(
        update={
            "database_url": new_postgres_database(),
            "answering": AnsweringSettings(max_turns=3),
        }
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _clear(response, status: int | tuple[int, ...]) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text
    return response.json()


def test_an_oversized_body_is_refused_before_it_is_read(client):
    body = b'{"question": "' + b"a" * 2_000_000 + b'"}'
    assert "larger than" in _clear(client.post("/api/chat", content=body, headers=JSON), 413)["error"]


def test_an_oversized_streamed_body_is_refused_too(client):
    def chunks():
        yield b'{"question": "'
        for _ in range(200):
            yield b"a" * 10_000
        yield b'"}'

    assert "larger than" in _clear(client.post("/api/chat", content=chunks(), headers=JSON), 413)["error"]


def test_deeply_nested_json_is_a_4xx(client):
    depth = 20_000  # 40 kB: under the body limit, far past Python's recursion limit
    body = b'{"question": ' + b"[" * depth + b"]" * depth + b"}"
    _clear(client.post("/api/chat", content=body, headers=JSON), (400, 422))


@pytest.mark.parametrize(
    "body",
    [b'{"question": "\xff\xfe what is a deployer"}', b"\xef\xbb\xbf\x00\x00", b'{"question": "\\ud800"}'],
)
def test_bytes_that_are_not_text_are_a_4xx(client, body):
    _clear(client.post("/api/chat", content=body, headers=JSON), (400, 422))


def test_a_nul_character_is_refused_with_a_reason(client):
    error = _clear(client.post("/api/chat", json={"question": "What is a deployer?\x00"}), 422)["error"]
    assert "NUL" in error


def test_a_conversation_has_an_end(client):
    first = _clear(client.post("/api/chat", json={"question": "What is a deployer?"}), 200)
    opens = secret_of(first)
    for question in ("And a provider?", "And an importer?"):
        body = {"question": question, "conversation_id": first["conversation_id"]}
        _clear(client.post("/api/chat", json=body, headers=opens), 200)
    refused = client.post(
        "/api/chat",
        json={"question": "And a distributor?", "conversation_id": first["conversation_id"]},
        headers=opens,
    )
    assert "start a new one" in _clear(refused, 422)["error"]
    record = client.get(f"/api/conversations/{first['conversation_id']}", headers=opens)
    assert len(record.json()["turns"]) == 3


def test_unknown_routes_and_methods_answer_in_the_same_shape(client):
    assert "error" in _clear(client.get("/api/nothing-here"), 404)
    assert "error" in _clear(client.delete("/api/chat"), 405)
