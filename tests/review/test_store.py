"""The review store's contract, on SQLite and on PostgreSQL: the queue, the actions and their
audit log, staff accounts, sessions and login throttling, the dashboard and the export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from desk.review.accounts import LoginRefused, LoginThrottled, StaffError
from desk.review.corrections import CorrectionError, cite_by_label
from desk.review.dashboard import dashboard, plots
from desk.review.decisions import NoExpertRequest, NoSuchAnswer
from desk.review.export import write_cases
from desk.review.intake import QueueIntake
from desk.review.models import StaffSessionRecord
from desk.review.queue import ReviewQueue, backlog
from desk.review.schemas import REASONS
from desk.settings import ReviewSettings
from desk.store.models import now
from desk.types import Flag
from tests.review.conftest import PASSWORD, saved


# -- the queue -------------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", list(Flag))
def test_each_flag_puts_the_answer_in_the_queue_with_its_reason(store, queue, flag):
    answer = saved(store, flags=[flag])
    saved(store, question="An answer nothing is wrong with")
    page = queue.page()
    assert [e.answer_id for e in page.entries] == [answer.id]
    assert page.entries[0].reasons == [flag.value] and page.entries[0].status == "pending"
    assert [e.answer_id for e in queue.page(reason=flag.value).entries] == [answer.id]


def test_a_thumbs_down_and_an_expert_request_put_the_answer_in_the_queue(store, queue):
    down, expert, up = (saved(store, question=f"What must deployers do, case {n}?") for n in range(3))
    store.add_feedback(down.id, "down", "Article 26 is missing")
    store.add_expert_request(expert.id, "legal@firm.example", "We use it in hiring")
    store.add_feedback(up.id, "up")
    entries = {e.answer_id: e.reasons for e in queue.page().entries}
    assert entries == {down.id: ["thumbs_down"], expert.id: ["expert_request"]}
    assert [e.answer_id for e in queue.page(reason="thumbs_down").entries] == [down.id]
    item = queue.item(expert.id)
    assert (
        item.feedback[0].email == "legal@firm.example" and item.feedback[0].comment == "We use it in hiring"
    )


def test_every_reason_is_a_flag_or_a_feedback_reason():
    assert set(REASONS) == {f.value for f in Flag} | {"thumbs_down", "expert_request"}


def test_the_queue_filters_by_status_and_search_words(store, queue, decisions):
    first = saved(store, question="Is emotion recognition at work banned?", flags=[Flag.WEAK_RETRIEVAL])
    second = saved(store, question="What is 100% of the fine_cap?", flags=[Flag.UNCITED_CLAIM])
    decisions.reject(first.id, "alice", "wrong provision")
    assert [e.answer_id for e in queue.page(status="pending").entries] == [second.id]
    assert [e.answer_id for e in queue.page(status="rejected").entries] == [first.id]
    assert [e.answer_id for e in queue.page(search="EMOTION").entries] == [first.id]
    assert [e.answer_id for e in queue.page(search="100%").entries] == [second.id]  # % is a character
    assert queue.page(search="fine%cap").total == 0
    assert queue.page(limit=1).total == 2 and len(queue.page(limit=1).entries) == 1


def test_an_item_holds_everything_a_reviewer_weighs(store, queue):
    answer = saved(store, flags=[Flag.QUOTE_NOT_FOUND], role="deployer")
    item = queue.item(answer.id)
    assert (item.question, item.answer, item.backend, item.settings_hash) == (
        answer.question, answer.text, "extractive", "abc123",
    )  # fmt: skip
    assert item.citations[0]["label"] == "Article 26(1)" and item.passages[0]["anchor"] == "art-26.par-1"
    assert item.role == "deployer" and item.status == "pending" and item.decision is None
    assert queue.item("0" * 32) is None


# -- the queue from outside (issue 19) ------------------------------------------------------------
SPELLINGS = (
    "Which AI practices are prohibited?",
    "which ai practices are prohibited",
    "WHICH AI practices, are prohibited?!",
)


def test_the_same_question_asked_again_and_again_is_one_entry_with_a_count(store, queue, decisions):
    answers = [saved(store, question=SPELLINGS[n % 3]) for n in range(6)]
    for answer in answers:
        store.add_feedback(answer.id, "down")
    other = saved(store, question="Which AI practices are allowed?", flags=[Flag.WEAK_RETRIEVAL])
    page = queue.page(status="pending")
    assert page.total == 2 and [(e.answer_id, e.answers) for e in page.entries] == [
        (other.id, 1),
        (answers[-1].id, 6),  # the newest stands for the others
    ]
    with store.engine.connect() as connection:
        assert backlog(connection) == 2
    assert len(queue.item(answers[-1].id).same_question) == 5

    decisions.reject(answers[-1].id, "alice", "wrong article")  # one decision clears the entry
    assert [e.answer_id for e in queue.page(status="pending").entries] == [other.id]
    assert [(e.status, e.answers) for e in queue.page(status="rejected").entries] == [("rejected", 6)]
    assert queue.item(answers[0].id).status == "rejected"
    asked_again = saved(store, question=SPELLINGS[1])  # a later answer to it waits again
    store.add_feedback(asked_again.id, "down")
    pending = {e.answer_id: e.answers for e in queue.page(status="pending").entries}
    assert pending == {asked_again.id: 1, other.id: 1}
    assert dashboard(store.engine).backlog == 2


def test_a_decline_rated_down_is_counted_on_the_dashboard_not_queued(store, queue):
    from desk.types import Scope

    declines = [
        saved(
            store,
            question="Can you recommend a good sourdough starter?",
            declined=True,
            scope=Scope.UNRELATED,
        )
        for _ in range(4)
    ]
    for decline in declines:
        assert store.add_feedback(decline.id, "down", "answer it!").review_reason is None
    gdpr = saved(store, question="How high are GDPR fines?", declined=True, scope=Scope.OTHER_REGIME)
    store.add_feedback(gdpr.id, "down")
    assert queue.page().total == 0
    with store.engine.connect() as connection:
        assert backlog(connection) == 0
    board = dashboard(store.engine)
    assert board.disputed_declines == [
        ("Can you recommend a good sourdough starter?", "unrelated", 4),
        ("How high are GDPR fines?", "other_regime", 1),
    ]
    assert board.flagged_share["thumbs_down"] == 0
    # Someone waits for an expert's reply: that is queued, decline or not.
    store.add_expert_request(gdpr.id, "dpo@firm.example")
    [entry] = queue.page().entries
    assert (entry.answer_id, entry.reasons) == (gdpr.id, ["expert_request"])


def test_beyond_its_share_a_clients_thumbs_down_is_kept_but_queues_nothing(store, queue):
    intake = QueueIntake(store.engine, ReviewSettings(queue_items_per_client=3, queue_window_s=600))
    answers = [saved(store, question=f"Question number {n}?") for n in range(5)]
    stored = [
        store.add_feedback(a.id, "down", admit=lambda: intake.admits("203.0.113.7", now=1000))
        for a in answers
    ]
    assert [f.review_reason for f in stored] == ["thumbs_down"] * 3 + [None] * 2
    assert queue.page().total == 3
    assert [f.rating for a in answers for f in store.feedback(a.id)] == ["down"] * 5  # nothing dropped
    assert intake.admits("198.51.100.2", now=1000)  # another client has its own share
    assert intake.admits("203.0.113.7", now=1600)  # and the next window another
    unlimited = QueueIntake(store.engine, ReviewSettings(queue_items_per_client=0))
    assert all(unlimited.admits("203.0.113.7", now=1000) for _ in range(20))


def test_a_comment_after_a_rating_completes_it_and_is_listed_once(store, queue):
    answer = saved(store)
    first = store.add_feedback(answer.id, "down")
    commented = store.add_feedback(answer.id, "down", "Article 26(2) is missing")
    assert commented.id == first.id and commented.review_reason == "thumbs_down"
    [listed] = queue.item(answer.id).feedback
    assert (listed.rating, listed.comment) == ("down", "Article 26(2) is missing")
    # A change of mind is a new rating; so is a second comment.
    store.add_feedback(answer.id, "up")
    store.add_feedback(answer.id, "up", "Fine after all")
    store.add_feedback(answer.id, "up", "Really fine")
    assert [(f.rating, f.comment) for f in store.feedback(answer.id)] == [
        ("down", "Article 26(2) is missing"), ("up", "Fine after all"), ("up", "Really fine"),
    ]  # fmt: skip


def test_an_item_is_replied_once_staff_answered_its_expert_request(store, queue, decisions):
    answer = saved(store)
    store.add_expert_request(answer.id, "legal@firm.example", "We deploy it in hiring")
    assert queue.item(answer.id).status == "pending"
    decisions.reply(answer.id, "alice", "Article 26 applies.")
    assert queue.item(answer.id).status == "replied"
    assert [e.answer_id for e in queue.page(status="replied").entries] == [answer.id]
    assert queue.page(status="pending").total == 0
    with store.engine.connect() as connection:
        assert backlog(connection) == 0
    store.add_expert_request(answer.id, None, "And Article 27?")  # a new request waits again
    assert queue.item(answer.id).status == "pending"


def test_answers_stored_before_the_grouping_are_grouped_by_the_migration(tmp_path):
    from alembic import command
    from alembic.config import Config

    from desk.store.store import MIGRATIONS, Store

    store = Store(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.execute(text("INSERT INTO conversations (id, created_at) VALUES ('c', '2026-01-01')"))
        for n, question in enumerate(SPELLINGS):
            connection.execute(
                text(
                    "INSERT INTO answers (id, conversation_id, question, text, flags, passages, backend, "
                    "settings_hash, corpus_version, latency_ms, declined, created_at) VALUES "
                    f"('a{n}', 'c', :question, 'x', '[\"weak_retrieval\"]', '[]', 'extractive', 'h', "
                    "'2026-07-27', 1, 0, '2026-01-01')"
                ),
                {"question": question},
            )
    store.migrate()
    [entry] = ReviewQueue(store.engine).page().entries
    assert entry.answers == 3
    store.close()


# -- actions and the audit log -----------------------------------------------------------------------
@pytest.mark.corpus
def test_approve_makes_a_reviewed_answer_and_audits_it(store, queue, decisions, index):
    answer = saved(store, flags=[Flag.WEAK_RETRIEVAL])
    decision = decisions.approve(answer.id, "alice", index, "checked against the OJ")
    assert decision.status == "approved" and decision.text == answer.text
    assert decision.citations[0].anchor == "art-26.par-1"
    assert decision.citations[0].passage_text.startswith("Deployers of high-risk AI systems shall")
    item = queue.item(answer.id)
    assert item.status == "approved" and [e.status for e in queue.page(status="approved").entries] == [
        "approved"
    ]
    (entry,) = item.audit
    assert (entry.actor, entry.action, entry.before) == ("alice", "approve", {"status": "pending"})
    assert entry.after["status"] == "approved" and entry.after["note"] == "checked against the OJ"
    assert [d.answer_id for d in decisions.reviewed()] == [answer.id]


@pytest.mark.corpus
def test_a_correction_replaces_the_text_and_citations_and_audits_before_and_after(
    store, queue, decisions, index
):
    answer = saved(store, flags=[Flag.CITATION_STRIPPED])
    decisions.reject(answer.id, "alice", "cites the wrong paragraph")
    citations = cite_by_label(
        index, ["Art. 26(2)", "Annex III point 4"], "Human oversight [1], for HR tools [2]."
    )
    decision = decisions.correct(
        answer.id, "bob", "Human oversight [1], for HR tools [2].", citations, "fixed"
    )
    assert [c.label for c in decision.citations] == ["Article 26(2)", "Annex III, point 4"]
    item = queue.item(answer.id)
    assert item.status == "corrected" and item.decision.reviewed_by == "bob"
    reject, correct = item.audit
    assert reject.action == "reject" and reject.after["note"] == "cites the wrong paragraph"
    assert correct.action == "correct" and correct.before["status"] == "rejected"
    assert correct.after["text"] == "Human oversight [1], for HR tools [2]."


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("labels", "text", "message"),
    [
        (["Article 26(1)", "Article 126"], "x [1]", "'Article 126' names no provision"),
        (["Artcle 26"], "x", "'Artcle 26' is not a citation"),
        (["Article 26(1)"], "x [1] and [2]", "the text cites [2] but only 1 citation"),
    ],
)
def test_a_correction_citing_what_the_corpus_lacks_is_refused_by_name(index, labels, text, message):
    with pytest.raises(CorrectionError, match=message.replace("(", r"\(").replace("[", r"\[")):
        cite_by_label(index, labels, text)


def test_reject_keeps_the_note_and_takes_an_answer_out_of_the_reviewed(store, queue, decisions):
    answer = saved(store, flags=[Flag.BACKEND_GARBAGE])
    decision = decisions.reject(answer.id, "alice", "quotes a recital as if it bound")
    assert decision.status == "rejected" and decision.note == "quotes a recital as if it bound"
    assert decisions.reviewed() == [] and queue.item(answer.id).audit[0].action == "reject"
    with pytest.raises(NoSuchAnswer):
        decisions.reject("0" * 32, "alice", "no such answer")


def test_a_reply_to_an_expert_request_is_stored_for_the_asker(store, queue, decisions):
    answer = saved(store)
    with pytest.raises(NoExpertRequest):
        decisions.reply(answer.id, "alice", "too early")
    store.add_expert_request(answer.id, None, "Is our chatbot high-risk?")
    decisions.reply(answer.id, "alice", "Not under Annex III; see Article 50 on transparency.")
    request = store.expert_request(answer.id)
    assert request.reply.startswith("Not under Annex III") and request.replied_at is not None
    entry = queue.item(answer.id).audit[0]
    assert (entry.action, entry.before, entry.after["reply"]) == ("reply", {"reply": None}, request.reply)


def test_the_version_of_the_decisions_changes_with_every_decision(store, decisions):
    answer = saved(store, flags=[Flag.STALE])
    empty = decisions.version()
    decisions.reject(answer.id, "alice", "first")
    after_one = decisions.version()
    decisions.reject(answer.id, "alice", "again")
    assert len({empty, after_one, decisions.version()}) == 3


# -- staff ----------------------------------------------------------------------------------------------
def test_staff_are_added_listed_and_removed_with_their_sessions(accounts):
    accounts.add("Alice", PASSWORD, ["admin", "reviewer"])
    accounts.add("bob", PASSWORD, ["reviewer"])
    assert [(m.username, m.roles) for m in accounts.members()] == [
        ("alice", ("reviewer", "admin")),
        ("bob", ("reviewer",)),
    ]
    session = accounts.login("bob", PASSWORD, "192.0.2.1", "api")
    assert accounts.session(session.token, "api").username == "bob"
    assert accounts.session(session.token, "browser") is None  # a token opens only its own kind
    assert accounts.remove("bob") and not accounts.remove("bob")
    assert accounts.session(session.token, "api") is None


@pytest.mark.parametrize(
    ("username", "password", "roles", "message"),
    [
        ("x", PASSWORD, ["reviewer"], "not a username"),
        ("carol", "short", ["reviewer"], "too short"),
        ("carol", PASSWORD, ["owner"], "roles are"),
        ("carol", PASSWORD, [], "roles are"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(accounts, username, password, roles, message):
    with pytest.raises(StaffError, match=message):
        accounts.add(username, password, roles)


def test_the_password_is_stored_as_an_argon2_hash(store, accounts):
    accounts.add("alice", PASSWORD, ["reviewer"])
    with store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM staff").scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    with pytest.raises(StaffError, match="already"):
        accounts.add("alice", PASSWORD, ["reviewer"])


def test_sessions_expire(store, accounts):
    accounts.add("alice", PASSWORD, ["reviewer"])
    session = accounts.login("alice", PASSWORD, None, "browser")
    assert accounts.session(session.token, "browser").csrf_token == session.csrf_token
    with store.engine.begin() as connection:
        connection.execute(update(StaffSessionRecord).values(expires_at=now() - timedelta(seconds=1)))
    assert accounts.session(session.token, "browser") is None


def test_failed_logins_are_throttled_per_account_and_address_and_per_address(accounts):
    accounts.add("alice", PASSWORD, ["reviewer"])
    for _ in range(3):
        with pytest.raises(LoginRefused):
            accounts.login("alice", "wrong password", "192.0.2.1", "api")
    with pytest.raises(LoginThrottled) as throttled:  # even with the right password, from that address
        accounts.login("alice", PASSWORD, "192.0.2.1", "api")
    assert 1 <= throttled.value.retry_after <= 60
    # From any other address the account is open: no one can lock staff out (issue 19).
    assert accounts.login("alice", PASSWORD, "198.51.100.7", "api").username == "alice"
    # One address guessing many accounts is stopped too.
    for name in ("nobody1", "nobody2"):
        with pytest.raises(LoginRefused):
            accounts.login(name, "guess", "192.0.2.1", "api")
    with pytest.raises(LoginThrottled):
        accounts.login("someone-else", "guess", "192.0.2.1", "api")


# -- dashboard and export ------------------------------------------------------------------------
def test_the_dashboard_counts_questions_reasons_backlog_and_thumbs_up(store, decisions):
    flagged = saved(store, flags=[Flag.WEAK_RETRIEVAL, Flag.STALE])
    rated = saved(store, question="Who is a deployer?")  # another question: the rejection covers it not
    saved(store)
    store.add_feedback(rated.id, "down")
    store.add_feedback(rated.id, "up")  # the newest rating counts
    store.add_feedback(flagged.id, "down")
    decisions.reject(flagged.id, "alice", "no")
    board = dashboard(store.engine)
    assert board.questions == 3 and sum(n for _, n in board.questions_per_day) == 3
    assert board.flagged_share["weak_retrieval"] == pytest.approx(1 / 3)
    assert board.flagged_share["thumbs_down"] == pytest.approx(2 / 3)
    assert board.backlog == 1 and board.decided == {"rejected": 1}
    assert board.thumbs_up_rate == pytest.approx(1 / 2) and board.ratings == 2
    svg = plots(board)
    assert all(s.startswith("<svg") and "<script" not in s for s in svg.values())


@pytest.mark.corpus
def test_export_writes_eval_cases_the_eval_reader_loads(store, decisions, index, tmp_path):
    from evals.dataset import load_dataset

    corrected, declined, rejected = (
        saved(store),
        saved(store, declined=True, citations=[], flags=[Flag.OUT_OF_SCOPE]),
        saved(store),
    )
    text = "Deployers shall use high-risk AI systems in accordance with the instructions for use [1]."
    decisions.correct(corrected.id, "alice", text, cite_by_label(index, ["Article 26(1)"], text))
    decisions.approve(declined.id, "alice", index)
    decisions.reject(rejected.id, "alice", "no")
    out = tmp_path / "reviewed.jsonl"
    assert write_cases(decisions.reviewed(), out) == 2
    dataset = load_dataset(out)
    assert dataset.errors == [] and dataset.unresolved(index.anchors()) == []
    by_id = {case.id: case for case in dataset.cases}
    case = by_id[f"reviewed-{corrected.id}"]
    assert case.gold_anchors == ["art-26.par-1"] and case.kind == "reviewed"
    assert case.reference_answer == text.replace(" [1]", "")
    assert by_id[f"reviewed-{declined.id}"].must_decline
    assert json.loads(out.read_text().splitlines()[0])["reviewed_by"] == "alice"
