"""`desk staff …` and `desk review export` as an operator runs them."""

from __future__ import annotations

from typer.testing import CliRunner

from desk.cli import app
from desk.review.accounts import StaffAccounts
from desk.settings import ReviewSettings
from desk.store import Store
from tests.review.conftest import PASSWORD


def test_the_first_admin_is_made_on_the_command_line(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    monkeypatch.setenv("DESK_DATABASE_URL", url)
    monkeypatch.delenv("DESK_STAFF_PASSWORD", raising=False)
    runner = CliRunner()
    listed = runner.invoke(app, ["staff", "list"])
    assert "no staff yet" in listed.output
    no_password = runner.invoke(app, ["staff", "add", "alice", "--role", "admin"], input="")
    assert no_password.exit_code == 2 and "no password" in no_password.output
    added = runner.invoke(
        app,
        ["staff", "add", "alice", "--role", "admin", "--role", "reviewer", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "added alice (reviewer, admin)" in added.output
    short = runner.invoke(app, ["staff", "add", "bob", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "too short" in short.output
    monkeypatch.setenv("DESK_STAFF_PASSWORD", PASSWORD)
    assert runner.invoke(app, ["staff", "add", "bob"]).exit_code == 0
    assert "bob\treviewer" in runner.invoke(app, ["staff", "list"]).output
    token = runner.invoke(app, ["staff", "token", "bob"]).output.strip()
    store = Store(url)
    assert StaffAccounts(store.engine, ReviewSettings()).session(token, "api").username == "bob"
    last_admin = runner.invoke(app, ["staff", "remove", "alice"])
    assert last_admin.exit_code == 2 and "last admin" in last_admin.output
    assert runner.invoke(app, ["staff", "remove", "bob"]).exit_code == 0
    assert StaffAccounts(store.engine, ReviewSettings()).session(token, "api") is None
    out = tmp_path / "cases.jsonl"
    exported = runner.invoke(app, ["review", "export", "--out", str(out)])
    assert exported.exit_code == 0 and "0 reviewed answers" in exported.output and out.read_text() == ""
    store.close()
