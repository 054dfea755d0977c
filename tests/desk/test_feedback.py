"""Feedback, expert requests and the widget's routes through the API, on SQLite and on a
real PostgreSQL; and the rule that only allowed sites' pages may call the API.

No index is needed: the desk serves these routes (and 503s for questions) without one.
"""

from __future__ import annotations

import gzip
import uuid

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from desk.api.app import create_app
from desk.api.conversation_access import SECRET_HEADER
from desk.api.schemas import COMMENT_LIMIT
from desk.settings import Settings
from desk.store import Store
from tests.conftest import make_answer, save_opened

FIRM = "https://www.firm.example"


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request, tmp_path):
    """A desk without an index, on each database, allowing pages of FIRM."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    settings = Settings(data_dir=tmp_path / "no-index", database_url=url, cors_origins=[FIRM])
    with TestClient(create_app(settings)) as client:
        yield client
        if request.param == "postgresql":  # the database is shared by the session's tests
            with client.app.state.desk.store.engine.begin() as connection:
                for table in ("feedback", "citations", "answers", "conversations"):
                    connection.execute(text(f"DELETE FROM {table}"))


def _store(client) -> Store:
    return client.app.state.desk.store


def _answered(client) -> str:
    """An answer stored as the chat route stores a new conversation's; its id. The client is
    then its asker's: it sends the conversation's secret, as the widget does."""
    answer = make_answer(question="What must deployers do?")
    client.headers.update(save_opened(_store(client), answer))
    return answer.id


def test_a_thumbs_down_with_a_comment_goes_to_the_review_queue(desk):
    answer_id = _answered(desk)
    comment = "  Article 26(2) is missing.\n<script>alert(1)</script> — see “human oversight”  "
    response = desk.post(f"/api/answers/{answer_id}/feedback", json={"rating": "down", "comment": comment})
    assert response.status_code == 201, response.text
    assert response.json()["needs_review"] is True and response.json()["comment"] == comment
    [queued] = _store(desk).review_requests()
    assert (queued.answer_id, queued.review_reason, queued.rating) == (answer_id, "thumbs_down", "down")
    assert queued.comment == comment  # kept whole, spaces and markup included


def test_a_thumbs_up_is_kept_but_asks_for_no_review(desk):
    answer_id = _answered(desk)
    response = desk.post(f"/api/answers/{answer_id}/feedback", json={"rating": "up"})
    assert response.status_code == 201 and response.json()["needs_review"] is False
    assert _store(desk).review_requests() == []
    desk.post(f"/api/answers/{answer_id}/feedback", json={"rating": "down"})
    assert [f.rating for f in _store(desk).feedback(answer_id)] == ["up", "down"]  # every rating is kept


def test_an_expert_request_is_queued_and_its_reply_can_be_read(desk):
    answer_id = _answered(desk)
    sent = {"email": "legal@firm.example", "comment": "We deploy it for hiring in France."}
    response = desk.post(f"/api/answers/{answer_id}/expert", json=sent)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending" and "email" not in response.json()
    [queued] = _store(desk).review_requests()
    assert (queued.review_reason, queued.email, queued.comment) == (
        "expert_request",
        sent["email"],
        sent["comment"],
    )

    assert desk.get(f"/api/answers/{answer_id}/expert").json()["status"] == "pending"
    _store(desk).reply_to_expert_request(queued.id, "Article 26 applies; see also Article 27.")
    replied = desk.get(f"/api/answers/{answer_id}/expert").json()
    assert replied["status"] == "answered" and replied["reply"].startswith("Article 26 applies")
    assert "legal@firm.example" not in desk.get(f"/api/answers/{answer_id}/expert").text


@pytest.mark.parametrize("body", [{}, {"email": ""}, {"comment": "No address, thanks."}])
def test_an_expert_request_needs_no_email(desk, body):
    answer_id = _answered(desk)
    assert desk.post(f"/api/answers/{answer_id}/expert", json=body).status_code == 201
    assert _store(desk).expert_request(answer_id).email is None


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "/api/answers/{id}/feedback", {"rating": "down"}),
        ("post", "/api/answers/{id}/expert", {}),
        ("get", "/api/answers/{id}/expert", None),
    ],
)
def test_an_unknown_answer_is_404(desk, method, path, body):
    _answered(desk)  # a secret the client holds, of another conversation
    response = desk.request(method, path.format(id=uuid.uuid4().hex), json=body)
    assert response.status_code == 404, response.text
    assert response.json()["error"].startswith(("no answer", "no expert request"))


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("post", "/api/answers/{id}/feedback", {"rating": "down"}),
        ("post", "/api/answers/{id}/expert", {}),
        ("get", "/api/answers/{id}/expert", None),
    ],
)
def test_an_answer_id_alone_opens_nothing(desk, method, path, body):
    """Issue 19: only the secret of the answer's conversation rates it or reads its expert's
    reply; another conversation's secret is told what an unknown id is told."""
    answer_id = _answered(desk)
    secret = desk.headers.pop(SECRET_HEADER)
    url = path.format(id=answer_id)
    missing = desk.request(method, url, json=body)
    assert missing.status_code == 403 and SECRET_HEADER in missing.json()["error"]
    _answered(desk)  # now the client holds another conversation's secret
    wrong = desk.request(method, url, json=body)
    unknown_id = uuid.uuid4().hex
    unknown = desk.request(method, path.format(id=unknown_id), json=body)
    assert wrong.status_code == unknown.status_code == 404
    # One message for both: a caller cannot tell an id that exists from one that does not.
    assert wrong.json()["error"].replace(answer_id, "ID") == unknown.json()["error"].replace(unknown_id, "ID")
    assert _store(desk).feedback(answer_id) == []
    opened = desk.request(method, url, json=body, headers={SECRET_HEADER: secret})
    if method == "get":  # opened: there is just no expert request on it yet
        assert opened.status_code == 404 and "no expert request" in opened.json()["error"]
    else:
        assert opened.status_code == 201, opened.text


