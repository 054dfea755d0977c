"""The review API and pages through the real app: the real index of the official texts, the
real model, SQLite; staff made as `desk staff add` makes them."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from desk.api.app import create_app
from desk.review.accounts import StaffAccounts
from desk.review.models import ReviewDecisionRecord
from desk.settings import ReviewSettings
from desk.store.models import now
from tests.conftest import secret_of
from tests.review.conftest import PASSWORD

pytestmark = pytest.mark.corpus

DEPLOYERS = "What are the obligations of deployers of high-risk AI systems?"
REPHRASED = "What obligations do deployers of high-risk AI systems have?"  # similarity 0.99
PROVIDERS = "What are the obligations of providers of high-risk AI systems?"  # similarity 0.86
OUT_OF_SCOPE = "How high are GDPR fines for a data breach?"
# Routes anyone may call: how staff log in.
OPEN = {("POST", "/api/review/login"), ("GET", "/review/login"), ("POST", "/review/login")}
# Routes any logged-in staff member may call, whatever their role.
ANY_STAFF = {("POST", "/api/review/logout"), ("GET", "/api/review/me"), ("POST", "/review/logout")}


@pytest.fixture(scope="module")
def app_and_client(corpus_settings, tmp_path_factory):
    database = tmp_path_factory.mktemp("review-api") / "desk.sqlite3"
    review = ReviewSettings(
        reuse_refresh_s=0, login_failures_before_wait=3, login_first_wait_s=60, login_failures_per_ip=50
    )
    settings = corpus_settings.model_copy(update={"database_url": f"sqlite:///{database}", "review": review})
    app = create_app(settings)
    with TestClient(app) as client:
        accounts = StaffAccounts(app.state.desk.store.engine, review)
        accounts.add("rita", PASSWORD, ["reviewer"])
        accounts.add("adam", PASSWORD, ["admin"])
        yield app, client


@pytest.fixture(scope="module")
def client(app_and_client):
    return app_and_client[1]


@pytest.fixture(scope="module")
def accounts(app_and_client):
    app = app_and_client[0]
    return StaffAccounts(app.state.desk.store.engine, app.state.desk.settings.review)


def _bearer(accounts, username: str) -> dict:
    return {"Authorization": f"Bearer {accounts.open_session(username, 'api').token}"}


@pytest.fixture(scope="module")
def reviewer(accounts) -> dict:
    return _bearer(accounts, "rita")


@pytest.fixture(scope="module")
def admin(accounts) -> dict:
    return _bearer(accounts, "adam")


def _ask(client, question: str, headers: dict | None = None, **body) -> dict:
    response = client.post("/api/chat", json={"question": question, **body}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _review_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) under /api/review and /review, however the routers are nested."""

    def walk(routes):
        for route in routes:
            if hasattr(route, "effective_route_contexts"):  # an included router (FastAPI 0.165)
                yield from walk(route.effective_route_contexts())
            elif getattr(route, "methods", None):
                yield from ((method, route.path) for method in route.methods if method != "HEAD")

    found = {
        (method, path)
        for method, path in walk(app.routes)
        if path.startswith(("/api/review/", "/review/")) or path in ("/api/review", "/review")
    }
    return sorted(found)


