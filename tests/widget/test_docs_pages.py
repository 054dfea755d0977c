"""The API's documentation pages render in a real browser under the desk's own policy: their
scripts are served by the desk (issue 19), and nothing the page needs is blocked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]


def _watch(page: Page) -> list[str]:
    """What the browser refused or failed to load: CSP violations, failed requests, page errors."""
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    return problems


def test_swagger_ui_lists_the_operations(page: Page, desk):
    problems = _watch(page)
    page.goto(desk.url + "/docs")
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=20_000)
    assert operations.count() >= 8
    expect(page.locator(".opblock-summary-path", has_text="/api/chat").first).to_be_visible()
    assert problems == []


def test_redoc_shows_the_operations(page: Page, desk):
    problems = _watch(page)
    page.goto(desk.url + "/redoc")
    expect(page.get_by_text("Answer a question from the official texts").first).to_be_attached(timeout=20_000)
    expect(page.get_by_text("/api/timeline").first).to_be_attached()
    # Redoc's "by Redocly" logo comes from its CDN: the policy blocks it, and Redoc hides the image.
    assert [p for p in problems if "cdn.redoc.ly/redoc/logo-mini.svg" not in p] == []
