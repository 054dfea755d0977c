"""Failed logins counted in the database, per account and per client address, so a limit
holds whichever replica a guess reaches (429 with Retry-After)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from desk.review.models import LoginFailureRecord, utc
from desk.settings import ReviewSettings
from desk.store.models import now


class LoginThrottle:
    def __init__(self, engine: Engine, settings: ReviewSettings):
        self.engine = engine
        self.window = timedelta(seconds=settings.login_window_s)
        self.limits = {"user": settings.login_failures_per_user, "ip": settings.login_failures_per_ip}

    @staticmethod
    def keys(username: str, client_ip: str | None) -> list[str]:
        return [f"user:{username.lower()}", *([f"ip:{client_ip}"] if client_ip else [])]

    def retry_after(self, keys: list[str]) -> int | None:
        """Seconds until a login under these keys may be tried again; None: it may now."""
        since = now() - self.window
        waits = []
        with self.engine.connect() as connection:
            for key in keys:
                count, oldest = connection.execute(
                    select(func.count(), func.min(LoginFailureRecord.at)).where(
                        LoginFailureRecord.key == key, LoginFailureRecord.at > since
                    )
                ).one()
                if count >= self.limits[key.split(":", 1)[0]]:
                    waits.append(_seconds_until(utc(oldest) + self.window))
        return max(waits) if waits else None

    def failed(self, keys: list[str]) -> None:
        """Count a failed login; failures older than the window are swept on the way."""
        at = now()
        with self.engine.begin() as connection:
            connection.execute(delete(LoginFailureRecord).where(LoginFailureRecord.at <= at - self.window))
            connection.execute(LoginFailureRecord.__table__.insert(), [{"key": k, "at": at} for k in keys])


def _seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - now()).total_seconds()))