# -- who may call what ------------------------------------------------------------------------------
def test_every_review_route_refuses_anonymous_and_underprivileged_calls(app_and_client, accounts):
    app, client = app_and_client
    routes = _review_routes(app)
    assert (
        len(routes) >= 25
        and ("GET", "/review") in routes
        and ("DELETE", "/api/review/staff/{username}") in routes
    )
    reviewer, admin = accounts.open_session("rita", "browser"), accounts.open_session("adam", "browser")
    api = {"rita": _bearer(accounts, "rita"), "adam": _bearer(accounts, "adam")}
    for method, path in routes:
        if (method, path) in OPEN:
            continue
        url = path.replace("{answer_id}", "0" * 32).replace("{username}", "nobody")
        page = not path.startswith("/api/")
        anonymous = client.request(method, url, json={} if not page else None)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        if (method, path) in ANY_STAFF:
            continue
        statuses = []
        for who, session in (("rita", reviewer), ("adam", admin)):
            if page:
                client.cookies.set("desk_review_session", session.token, path="/review")
                response = client.request(
                    method, url, data={"csrf": session.csrf_token} if method == "POST" else None
                )
                client.cookies.clear()
            else:
                response = client.request(method, url, json={}, headers=api[who])
            statuses.append(response.status_code)
        # Exactly one of the two roles is refused: reviewers review, admins manage staff.
        assert statuses.count(403) == 1, (method, path, statuses)


