"""Staff accounts, their logins, and the sessions and tokens a login opens.

Passwords are hashed with argon2id (argon2-cffi). A browser session (cookie, with a CSRF token
for its forms) and an API token (bearer) are the same record of a different kind; only the
token's sha256 is stored, so every replica accepts it and a copy of the table opens nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from desk.review.models import StaffRecord, StaffSessionRecord, utc
from desk.review.throttle import LoginThrottle
from desk.settings import ReviewSettings
from desk.store.models import now

REVIEWER, ADMIN = "reviewer", "admin"
ROLES = (REVIEWER, ADMIN)  # reviewers review; admins manage staff; one account may hold both
MIN_PASSWORD = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_hasher = PasswordHasher()
# Verified against when the account does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class StaffError(ValueError):
    """A staff account cannot be made or changed as asked; the message says why."""


class LoginRefused(Exception):
    """Wrong username or password (which one is not said)."""


class LoginThrottled(Exception):
    """This address has been failing: it waits `retry_after` seconds before it may try again."""

    def __init__(self, retry_after: int, reason: str):
        super().__init__(f"too many failed logins {reason}; try again in {retry_after} s")
        self.retry_after, self.reason = retry_after, reason


@dataclass(frozen=True)
class StaffMember:
    username: str
    roles: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class StaffSession:
    """Who is logged in. `token` is the secret itself, known only when the session is opened."""

    username: str
    roles: tuple[str, ...]
    kind: str
    csrf_token: str
    expires_at: datetime
    token: str | None = None

    def has(self, role: str) -> bool:
        return role in self.roles


class StaffAccounts:
    def __init__(self, engine: Engine, settings: ReviewSettings):
        self.engine = engine
        self.settings = settings
        self.throttle = LoginThrottle(engine, settings)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- accounts --------------------------------------------------------------------------
    def add(self, username: str, password: str, roles: list[str]) -> StaffMember:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise StaffError(
                f"{username!r} is not a username: 2-64 lower-case letters, digits and . _ @ -, "
                "starting with a letter or digit"
            )
        unknown = sorted(set(roles) - set(ROLES))
        if unknown or not roles:
            raise StaffError(f"roles are {' and '.join(ROLES)}; got {', '.join(unknown) or 'none'}")
        if len(password) < MIN_PASSWORD:
            raise StaffError(f"the password is too short: at least {MIN_PASSWORD} characters")
        record = StaffRecord(
            username=username,
            roles=[r for r in ROLES if r in roles],
            password_hash=_hasher.hash(password),
            created_at=now(),
        )
        try:
            with self._sessions.begin() as session:
                session.add(record)
        except IntegrityError as error:
            raise StaffError(f"there is already a staff member {username!r}") from error
        return _member(record)

    def remove(self, username: str) -> bool:
        """Remove an account and end its sessions; False if there was none."""
        with self._sessions.begin() as session:
            session.execute(delete(StaffSessionRecord).where(StaffSessionRecord.username == username))
            return session.execute(delete(StaffRecord).where(StaffRecord.username == username)).rowcount > 0

    def members(self) -> list[StaffMember]:
        with self._sessions() as session:
            return [_member(r) for r in session.scalars(select(StaffRecord).order_by(StaffRecord.username))]

    def member(self, username: str) -> StaffMember | None:
        with self._sessions() as session:
            record = session.get(StaffRecord, username)
            return _member(record) if record else None

    # -- logins and sessions -----------------------------------------------------------------
    def login(self, username: str, password: str, client_ip: str | None, kind: str) -> StaffSession:
        """Check a password and open a session; an address that has been failing waits first
        (desk/review/throttle.py)."""
        username = username.strip().lower()
        if (wait := self.throttle.wait(username, client_ip)) is not None:
            raise LoginThrottled(wait.seconds, wait.reason)
        with self._sessions() as session:
            record = session.get(StaffRecord, username)
        if not _verified(record.password_hash if record else _DUMMY_HASH, password) or record is None:
            self.throttle.failed(username, client_ip)
            raise LoginRefused("wrong username or password")
        self.throttle.succeeded(username, client_ip)
        return self.open_session(username, kind)

    def open_session(self, username: str, kind: str) -> StaffSession:
        token = secrets.token_urlsafe(32)
        record = StaffSessionRecord(
            token_hash=_digest(token),
            username=username,
            kind=kind,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now(),
            expires_at=now() + timedelta(hours=self.settings.session_hours),
        )
        with self._sessions.begin() as session:
            member = session.get(StaffRecord, username)
            if member is None:
                raise StaffError(f"there is no staff member {username!r}")
            session.execute(delete(StaffSessionRecord).where(StaffSessionRecord.expires_at < now()))
            session.add(record)
            return _session(record, member, token)

    def session(self, token: str, kind: str) -> StaffSession | None:
        """The live session of a token, with the account's roles as they are now."""
        with self._sessions() as session:
            found = session.execute(
                select(StaffSessionRecord, StaffRecord)
                .join(StaffRecord, StaffRecord.username == StaffSessionRecord.username)
                .where(StaffSessionRecord.token_hash == _digest(token), StaffSessionRecord.kind == kind)
            ).first()
        if found is None or utc(found[0].expires_at) <= now():
            return None
        return _session(found[0], found[1])

    def end_session(self, token: str) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(StaffSessionRecord).where(StaffSessionRecord.token_hash == _digest(token)))


def _verified(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _member(record: StaffRecord) -> StaffMember:
    return StaffMember(record.username, tuple(record.roles), record.created_at)


def _session(record: StaffSessionRecord, member: StaffRecord, token: str | None = None) -> StaffSession:
    return StaffSession(
        username=member.username,
        roles=tuple(member.roles),
        kind=record.kind,
        csrf_token=record.csrf_token,
        expires_at=utc(record.expires_at),
        token=token,
    )
