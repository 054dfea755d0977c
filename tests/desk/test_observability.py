"""Logs that follow a request, and the metrics Prometheus scrapes."""

from __future__ import annotations

import logging

import pytest

from desk.api.logs import RequestIdFilter

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def client(corpus_client):
    return corpus_client


def test_a_request_id_follows_the_request_through_retrieval_and_the_backend(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO, logger="desk"):
        response = client.post(
            "/api/chat", json={"question": "What is a deployer?"}, headers={"X-Request-ID": "firm-42"}
        )
    assert response.headers["x-request-id"] == "firm-42"
    steps = {r.getMessage(): r.request_id for r in caplog.records}
    assert steps["retrieved"] == steps["answered"] == steps["request"] == "firm-42"
    made = client.get("/-/health", headers={"X-Request-ID": "<script>"}).headers["x-request-id"]
    assert made != "<script>" and len(made) == 32  # not a sane id: one of the desk's own


def test_metrics_cover_requests_steps_fallbacks_and_the_backlog(client):
    client.post("/api/chat", json={"question": "Which AI practices are prohibited?"})
    text = client.get("/metrics").text
    assert 'desk_request_seconds_bucket{le="0.005",method="POST",route="/api/chat",status="200"}' in text
    assert 'desk_step_seconds_count{step="retrieval"}' in text
    assert 'desk_step_seconds_count{step="generation"}' in text
    assert "desk_backend_fallbacks_total" in text
    backlog = next(line for line in text.splitlines() if line.startswith("desk_review_backlog "))
    assert float(backlog.split()[1]) >= 0