def test_api_login_gives_a_token_and_is_throttled(client):
    response = client.post("/api/review/login", json={"username": "rita", "password": PASSWORD})
    assert response.status_code == 200, response.text
    token = response.json()["token"]
    me = client.get("/api/review/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["reviewer"]
    assert client.post("/api/review/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert client.get("/api/review/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    for _ in range(3):
        wrong = client.post("/api/review/login", json={"username": "adam", "password": "not it"})
        assert wrong.status_code == 401 and wrong.json() == {"error": "wrong username or password"}
    throttled = client.post("/api/review/login", json={"username": "adam", "password": PASSWORD})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    assert "too many failed logins" in throttled.json()["error"]


# -- the queue through the API ---------------------------------------------------------------------
def test_a_thumbs_down_reaches_the_queue_and_a_decline_does_not_even_rated_down(client, reviewer):
    declined = _ask(client, OUT_OF_SCOPE)
    assert declined["declined"] and declined["scope"] == "other_regime" and declined["flags"] == []
    disputed = _ask(client, "Can you recommend a good sourdough starter?")
    assert disputed["declined"]
    down = {"rating": "down"}
    assert (
        client.post(f"/api/answers/{disputed['id']}/feedback", json=down, headers=secret_of(disputed))
    ).status_code == 201
    rated = _ask(client, "Which AI practices are prohibited?")
    commented = {"rating": "down", "comment": "too long"}
    assert (
        client.post(f"/api/answers/{rated['id']}/feedback", json=commented, headers=secret_of(rated))
    ).status_code == 201
    queue = client.get("/api/review/items", params={"status": "pending"}, headers=reviewer).json()
    reasons = {e["answer_id"]: e["reasons"] for e in queue["entries"]}
    # Declines are counted on the dashboard (issue 16), rated down or not: else anyone could fill
    # the queue with them (issue 19). The dashboard lists the disputed ones by question.
    assert declined["id"] not in reasons and disputed["id"] not in reasons
    board = client.get("/api/review/dashboard", headers=reviewer).json()
    assert ["Can you recommend a good sourdough starter?", "unrelated", 1] in board["disputed_declines"]
    assert "thumbs_down" in reasons[rated["id"]]
    item = client.get(f"/api/review/items/{rated['id']}", headers=reviewer).json()
    assert item["feedback"][0]["comment"] == "too long" and item["passages"] and item["settings_hash"]
    bad = client.get("/api/review/items", params={"reason": "bored"}, headers=reviewer)
    assert bad.status_code == 422 and "reason" in bad.json()["error"]
    assert client.get(f"/api/review/items/{'f' * 32}", headers=reviewer).status_code == 404


def test_a_bad_citation_label_is_a_422_that_names_it(client, reviewer):
    answer = _ask(client, "What is a deployer?")
    response = client.post(
        f"/api/review/items/{answer['id']}/correct",
        json={"text": "Deployers use AI systems [1].", "citations": ["Article 3(4)", "Article 999(1)"]},
        headers=reviewer,
    )
    assert response.status_code == 422
    assert response.json()["error"] == (
        "the correction was not saved: 'Article 999(1)' names no provision in the corpus the desk answers from"
    )
    empty = client.post(f"/api/review/items/{answer['id']}/reject", json={"note": ""}, headers=reviewer)
    assert empty.status_code == 422 and "note" in empty.json()["error"]


# -- corrections feed back --------------------------------------------------------------------------
def test_a_correction_is_served_for_a_near_duplicate_and_not_for_a_different_question(
    app_and_client, reviewer
):
    app, client = app_and_client
    original = _ask(client, DEPLOYERS, role="deployer")
    text = "Deployers must use the system in line with its instructions for use [1] and assign human oversight [2]."
    corrected = client.post(
        f"/api/review/items/{original['id']}/correct",
        json={"text": text, "citations": ["Article 26(1)", "Art. 26(2)"], "note": "shorter"},
        headers=reviewer,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["status"] == "corrected"

    served = _ask(client, REPHRASED)
    assert served["reviewed"] and served["backend"] == "staff-review" and served["text"] == text
    assert [c["label"] for c in served["citations"]] == ["Article 26(1)", "Article 26(2)"]
    assert all(c["deep_link"].startswith("https://eur-lex.europa.eu") for c in served["citations"])
    assert any(n.startswith("Reviewed by the desk's staff") for n in served["notes"])
    assert served["id"] != original["id"]
    record = client.get(f"/api/conversations/{served['conversation_id']}", headers=secret_of(served))
    assert record.json()["turns"][0]["answer"] == text

    streamed = client.post("/api/chat/stream", json={"question": REPHRASED})
    final = re.search(r"event: final\ndata: (.*)\n", streamed.text).group(1)
    assert '"reviewed": true' in final and "instructions for use [1]" in final

    other = _ask(client, PROVIDERS)
    assert not other["reviewed"] and other["backend"] == "extractive"
    # A follow-up leans on its conversation: it is answered afresh.
    follow_up = _ask(client, REPHRASED, conversation_id=other["conversation_id"], headers=secret_of(other))
    assert not follow_up["reviewed"]
    # Reviewed for deployers: not served to an asker who says they are a provider.
    assert not _ask(client, REPHRASED, role="provider")["reviewed"]

    # Reviewed on a text the corpus no longer has (as after a new corpus changed Article 26): not served.
    with app.state.desk.store.engine.begin() as connection:
        connection.execute(
            update(ReviewDecisionRecord)
            .where(ReviewDecisionRecord.answer_id == original["id"])
            .values(
                citations=[
                    {**c, "passage_text": "what it said before"} for c in corrected.json()["citations"]
                ],
                updated_at=now(),
            )
        )
    assert not _ask(client, REPHRASED)["reviewed"]


def test_an_approved_answer_is_served_until_it_is_rejected(client, reviewer):
    original = _ask(client, "Which AI practices are prohibited under the AI Act?")
    approved = client.post(f"/api/review/items/{original['id']}/approve", json={}, headers=reviewer)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    served = _ask(client, "Which AI practices does the AI Act prohibit?")
    assert served["reviewed"] and served["text"] == original["text"]
    rejected = client.post(
        f"/api/review/items/{original['id']}/reject", json={"note": "too broad"}, headers=reviewer
    )
    assert rejected.json()["status"] == "rejected"
    assert not _ask(client, "Which AI practices does the AI Act prohibit?")["reviewed"]
    audit = client.get("/api/review/audit", params={"answer_id": original["id"]}, headers=reviewer).json()
    assert [(e["action"], e["actor"]) for e in audit] == [("reject", "rita"), ("approve", "rita")]
    assert audit[0]["before"]["status"] == "approved" and audit[0]["after"]["note"] == "too broad"


def test_a_reply_reaches_the_asker(client, reviewer):
    answer = _ask(client, "Is a chatbot on our website a high-risk AI system?")
    assert (
        client.post(
            f"/api/review/items/{answer['id']}/reply", json={"reply": "Not yet."}, headers=reviewer
        ).status_code
        == 404
    )
    asker = secret_of(answer)
    client.post(f"/api/answers/{answer['id']}/expert", json={"email": "a@firm.example"}, headers=asker)
    replied = client.post(
        f"/api/review/items/{answer['id']}/reply", json={"reply": "Article 50 applies."}, headers=reviewer
    )
    assert replied.status_code == 200, replied.text
    read = client.get(f"/api/answers/{answer['id']}/expert", headers=asker).json()
    assert read["status"] == "answered" and read["reply"] == "Article 50 applies."


def test_dashboard_export_and_staff_management(client, reviewer, admin):
    board = client.get("/api/review/dashboard", headers=reviewer).json()
    assert board["questions"] > 0 and board["backlog"] > 0 and "out_of_scope" in board["flagged_share"]
    exported = client.get("/api/review/export", headers=reviewer)
    assert exported.status_code == 200 and all(
        line.startswith('{"id": "reviewed-') for line in exported.text.splitlines()
    )
    added = client.post(
        "/api/review/staff",
        json={"username": "carol", "password": PASSWORD, "roles": ["reviewer"]},
        headers=admin,
    )
    assert added.status_code == 201 and added.json()["roles"] == ["reviewer"]
    again = client.post(
        "/api/review/staff",
        json={"username": "carol", "password": PASSWORD, "roles": ["reviewer"]},
        headers=admin,
    )
    assert again.status_code == 409
    assert (
        client.post(
            "/api/review/staff",
            json={"username": "dave", "password": "short", "roles": ["reviewer"]},
            headers=admin,
        ).status_code
        == 422
    )
    assert client.delete("/api/review/staff/carol", headers=admin).status_code == 204
    assert client.delete("/api/review/staff/carol", headers=admin).status_code == 404
    assert client.delete("/api/review/staff/adam", headers=admin).status_code == 409  # the last admin
    assert "/api/review/items/{answer_id}/correct" in client.get("/openapi.json").json()["paths"]


# -- the pages -----------------------------------------------------------------------------------------
def test_the_pages_log_in_show_the_queue_and_keep_a_refused_correction(client):
    anonymous = client.get("/review")
    assert anonymous.status_code == 401 and 'name="password"' in anonymous.text
    wrong = client.post("/review/login", data={"username": "rita", "password": "nope"})
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    foreign = client.post(
        "/review/login",
        data={"username": "rita", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    logged_in = client.post(
        "/review/login", data={"username": "rita", "password": PASSWORD}, follow_redirects=False
    )
    assert logged_in.status_code == 303
    cookie = logged_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/review" in cookie
    queue = client.get("/review")
    assert queue.status_code == 200 and "<svg" in queue.text and "<script" not in queue.text
    assert "default-src 'none'" in queue.headers["content-security-policy"]
    answer_id = re.search(r'href="/review/items/([0-9a-f]{32})"', queue.text).group(1)
    item = client.get(f"/review/items/{answer_id}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', item.text).group(1)
    typed = "My careful correction <b>with markup</b> [1]"
    refused = client.post(
        f"/review/items/{answer_id}/correct", data={"csrf": csrf, "text": typed, "citations": "Article 999"}
    )
    assert refused.status_code == 422 and "Article 999" in refused.text
    assert "My careful correction &lt;b&gt;with markup&lt;/b&gt; [1]" in refused.text  # kept, escaped
    forged = client.post(f"/review/items/{answer_id}/approve", data={"csrf": "forged"})
    assert forged.status_code == 403
    saved = client.post(
        f"/review/items/{answer_id}/correct",
        data={"csrf": csrf, "text": "Fixed [1]", "citations": "Article 26(1)"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert 'id="status">corrected' in client.get(f"/review/items/{answer_id}").text
    assert client.get("/review/staff").status_code == 403  # rita reviews; she does not manage staff
    client.post("/review/logout", data={"csrf": csrf})
    assert client.get("/review").status_code == 401
