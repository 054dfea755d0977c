"""Staff review in a real browser (Debian's chromium through Playwright) against `desk serve`:
log in, open a flagged answer, correct it with a citation, and see the correction served in
the widget for a near-duplicate question."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from desk.review.accounts import StaffAccounts
from desk.settings import ReviewSettings
from desk.store import Store
from tests.conftest import secret_of, start_desk, stop
from tests.review.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]

QUESTION = "What are the obligations of deployers of high-risk AI systems?"
NEAR_DUPLICATE = "What obligations do deployers of high-risk AI systems have?"
CORRECTION = "Deployers shall use high-risk AI systems in accordance with the instructions for use [1]."


@pytest.fixture(scope="module")
def desk_url(corpus_settings, tmp_path_factory):
    """`desk serve` over the full corpus, with a reviewer and a thumbs-down answer in its queue."""
    folder = tmp_path_factory.mktemp("review-desk")
    database_url = f"sqlite:///{folder / 'desk.sqlite3'}"
    store = Store(database_url)
    store.migrate()
    StaffAccounts(store.engine, ReviewSettings()).add("rita", PASSWORD, ["reviewer"])
    store.close()
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": database_url,
        "DESK_REVIEW__REUSE_REFRESH_S": "0",
    }
    server, url = start_desk(env, folder / "serve.log")
    try:
        answer = httpx.post(f"{url}/api/chat", json={"question": QUESTION}, timeout=60).json()
        httpx.post(
            f"{url}/api/answers/{answer['id']}/feedback",
            json={"rating": "down", "comment": "too long"},
            headers=secret_of(answer),
        )
        yield url
    finally:
        stop(server)


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


EXPERT_QUESTION = "Do we need a fundamental rights impact assessment as a bank?"


def test_a_rating_with_its_comment_is_listed_once_and_a_replied_request_is_not_pending(page: Page, desk_url):
    """Issue 19: the widget sends the thumb, then the comment; staff read one rating. After staff
    reply to the expert request, the item says `replied`, not `pending`."""
    page.goto(f"{desk_url}/widget/demo")
    box = page.get_by_label("Your question")
    box.fill(EXPERT_QUESTION)
    box.press("Enter")
    turn = page.locator(".turn").last
    expect(turn.locator(".feedback")).to_be_visible(timeout=60_000)
    turn.get_by_role("button", name="Not helpful", exact=True).click()
    turn.get_by_label("Anything to add? (optional)").fill("Article 27 is missing.")
    turn.get_by_role("button", name="Send comment").click()
    expect(turn.get_by_text("your comment was sent")).to_be_visible()
    turn.get_by_role("button", name="Ask a human expert").click()
    turn.get_by_label("Your email, for the reply (optional)").fill("legal@bank.example")
    turn.get_by_role("button", name="Send to an expert").click()

    page.goto(f"{desk_url}/review")
    page.get_by_label("Username").fill("rita")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    row = page.get_by_role("row").filter(has_text=EXPERT_QUESTION)
    expect(row).to_contain_text("expert_request")
    expect(row).to_contain_text("pending")
    row.get_by_role("link").click()

    feedback = page.get_by_role("region", name="Feedback")
    expect(feedback.get_by_text("Article 27 is missing.")).to_have_count(1)
    expect(feedback.get_by_text("rating (down)")).to_have_count(1)
    page.get_by_label("Reply to the asker's expert request").fill("Article 27 applies to banks.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#status")).to_have_text("replied")
    page.goto(f"{desk_url}/review?status=pending")
    expect(page.get_by_role("row").filter(has_text=EXPERT_QUESTION)).to_have_count(0)
    page.goto(f"{desk_url}/review?status=replied")
    expect(page.get_by_role("row").filter(has_text=EXPERT_QUESTION)).to_contain_text("replied")


def test_the_favicon_is_served_and_the_pages_policy_still_holds(page: Page, desk_url):
    icon = page.goto(f"{desk_url}/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    login = page.goto(f"{desk_url}/review/login")
    assert "default-src 'none'" in login.headers["content-security-policy"]
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert refused == []  # no 404 for the icon, no policy violation
