"""The review side's parts, built once per app from its database and settings, and the staff
actions that join several of them (the API and the pages both call these)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from desk.api.state import DeskState
from desk.review.accounts import ADMIN, StaffAccounts, StaffMember
from desk.review.corrections import cite_by_label
from desk.review.decisions import ReviewDecisions
from desk.review.queue import ReviewQueue
from desk.review.reuse import ReviewedAnswers
from desk.review.schemas import Decision


@dataclass
class ReviewServices:
    desk: DeskState
    accounts: StaffAccounts
    queue: ReviewQueue
    decisions: ReviewDecisions
    reviewed: ReviewedAnswers | None = None

    @classmethod
    def for_desk(cls, desk: DeskState) -> ReviewServices:
        engine = desk.store.engine
        return cls(
            desk, StaffAccounts(engine, desk.settings.review), ReviewQueue(engine), ReviewDecisions(engine)
        )


def review_services(request: Request) -> ReviewServices:
    """The app's review services, made on first use (the database opens in the lifespan)."""
    services = getattr(request.app.state, "review", None)
    if services is None or services.desk is not request.app.state.desk:
        services = request.app.state.review = ReviewServices.for_desk(request.app.state.desk)
    return services


def reviewed_answers(request: Request) -> ReviewedAnswers | None:
    """The reviewed answers /api/chat may serve; None while the desk has no answerer. Made
    again when the answerer is (the desk reopens its index after a failed start)."""
    services = review_services(request)
    answerer = services.desk.answerer
    if answerer is None:
        return None
    if services.reviewed is None or services.reviewed.answerer is not answerer:
        services.reviewed = ReviewedAnswers(services.decisions, answerer, services.desk.settings.review)
    return services.reviewed


class LastAdmin(ValueError):
    pass


def _index(desk: DeskState):
    desk.require_answerer()  # 503 without an index: corrections are checked against it
    return desk.index


def approve(services: ReviewServices, answer_id: str, actor: str, note: str | None) -> Decision:
    return services.decisions.approve(answer_id, actor, _index(services.desk), note)


def correct(
    services: ReviewServices, answer_id: str, actor: str, text: str, labels: list[str], note: str | None
) -> Decision:
    """Check the citations against the corpus (CorrectionError names each bad label), then record."""
    citations = cite_by_label(_index(services.desk), labels, text)
    return services.decisions.correct(answer_id, actor, text, citations, note)


def add_staff(
    accounts: StaffAccounts,
    decisions: ReviewDecisions,
    actor: str,
    username: str,
    password: str,
    roles: list[str],
) -> StaffMember:
    """Add an account, and say so in the audit log."""
    member = accounts.add(username, password, roles)
    decisions.record(actor, "staff_add", subject=member.username, after={"roles": list(member.roles)})
    return member


def remove_staff(accounts: StaffAccounts, decisions: ReviewDecisions, actor: str, username: str) -> bool:
    """Remove an account, never the last admin (no one could manage staff any more); False: none."""
    member = accounts.member(username)
    if member is None:
        return False
    if ADMIN in member.roles and sum(ADMIN in m.roles for m in accounts.members()) == 1:
        raise LastAdmin(f"{username} is the last admin; add another admin first")
    accounts.remove(username)
    decisions.record(actor, "staff_remove", subject=username, before={"roles": list(member.roles)})
    return True


ReviewedDep = Annotated[ReviewedAnswers | None, Depends(reviewed_answers)]