@pytest.mark.parametrize(
    "path,body,words",
    [
        ("feedback", {"rating": "meh"}, "rating"),
        ("feedback", {}, "rating"),
        ("feedback", {"rating": "down", "comment": "x" * (COMMENT_LIMIT + 1)}, "comment"),
        ("feedback", {"rating": "down", "score": 3}, "score"),
        ("expert", {"email": "not an address"}, "email"),
        ("expert", {"email": "a@b"}, "email"),
        ("expert", {"comment": ["a list"]}, "comment"),
    ],
)
def test_bad_feedback_gets_a_clear_422(desk, path, body, words):
    response = desk.post(f"/api/answers/{_answered(desk)}/{path}", json=body)
    assert response.status_code == 422, response.text
    assert words in response.json()["error"]
    assert _store(desk).review_requests() == []


def test_malformed_json_is_422_not_500(desk):
    response = desk.post(
        f"/api/answers/{_answered(desk)}/feedback",
        content=b"{rating",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422 and "error" in response.json()


def test_a_comment_at_the_limit_is_stored_whole(desk):
    answer_id = _answered(desk)
    comment = "é" * COMMENT_LIMIT
    assert (
        desk.post(
            f"/api/answers/{answer_id}/feedback", json={"rating": "down", "comment": comment}
        ).status_code
        == 201
    )
    assert _store(desk).review_requests()[0].comment == comment


# ---------------------------------------------------------------- which pages may call the API


@pytest.fixture
def sqlite_desk(tmp_path):
    settings = Settings(
        data_dir=tmp_path / "no-index",
        database_url=f"sqlite:///{tmp_path / 'd.sqlite3'}",
        cors_origins=[FIRM],
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_an_allowed_site_gets_cors_headers(sqlite_desk):
    answer_id = _answered(sqlite_desk)
    response = sqlite_desk.post(
        f"/api/answers/{answer_id}/feedback", json={"rating": "up"}, headers={"Origin": FIRM}
    )
    assert response.status_code == 201 and response.headers["access-control-allow-origin"] == FIRM
    preflight = sqlite_desk.options(
        "/api/chat/stream",
        headers={
            "Origin": FIRM,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == FIRM
    assert (
        "retry-after"
        in sqlite_desk.get("/api/timeline", headers={"Origin": FIRM})
        .headers.get("access-control-expose-headers", "")
        .lower()
    )


@pytest.mark.parametrize("origin", ["https://evil.example", "http://www.firm.example", "null"])
def test_other_sites_are_refused(sqlite_desk, origin):
    answer_id = _answered(sqlite_desk)
    response = sqlite_desk.post(
        f"/api/answers/{answer_id}/feedback", json={"rating": "down"}, headers={"Origin": origin}
    )
    assert response.status_code == 403 and "DESK_CORS_ORIGINS" in response.json()["error"]
    # The refusal is readable by the page (issue 19): the widget tells its operator what to do.
    assert response.headers["access-control-allow-origin"] == origin
    preflight = sqlite_desk.options(
        "/api/chat", headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204  # so the browser sends the request and reads its refusal
    assert _store(sqlite_desk).feedback(answer_id) == []  # refused before anything was stored


def test_the_desks_own_pages_and_clients_without_origin_pass(sqlite_desk):
    answer_id = _answered(sqlite_desk)
    own = sqlite_desk.post(
        f"/api/answers/{answer_id}/feedback", json={"rating": "up"}, headers={"Origin": "http://testserver"}
    )
    assert own.status_code == 201
    assert sqlite_desk.post(f"/api/answers/{answer_id}/feedback", json={"rating": "up"}).status_code == 201
    # The script and the demo page are public: any site may load them.
    assert sqlite_desk.get("/widget.js", headers={"Origin": "https://evil.example"}).status_code == 200


def test_origins_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("DESK_CORS_ORIGINS", "https://A.example, http://localhost:3000/")
    assert Settings().cors_origins == ["https://a.example", "http://localhost:3000"]
    monkeypatch.setenv("DESK_CORS_ORIGINS", '["https://b.example"]')
    assert Settings().cors_origins == ["https://b.example"]
    monkeypatch.setenv("DESK_CORS_ORIGINS", "https://firm.example/chat")
    with pytest.raises(ValidationError, match="not an origin"):
        Settings()
    monkeypatch.delenv("DESK_CORS_ORIGINS")
    assert Settings().cors_origins == []  # by default only the desk's own pages


# ---------------------------------------------------------------- the widget's files


def test_the_widget_script_is_served_small_and_cacheable(sqlite_desk):
    response = sqlite_desk.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "max-age" in response.headers["cache-control"] and response.headers["etag"]
    assert len(gzip.compress(response.content)) <= 40_000
    again = sqlite_desk.get("/widget.js", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_widget_never_writes_html():
    """The safety rule of issue 6, kept by a check: no innerHTML, outerHTML,
    insertAdjacentHTML, document.write or eval anywhere in the script."""
    from desk.api.routes.widget import WIDGET_FILES

    source = (WIDGET_FILES / "widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, sink


def test_the_demo_page_embeds_the_widget(sqlite_desk):
    for path in ("/", "/widget/demo"):
        page = sqlite_desk.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'src="/widget.js"' in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]


def test_without_an_index_about_is_503(sqlite_desk):
    response = sqlite_desk.get("/api/about")
    assert response.status_code == 503 and "error" in response.json()


def test_times_carry_their_zone(desk):
    answer_id = _answered(desk)
    desk.post(f"/api/answers/{answer_id}/expert", json={})
    request = _store(desk).expert_request(answer_id)
    _store(desk).reply_to_expert_request(request.id, "A reply.")
    read = desk.get(f"/api/answers/{answer_id}/expert").json()
    assert read["created_at"].endswith(("+00:00", "Z")) and read["replied_at"].endswith(("+00:00", "Z"))
