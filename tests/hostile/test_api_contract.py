"""The API's contract (issue 19, point 6): what the OpenAPI schema says is what the desk does.

The real app on the real index through a TestClient: the question's limit, every 4xx an
operation answers, the `as_of` day, the operators' token, the allowed hosts, /docs' policy.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from desk.api.app import create_app
from desk.settings import AnsweringSettings, OpsSettings

pytestmark = pytest.mark.corpus

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def settings(corpus_settings, tmp_path_factory):
    database = tmp_path_factory.mktemp("contract") / "desk.sqlite3"
    return corpus_settings.model_copy(update={"database_url": f"sqlite:///{database}"})


@pytest.fixture(scope="module")
def client(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "0" * 32, path)


def _documented(operation: dict, status: int) -> bool:
    response = operation["responses"].get(str(status))
    return response is not None and response["content"]["application/json"]["schema"] == PROBLEM


@pytest.mark.parametrize("limit", [None, 500])
def test_the_schema_states_the_question_limit_the_desk_enforces(settings, limit):
    if limit is not None:
        settings = settings.model_copy(update={"answering": AnsweringSettings(max_question_chars=limit)})
    limit = settings.answering.max_question_chars
    with TestClient(create_app(settings)) as client:
        question = client.get("/openapi.json").json()["components"]["schemas"]["ChatRequest"]["properties"]
        assert question["question"]["maxLength"] == limit
        refused = client.post("/api/chat", json={"question": "x" * (limit + 1)})
    assert refused.status_code == 422 and f"the limit is {limit}" in refused.json()["error"]


def test_every_4xx_an_operation_answers_is_documented_with_the_error_body(client):
    schema = client.get("/openapi.json").json()
    checked = 0
    for method, path, operation in _operations(schema):
        url = _url(path)
        if path.startswith("/api/"):  # a page on a site not allowed
            refused = client.request(method, url, headers={"Origin": "https://elsewhere.example"})
            assert refused.status_code == 403 and _documented(operation, 403), (method, path)
            checked += 1
        if "requestBody" not in operation:
            continue
        unreadable = client.request(
            method, url, content=b'{"question": "\xff"}', headers={"content-type": "application/json"}
        )
        assert unreadable.status_code in (400, 422), (method, path, unreadable.text)
        assert _documented(operation, unreadable.status_code), (method, path, unreadable.status_code)
        too_large = client.request(
            method, url, content=b"x" * 70_000, headers={"content-type": "application/json"}
        )
        assert too_large.status_code == 413 and "larger than" in too_large.json()["error"]
        assert _documented(operation, 413) and _documented(operation, 408), (method, path)
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize(
    ("as_of", "words"),
    [
        ("0", "YYYY-MM-DD"),
        ("-1", "YYYY-MM-DD"),
        ("1700000000", "YYYY-MM-DD"),
        ("1970-01-01", "before the AI Act was published"),
        ("2024-07-11", "before the AI Act was published"),
        ("20260802", "YYYY-MM-DD"),
        ("2026-02-30", "not a day of the calendar"),
    ],
)
def test_as_of_takes_a_day_since_the_act_was_published(client, as_of, words):
    response = client.get("/api/timeline", params={"as_of": as_of})
    assert response.status_code == 422, response.text[:200]
    assert words in response.json()["error"]


def test_as_of_from_the_day_of_publication(client):
    entries = client.get("/api/timeline", params={"as_of": "2024-07-12"}).json()
    assert entries and not any(" since " in entry["status"] for entry in entries)  # nothing yet
    parameter = next(
        p for p in client.get("/openapi.json").json()["paths"]["/api/timeline"]["get"]["parameters"]
    )
    pattern = re.compile(parameter["schema"]["anyOf"][0]["pattern"])
    assert pattern.match("2024-07-12") and pattern.match("2031-01-01")
    assert not pattern.match("2024-07-11") and not pattern.match("1970-01-01") and not pattern.match("0")


def test_config_and_metrics_are_open_without_an_operators_token(client):
    assert client.get("/-/config").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_config_and_metrics_need_the_operators_token_when_one_is_set(settings):
    private = settings.model_copy(update={"ops": OpsSettings(token="an operators' secret")})
    with TestClient(create_app(private)) as client:
        for path in ("/-/config", "/metrics"):
            for sent in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "an operators' secret"}):
                refused = client.get(path, headers=sent)
                assert refused.status_code == 401, (path, sent)
                assert "DESK_OPS__TOKEN" in refused.json()["error"]
                assert refused.headers["www-authenticate"] == "Bearer"
            assert (
                client.get(path, headers={"Authorization": "Bearer an operators' secret"}).status_code == 200
            )
        assert client.get("/-/health").status_code == 200 and client.get("/-/ready").status_code == 200
        operation = client.get("/openapi.json").json()["paths"]["/-/config"]["get"]
    assert operation["security"] == [{"OpsToken": []}] and _documented(operation, 401)


def test_any_host_by_default_and_only_the_allowed_ones_when_set(settings, client):
    assert client.get("/-/health", headers={"Host": "anything.example"}).status_code == 200
    listed = settings.model_copy(update={"allowed_hosts": ["desk.firm.example", "*.desk.example"]})
    with TestClient(create_app(listed), base_url="http://desk.firm.example") as client:
        assert client.get("/-/health").status_code == 200
        assert client.get("/-/health", headers={"Host": "eu.desk.example:8443"}).status_code == 200
        refused = client.post("/api/chat", json={"question": "x"}, headers={"Host": "evil.example"})
        assert refused.status_code == 400 and "DESK_ALLOWED_HOSTS" in refused.json()["error"]
        operation = client.get("/openapi.json").json()["paths"]["/api/timeline"]["get"]
    assert _documented(operation, 400)


def test_the_docs_pages_load_only_the_desks_own_scripts(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        policy = page.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "cdn" not in page.text and "<script>" not in page.text
        for asset in re.findall(r'(?:src|href)="([^"]+)"', page.text):
            assert not asset.startswith(("http:", "https:", "//")), asset
            assert client.get("/" + asset).status_code == 200, asset
