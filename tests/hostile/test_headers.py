"""Security headers: pages forbid inline script and framing (unless configured); every
response says nosniff."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from desk.api.app import create_app

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def settings(corpus_settings, tmp_path_factory):
    database = tmp_path_factory.mktemp("headers") / "desk.sqlite3"
    return corpus_settings.model_copy(update={"database_url": f"sqlite:///{database}"})


def _directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/", "/widget/demo", "/review/login"])
def test_pages_forbid_inline_script_and_framing(settings, path):
    with TestClient(create_app(settings)) as client:
        response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = _directives(response.headers["content-security-policy"])
    scripts = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_framing_follows_the_settings(settings):
    allowed = settings.model_copy(update={"frame_ancestors": ["https://intranet.firm.example"]})
    with TestClient(create_app(allowed)) as client:
        policy = _directives(client.get("/widget/demo").headers["content-security-policy"])
    assert policy["frame-ancestors"] == "frame-ancestors https://intranet.firm.example"


@pytest.mark.parametrize("path", ["/api/timeline", "/widget.js", "/-/health", "/api/nothing"])
def test_every_response_says_nosniff(settings, path):
    with TestClient(create_app(settings)) as client:
        assert client.get(path).headers["x-content-type-options"] == "nosniff"
