"""The HTTP API through the real app: real index of the official texts, real model, SQLite."""

from __future__ import annotations

import json

import httpx
import psutil
import pytest
from fastapi.testclient import TestClient

from desk.api.app import create_app
from desk.backends.base import Generation
from desk.settings import BackendSettings
from desk.types import Flag
from tests.conftest import ask, free_port, secret_of, start_desk, stop

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def client(corpus_client):
    return corpus_client


def _anchors(answer: dict) -> list[str]:
    return [c["anchor"] for c in answer["citations"]]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which AI practices are prohibited?", "art-5."),
        ("Is an AI system that analyses and filters job applications high-risk?", "anx-III.pt-4"),
        ("What are the obligations of deployers of high-risk AI systems?", "art-26."),
        ("What obligations do providers of general-purpose AI models have?", "art-53."),
        ("What fines apply for non-compliance with the prohibition of AI practices?", "art-99."),
        ("From when do the rules for high-risk AI systems listed in Annex III apply?", "art-113"),
    ],
)
def test_answers_cite_the_right_provisions(client, question, expected):
    answer = ask(client, question)
    assert not answer["declined"]
    assert any(a.startswith(expected) for a in _anchors(answer)), (_anchors(answer), answer["text"][:300])
    for citation in answer["citations"]:
        assert f"[{citation['number']}]" in answer["text"]
        assert citation["deep_link"].startswith("https://")
    assert answer["law_as_of"] == "law as of 27 July 2026"
    assert answer["notice"] and answer["settings_hash"] and answer["backend"] == "extractive"


def test_an_amended_provision_says_so(client):
    answer = ask(client, "Which practices did the Digital Omnibus add to Article 5(1)?")
    amended = [c for c in answer["citations"] if c["amended_by"]]
    assert amended and amended[0]["amended_by"] == "Regulation (EU) 2026/1744"
    assert f"{amended[0]['label']}" in " ".join(answer["notes"])
    assert any(
        "as amended by Regulation (EU) 2026/1744, in force since 27 July 2026" in n for n in answer["notes"]
    )
    assert any("2 December 2026 (Article 113, point (a))" in n for n in answer["notes"])


def test_an_answer_on_duties_says_when_they_apply(client):
    answer = ask(client, "What are the obligations of deployers of high-risk AI systems?")
    note = next(n for n in answer["notes"] if n.startswith("Article 26"))
    assert "2 December 2027 for high-risk AI systems under Article 6(2) and Annex III" in note
    assert "2 August 2028" in note and "(Article 113, point (c))" in note
    gpai = ask(client, "What obligations do providers of general-purpose AI models have?")
    assert any("applies since 2 August 2025 (Article 113, point (b))" in n for n in gpai["notes"])


@pytest.mark.parametrize(
    "question", ["What is the capital of France?", "How do I bake sourdough bread at home?"]
)
def test_a_question_outside_the_texts_is_declined(client, question):
    answer = ask(client, question)
    assert answer["declined"] and answer["citations"] == [] and answer["scope"] == "unrelated"
    assert answer["flags"] == []  # counted on the dashboard, not a review item (issue 16)
    assert "this question is about something else" in answer["lead"]
    assert "similarity" not in answer["text"]


class FakeInventingBackend:
    """A fake: a model that cites a passage the desk never issued, and misquotes another.
    A real small model does this only by chance, so the test scripts it."""

    name = "fake-inventing"

    def generate(self, prompt):
        return Generation(
            text='Such systems are prohibited [1][99]. The Act says "all chatbots are banned" [2].',
            model="fake",
        )

    def stream(self, prompt):
        yield self.generate(prompt).text


def test_an_invented_citation_is_stripped_and_flagged(client):
    answerer = client.app.state.desk.answerer
    real = answerer.backend
    answerer.backend = FakeInventingBackend()
    try:
        answer = ask(client, "Which AI practices are prohibited?")
    finally:
        answerer.backend = real
    assert "[99]" not in answer["text"] and "[1]" in answer["text"]
    assert {Flag.CITATION_STRIPPED.value, Flag.QUOTE_NOT_FOUND.value} <= set(answer["flags"])
    assert _anchors(answer)[0].startswith("art-5")


def test_a_backend_failure_falls_back_to_extractive_and_is_flagged(client):
    from desk.backends.openai_compatible import OpenAICompatibleBackend

    answerer = client.app.state.desk.answerer
    real = answerer.backend
    # a real backend pointed at a closed port: the failure is real, not simulated
    answerer.backend = OpenAICompatibleBackend(
        BackendSettings(
            name="openai", model="none", base_url=f"http://127.0.0.1:{free_port()}/v1", timeout_s=2
        )
    )
    try:
        answer = ask(client, "What are the obligations of deployers of high-risk AI systems?")
        streamed = client.post("/api/chat/stream", json={"question": "Which AI practices are prohibited?"})
    finally:
        answerer.backend = real
    assert answer["backend"] == "extractive" and Flag.BACKEND_FAILED.value in answer["flags"]
    assert answer["citations"]
    final = _events(streamed.text)[-1]
    assert final[0] == "final" and Flag.BACKEND_FAILED.value in final[1]["flags"]


