"""Staff review in a real browser (Debian's chromium through Playwright) against `desk serve`:
log in, open a flagged answer, correct it with a citation, and see the correction served in
the widget for a near-duplicate question."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from desk.review.accounts import StaffAccounts
from desk.settings import ReviewSettings
from desk.store import Store
from tests.conftest import free_port, wait_until_ready
from tests.review.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
QUESTION = "What are the obligations of deployers of high-risk AI systems?"
NEAR_DUPLICATE = "What obligations do deployers of high-risk AI systems have?"
CORRECTION = "Deployers shall use high-risk AI systems in accordance with the instructions for use [1]."


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, never a browser `playwright install` would download."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu"],
    }


@pytest.fixture(scope="module")
def desk_url(corpus_settings, tmp_path_factory):
    """`desk serve` over the full corpus, with a reviewer and a thumbs-down answer in its queue."""
    folder = tmp_path_factory.mktemp("review-desk")
    database_url = f"sqlite:///{folder / 'desk.sqlite3'}"
    store = Store(database_url)
    store.migrate()
    StaffAccounts(store.engine, ReviewSettings()).add("rita", PASSWORD, ["reviewer"])
    store.close()
    port = free_port()
    env = {
        **os.environ,
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_RATE_LIMIT__REQUESTS": "0",  # the test's own requests are not a flood
        "DESK_DATABASE_URL": database_url,
        "DESK_REVIEW__REUSE_REFRESH_S": "0",
    }
    log = folder / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "desk", "serve", "--port", str(port), "--workers", "1"],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{url}/-/ready", server, "desk serve", log=log)
        answer = httpx.post(f"{url}/api/chat", json={"question": QUESTION}, timeout=60).json()
        httpx.post(
            f"{url}/api/answers/{answer['id']}/feedback", json={"rating": "down", "comment": "too long"}
        )
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_correction_made_in_the_review_page_is_served_in_the_widget(page: Page, desk_url):
    page.goto(f"{desk_url}/review")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=QUESTION)
    expect(row).to_contain_text("thumbs_down")
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", name=QUESTION)).to_be_visible()
    expect(page.get_by_role("region", name="Passages")).to_contain_text("Article 26")
    page.get_by_label("Corrected answer").fill(CORRECTION)
    page.get_by_label("Citations, one label a line").fill("Article 99(1)(z)")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_role("alert")).to_contain_text("names no provision")
    expect(page.get_by_label("Corrected answer")).to_have_value(CORRECTION)  # nothing typed is lost
    page.get_by_label("Citations, one label a line").fill("Article 26(1)")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("#status")).to_have_text("corrected")
    expect(page.get_by_role("region", name="Audit log")).to_contain_text("rita · correct")

    page.goto(f"{desk_url}/widget/demo")
    box = page.get_by_label("Your question")
    box.fill(NEAR_DUPLICATE)
    box.press("Enter")
    turn = page.locator(".turn").last
    expect(turn.locator(".feedback")).to_be_visible(timeout=60_000)
    expect(turn).to_contain_text("in accordance with the instructions for use")
    expect(turn).to_contain_text("Reviewed by the desk's staff")
    expect(turn).to_contain_text("Article 26(1)")
