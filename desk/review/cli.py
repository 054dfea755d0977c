"""`desk staff add|remove|list|token` and `desk review export`, added to `desk` as a plugin.

There is no default password: the first admin is made here, with a password typed at the
prompt, piped in (`--password-stdin`) or given in DESK_STAFF_PASSWORD.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from desk.settings import Settings

console = Console()
err = Console(stderr=True, soft_wrap=True)
staff_app = typer.Typer(help="Staff accounts of the review pages and API.", no_args_is_help=True)
review_app = typer.Typer(help="Reviewed answers.", no_args_is_help=True)
PASSWORD_ENV = "DESK_STAFF_PASSWORD"


def register(app: typer.Typer) -> None:
    app.add_typer(staff_app, name="staff")
    app.add_typer(review_app, name="review")


def _store():
    from desk.store import Store

    store = Store(Settings().database_url)
    store.migrate()
    return store


def _fail(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


@staff_app.command("add")
def add(
    username: str = typer.Argument(..., help="Lower-case letters, digits and . _ @ -"),
    role: list[str] = typer.Option(["reviewer"], "--role", help="reviewer or admin; repeat for both."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Add a staff member (the first admin is made this way)."""
    from desk.review.accounts import StaffAccounts, StaffError
    from desk.review.decisions import ReviewDecisions

    password = _password(password_stdin)
    store = _store()
    try:
        member = StaffAccounts(store.engine, Settings().review).add(username, password, role)
        ReviewDecisions(store.engine).record(
            _actor(), "staff_add", subject=member.username, after={"roles": list(member.roles)}
        )
    except StaffError as error:
        _fail(str(error))
    finally:
        store.close()
    console.print(f"added {member.username} ({', '.join(member.roles)})")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        _fail(f"no password: use --password-stdin, set {PASSWORD_ENV}, or run in a terminal")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@staff_app.command("remove")
def remove(username: str = typer.Argument(...)) -> None:
    """Remove a staff member and end their sessions (never the last admin)."""
    from desk.review.accounts import ADMIN, StaffAccounts
    from desk.review.decisions import ReviewDecisions

    store = _store()
    try:
        accounts = StaffAccounts(store.engine, Settings().review)
        member = accounts.member(username)
        if member is None:
            _fail(f"there is no staff member {username!r}")
        if ADMIN in member.roles and sum(ADMIN in m.roles for m in accounts.members()) == 1:
            _fail(f"{username} is the last admin; add another admin first")
        accounts.remove(username)
        ReviewDecisions(store.engine).record(
            _actor(), "staff_remove", subject=username, before={"roles": list(member.roles)}
        )
    finally:
        store.close()
    console.print(f"removed {username}")


@staff_app.command("list")
def list_staff() -> None:
    """The staff members and their roles."""
    from desk.review.accounts import StaffAccounts

    store = _store()
    try:
        members = StaffAccounts(store.engine, Settings().review).members()
    finally:
        store.close()
    for member in members:  # one line each, tab-separated, for scripts as well as eyes
        print(f"{member.username}\t{', '.join(member.roles)}\t{member.created_at:%Y-%m-%d}")
    if not members:
        console.print("no staff yet: desk staff add NAME --role admin")


@staff_app.command("token")
def token(username: str = typer.Argument(...)) -> None:
    """Print a bearer token of the review API for a staff member (for scripts)."""
    from desk.review.accounts import StaffAccounts, StaffError

    store = _store()
    try:
        session = StaffAccounts(store.engine, Settings().review).open_session(username, "api")
    except StaffError as error:
        _fail(str(error))
    finally:
        store.close()
    print(session.token)


@review_app.command("export")
def export(out: Path = typer.Option(..., help="The JSONL file to write.")) -> None:
    """Write reviewed answers (approved, corrected) as eval cases: `desk eval run --dataset FILE`."""
    from desk.review.decisions import ReviewDecisions
    from desk.review.export import write_cases

    store = _store()
    try:
        written = write_cases(ReviewDecisions(store.engine).reviewed(), out)
    finally:
        store.close()
    console.print(f"{written} reviewed answers written to {out}")
