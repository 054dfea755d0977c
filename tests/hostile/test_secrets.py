"""Secrets (the LLM API key, staff passwords and tokens, the database password) never leave
the process: not in a response body or header, not in a log line, not in /-/config."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from desk.api.app import create_app
from desk.review.accounts import StaffAccounts
from desk.settings import BackendSettings
from tests.conftest import free_port

pytestmark = pytest.mark.corpus

API_KEY = "sk-SECRET-api-key-5d1f"
DB_PASSWORD = "SECRET-db-password-8c2e"
STAFF_PASSWORD = "SECRET-staff-password-31ab"


def test_no_secret_leaves_the_process(corpus_settings, new_postgres_database, caplog):
    # Trust authentication ignores the password, but it travels in the URL like a real one.
    database_url = new_postgres_database().replace("postgres@", f"postgres:{DB_PASSWORD}@")
    settings = corpus_settings.model_copy(
        update={
            "database_url": database_url,
            # An LLM server that is not there: its failure is logged, its key must not be.
            "backend": BackendSettings(
                name="openai",
                base_url=f"http://127.0.0.1:{free_port()}/v1",
                model="m",
                api_key=SecretStr(API_KEY),
            ),
        }
    )
    seen: list[str] = []
    with caplog.at_level(logging.DEBUG), TestClient(create_app(settings)) as client:
        StaffAccounts(client.app.state.desk.store.engine, settings.review).add(
            "rita", STAFF_PASSWORD, ["reviewer"]
        )
        login = client.post("/api/review/login", json={"username": "rita", "password": STAFF_PASSWORD})
        token = login.json()["token"]
        staff = {"Authorization": f"Bearer {token}"}
        wrong = client.post("/api/review/login", json={"username": "rita", "password": STAFF_PASSWORD + "x"})
        responses = [
            wrong,
            client.get("/-/config"),
            client.get("/-/ready"),
            client.get("/metrics"),
            client.post("/api/chat", json={"question": "What must deployers of high-risk AI systems do?"}),
            client.post("/api/chat", json={"question": ""}),
            client.get("/api/review/items", headers=staff),
            client.get("/api/review/me", headers=staff),
            client.get("/api/review/items", headers={"Authorization": f"Bearer {token}x"}),
            client.get("/openapi.json"),
        ]
        for response in responses:
            seen.append(response.text)
            seen.extend(f"{name}: {value}" for name, value in response.headers.items())
        assert client.get("/-/config").json()["backend"]["api_key_set"] is True
        assert responses[4].json()["flags"] == ["backend_failed"]  # the failure happened, and was logged
    seen += [record.getMessage() for record in caplog.records]
    seen += [str(record.__dict__) for record in caplog.records]
    everything = "\n".join(seen)
    # The token is returned once, at login, to the staff member: anywhere else it is a leak.
    assert login.text.count(token) == 1
    for secret in (API_KEY, DB_PASSWORD, STAFF_PASSWORD, token):
        assert secret not in everything, secret
