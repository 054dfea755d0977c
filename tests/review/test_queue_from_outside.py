"""The queue against an outsider, through `desk serve` on the real index (issue 19): one client
rating the same answer down again and again, and rating declines down, adds one entry with a
count, no more than its share, and nothing for the declines, which the dashboard and the
metrics count instead. And /favicon.ico is there."""

from __future__ import annotations

import httpx
import pytest

from desk.review.accounts import StaffAccounts
from desk.settings import ReviewSettings
from desk.store import Store
from tests.conftest import secret_of, start_desk, stop
from tests.review.conftest import PASSWORD

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

SHARE = 5  # DESK_REVIEW__QUEUE_ITEMS_PER_CLIENT for this desk
PROHIBITED = "Which AI practices are prohibited?"
SOURDOUGH = "Can you recommend a good sourdough starter?"


@pytest.fixture(scope="module")
def desk(corpus_settings, tmp_path_factory):
    """`desk serve` over the full corpus, a reviewer's token, and an HTTP client for both."""
    folder = tmp_path_factory.mktemp("queue-desk")
    database_url = f"sqlite:///{folder / 'desk.sqlite3'}"
    store = Store(database_url)
    store.migrate()
    accounts = StaffAccounts(store.engine, ReviewSettings())
    accounts.add("rita", PASSWORD, ["reviewer"])
    token = accounts.open_session("rita", "api").token
    store.close()
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": database_url,
        "DESK_REVIEW__QUEUE_ITEMS_PER_CLIENT": str(SHARE),
    }
    server, url = start_desk(env, folder / "serve.log")
    try:
        with httpx.Client(base_url=url, timeout=60) as http:
            yield http, {"Authorization": f"Bearer {token}"}
    finally:
        stop(server)


def _rated_down(http: httpx.Client, question: str) -> dict:
    answer = http.post("/api/chat", json={"question": question})
    assert answer.status_code == 200, answer.text
    rated = http.post(
        f"/api/answers/{answer.json()['id']}/feedback",
        json={"rating": "down"},
        headers=secret_of(answer.json()),
    )
    assert rated.status_code == 201, rated.text
    return rated.json()


def test_one_client_adds_one_entry_with_a_count_and_no_more_than_its_share(desk):
    http, staff = desk
    before = http.get("/api/review/dashboard", headers=staff).json()["backlog"]
    queued = [_rated_down(http, PROHIBITED)["needs_review"] for _ in range(12)]
    disputed = [_rated_down(http, SOURDOUGH) for _ in range(6)]

    assert queued == [True] * SHARE + [False] * (12 - SHARE)  # every rating stored, five queued
    assert not any(rating["needs_review"] for rating in disputed)
    board = http.get("/api/review/dashboard", headers=staff).json()
    assert board["backlog"] == before + 1
    assert [SOURDOUGH, "unrelated", 6] in board["disputed_declines"]
    pending = http.get("/api/review/items", params={"status": "pending"}, headers=staff).json()
    [entry] = [e for e in pending["entries"] if e["question"] == PROHIBITED]
    assert entry["answers"] == SHARE and entry["reasons"] == ["thumbs_down"]
    assert not [e for e in pending["entries"] if e["question"] == SOURDOUGH]
    item = http.get(f"/api/review/items/{entry['answer_id']}", headers=staff).json()
    assert len(item["same_question"]) == SHARE - 1
    metrics = http.get("/metrics").text
    assert f"desk_review_backlog {before + 1}.0" in metrics and "desk_declined_questions 1.0" in metrics


def test_the_favicon_is_an_icon_cached_for_a_week(desk):
    http, _ = desk
    icon = http.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00" and icon.content[22:26] == b"\x89PNG"
    assert icon.headers["cache-control"] == "public, max-age=604800"
    again = http.get("/favicon.ico", headers={"If-None-Match": icon.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert "/favicon.ico" not in http.get("/openapi.json").json()["paths"]