def _events(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_streaming_sends_deltas_then_the_checked_answer(client):
    response = client.post("/api/chat/stream", json={"question": "What is a deployer?"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert events[0][0] == "meta" and events[-1][0] == "final"
    deltas = "".join(data["text"] for kind, data in events if kind == "delta")
    final = events[-1][1]
    assert deltas.strip() == final["text"]
    assert "art-3.pt-4" in _anchors(final)
    # The new conversation's secret comes first, with its id, before anything is written.
    meta = events[0][1]
    assert meta["conversation_id"] == final["conversation_id"] and len(meta["conversation_secret"]) == 43
    stored = client.get(f"/api/conversations/{final['conversation_id']}", headers=secret_of(meta)).json()
    assert stored["turns"][0]["answer"] == final["text"]


def test_a_follow_up_uses_the_conversation(client):
    first = ask(client, "What obligations do providers of general-purpose AI models have?")
    follow = ask(client, "And when do they apply?", follows=first)
    assert follow["conversation_id"] == first["conversation_id"]
    assert follow["conversation_secret"] is None  # given once, when the conversation started
    assert any(a.startswith(("art-113", "art-53", "art-111")) for a in _anchors(follow)), _anchors(follow)
    record = client.get(f"/api/conversations/{first['conversation_id']}", headers=secret_of(first))
    turns = record.json()["turns"]
    assert [t["question"] for t in turns] == [first["question"], follow["question"]]
    assert turns[1]["citations"] == follow["citations"]
    # The server's record is whole: what the asker was told besides the text comes back too.
    assert [t["notes"] for t in turns] == [first["notes"], follow["notes"]] and first["notes"]
    assert turns[0]["law_as_of"] == first["law_as_of"] and turns[0]["role"] == first["role"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": ""}, 422, "question"),
        ({"question": "   \n "}, 422, "empty"),
        ({"question": "x" * 2500}, 422, "limit is 2000"),
        ({"question": 5}, 422, "question"),
        ({}, 422, "question"),
        ({"question": "What is a deployer?", "conversation_id": "not-an-id"}, 422, "conversation_id"),
        ({"question": "What is a deployer?", "conversation_id": "0" * 32}, 403, "X-Conversation-Secret"),
    ],
)
def test_bad_requests_get_a_clear_4xx(client, body, status, words):
    response = client.post("/api/chat", json=body)
    assert response.status_code == status
    assert words in response.json()["error"]


def test_malformed_json_gets_a_clear_4xx(client):
    response = client.post(
        "/api/chat", content=b'{"question": "unterminated', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422 and "JSON" in response.json()["error"]
    assert client.get("/api/conversations/nope").status_code == 403  # no secret: opens nothing


def test_a_provision_by_anchor_or_label(client):
    by_anchor = client.get("/api/passages/art-5.par-1.pt-f").json()
    assert by_anchor["label"] == "Article 5(1)(f)" and "emotions" in by_anchor["text"]
    assert by_anchor["authority"] == "binding" and by_anchor["version"] == "2026-07-27"
    by_label = client.get("/api/passages/Article 6(2)").json()
    assert by_label["anchor"] == "art-6.par-2"
    assert any(r["anchor"] == "anx-III" for r in by_label["references"])
    amended = client.get("/api/passages/art-113").json()
    assert amended["amended_by"] == "Regulation (EU) 2026/1744" and amended["other_versions"] == ["ai-act-oj"]
    assert client.get("/api/passages/art-999").status_code == 404


def test_operations_routes(client):
    assert client.get("/-/health").json() == {"status": "ok"}
    ready = client.get("/-/ready")
    assert ready.status_code == 200 and all(ready.json()["checks"].values())
    config = client.get("/-/config").json()
    assert config["backend"]["name"] == "extractive" and config["corpus_version"] == "2026-07-27"
    assert "api_key" not in config["backend"]
    assert "desk_answers_total" in client.get("/metrics").text
    assert "/api/chat" in client.get("/openapi.json").json()["paths"]


def test_no_secret_is_shown(corpus_settings, tmp_path):
    secret = "sk-do-not-show-me"
    settings = corpus_settings.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path / 'd.sqlite3'}",
            "backend": BackendSettings(name="extractive", api_key=secret),
        }
    )
    with TestClient(create_app(settings)) as client:
        assert secret not in client.get("/-/config").text
        assert client.get("/-/config").json()["backend"]["api_key_set"] is True


def test_one_real_server_process(corpus_settings, tmp_path):
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
    }
    log = tmp_path / "serve.log"
    # Two workers on a fresh database: both start, neither trips on the other's migration.
    server, url = start_desk(env, log, workers=2)
    try:
        answer = httpx.post(f"{url}/api/chat", json={"question": "What is a provider?"}, timeout=30).json()
        assert "art-3.pt-3" in _anchors(answer)
        bad = httpx.post(f"{url}/api/chat", content=b"not json", headers={"content-type": "application/json"})
        assert bad.status_code == 422 and "Traceback" not in bad.text
        # Its logs are JSON lines, and a request's lines carry its id.
        asked = httpx.post(f"{url}/api/chat", json={"question": "What is an importer?"}, timeout=30)
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        retrieved = [line for line in lines if line["message"] == "retrieved"]
        assert asked.headers["x-request-id"] in {line["request_id"] for line in retrieved}
        # Questions are embedded by the index's exported ONNX encoder, so no worker loads torch
        # (several hundred MB each).
        assert httpx.get(f"{url}/-/config").json()["question_encoder"] == "onnx-int8"
        workers = psutil.Process(server.pid).children(recursive=True)
        assert len(workers) >= 2
        for worker in workers:
            assert not [m.path for m in worker.memory_maps() if "libtorch" in m.path]
    finally:
        stop(server)
