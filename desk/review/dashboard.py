"""The review dashboard: questions per day, share flagged by reason, backlog, thumbs-up rate,
declines by question and the declines askers rated down (counted here, not queued: issue 19);
with plots drawn by matplotlib as SVG on the server (no script reaches the browser)."""

from __future__ import annotations

import io
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from desk.review.models import ReviewDecisionRecord
from desk.review.queue import asks_for_review, backlog, flagged
from desk.review.schemas import REASONS, Dashboard
from desk.store.models import AnswerRecord, FeedbackRecord, now
from desk.types import Flag

_FLAGS = {flag.value for flag in Flag}
_DECLINED_SHOWN = 10


def dashboard(engine: Engine, days: int = 30) -> Dashboard:
    since = now() - timedelta(days=days)
    day = func.date(AnswerRecord.created_at)
    with engine.connect() as connection:
        per_day = connection.execute(
            select(day, func.count()).where(AnswerRecord.created_at >= since).group_by(day).order_by(day)
        ).all()
        total = connection.scalar(select(func.count()).select_from(AnswerRecord)) or 0
        in_review = {
            reason: connection.scalar(
                select(func.count())
                .select_from(AnswerRecord)
                .where(flagged(reason) if reason in _FLAGS else asks_for_review(reason))
            )
            or 0
            for reason in REASONS
        }
        waiting = backlog(connection)
        decided = dict(
            connection.execute(
                select(ReviewDecisionRecord.status, func.count()).group_by(ReviewDecisionRecord.status)
            ).all()
        )
        declined = dict(
            connection.execute(
                select(AnswerRecord.scope, func.count())
                .where(AnswerRecord.scope.is_not(None), AnswerRecord.created_at >= since)
                .group_by(AnswerRecord.scope)
            ).all()
        )
        asked = func.lower(func.trim(AnswerRecord.question))
        declined_questions = connection.execute(
            select(asked, AnswerRecord.scope, func.count())
            .where(AnswerRecord.scope.is_not(None), AnswerRecord.created_at >= since)
            .group_by(asked, AnswerRecord.scope)
            .order_by(func.count().desc(), asked)
            .limit(_DECLINED_SHOWN)
        ).all()
        disputed_declines = connection.execute(
            select(func.min(AnswerRecord.question), AnswerRecord.scope, func.count())
            .join(FeedbackRecord, FeedbackRecord.answer_id == AnswerRecord.id)
            .where(
                AnswerRecord.scope.is_not(None),
                FeedbackRecord.rating == "down",
                AnswerRecord.created_at >= since,
            )
            .group_by(AnswerRecord.question_key, AnswerRecord.scope)
            .order_by(func.count().desc(), func.min(AnswerRecord.question))
            .limit(_DECLINED_SHOWN)
        ).all()
        ratings = connection.execute(
            select(FeedbackRecord.answer_id, FeedbackRecord.rating)
            .where(FeedbackRecord.kind == "rating")
            .order_by(FeedbackRecord.created_at, FeedbackRecord.id)
        ).all()
    newest = dict(ratings)  # the newest rating of each answer counts
    return Dashboard(
        questions_per_day=[(str(d), n) for d, n in per_day],
        questions=total,
        flagged_share={reason: (n / total if total else 0.0) for reason, n in in_review.items()},
        backlog=waiting,
        decided=decided,
        thumbs_up_rate=(sum(r == "up" for r in newest.values()) / len(newest)) if newest else None,
        ratings=len(newest),
        declined=declined,
        declined_questions=[(question, scope, n) for question, scope, n in declined_questions],
        disputed_declines=[(question, scope, n) for question, scope, n in disputed_declines],
    )


def declined_questions(connection, days: int = 30) -> int:
    """Distinct questions declined in the last `days`, identical questions once."""
    return (
        connection.scalar(
            select(func.count(func.distinct(AnswerRecord.question_key))).where(
                AnswerRecord.scope.is_not(None), AnswerRecord.created_at >= now() - timedelta(days=days)
            )
        )
        or 0
    )


def plots(board: Dashboard) -> dict[str, str]:
    """The dashboard's two plots as SVG markup, redrawn only when the figures change."""
    return {
        "questions_per_day": _bars(tuple(board.questions_per_day), "Questions per day", horizontal=False),
        "flagged_share": _bars(
            tuple((reason, round(share * 100, 1)) for reason, share in board.flagged_share.items()),
            "Answers in review by reason (%)",
            horizontal=True,
        ),
    }


@lru_cache(maxsize=32)
def _bars(points: tuple[tuple[str, float], ...], title: str, horizontal: bool) -> str:
    # The object-oriented API, not pyplot: pyplot keeps global state no two threads may share.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 2.8 if not horizontal else 3.2), dpi=100)
    axes = figure.subplots()
    labels = [label for label, _ in points]
    values = [value for _, value in points]
    if horizontal:
        axes.barh(labels, values, color="#3a5a9b")
        axes.invert_yaxis()
    else:
        axes.bar(labels, values, color="#3a5a9b")
        axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    if not points:
        axes.text(0.5, 0.5, "no questions yet", ha="center", va="center", transform=axes.transAxes)
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    svg = out.getvalue()
    return svg[svg.index("<svg") :]  # inline: without the XML prologue and doctype
