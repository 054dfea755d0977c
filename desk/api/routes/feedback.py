"""What askers say about an answer: a thumbs up or down with a comment, or a request for a
human expert. A thumbs-down or an expert request puts the answer in the staff review queue
(`Store.review_requests`); the question, answer and passages are already stored with it.

Only the asker may: every route here needs the secret of the answer's conversation
(`X-Conversation-Secret`, desk/api/conversation_access.py), so an answer id alone cannot
overwrite a rating or read an expert's reply."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from desk.api.conversation_access import ConversationSecret, require_answer
from desk.api.schemas import ExpertRequestIn, ExpertRequestOut, FeedbackIn, FeedbackOut, Problem
from desk.api.state import StateDep
from desk.ratelimit import RateLimit
from desk.review.intake import QueueAdmission
from desk.store.store import Feedback

router = APIRouter(prefix="/api/answers", tags=["feedback"])
_ERRORS = {404: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}, 503: {"model": Problem}}


@router.post(
    "/{answer_id}/feedback",
    status_code=201,
    response_model=FeedbackOut,
    responses=_ERRORS,
    dependencies=[RateLimit],
)
def rate(
    answer_id: str,
    feedback: FeedbackIn,
    state: StateDep,
    admit: QueueAdmission,
    secret: ConversationSecret = None,
) -> FeedbackOut:
    """Rate an answer; a thumbs-down sends it to the staff review queue, up to a number per
    client (`needs_review` says whether it did). Every rating is kept, and the newest one of an
    answer counts; a comment sent after a rating completes it."""
    require_answer(state.store, answer_id, secret)
    stored = _found(
        answer_id, state.store.add_feedback(answer_id, feedback.rating, feedback.comment, admit=admit)
    )
    return FeedbackOut(
        id=stored.id,
        answer_id=stored.answer_id,
        rating=stored.rating,
        comment=stored.comment,
        needs_review=stored.review_reason is not None,
        created_at=stored.created_at,
    )


@router.post(
    "/{answer_id}/expert",
    status_code=201,
    response_model=ExpertRequestOut,
    responses=_ERRORS,
    dependencies=[RateLimit],
)
def ask_an_expert(
    answer_id: str, request: ExpertRequestIn, state: StateDep, secret: ConversationSecret = None
) -> ExpertRequestOut:
    """Ask a human expert about an answer; the reply can be read here once staff write it."""
    require_answer(state.store, answer_id, secret)
    return _expert_out(
        _found(answer_id, state.store.add_expert_request(answer_id, request.email, request.comment))
    )


@router.get("/{answer_id}/expert", response_model=ExpertRequestOut, responses=_ERRORS)
def expert_reply(answer_id: str, state: StateDep, secret: ConversationSecret = None) -> ExpertRequestOut:
    """The newest expert request on an answer: pending, or answered with the expert's reply."""
    require_answer(state.store, answer_id, secret)
    found = state.store.expert_request(answer_id)
    if found is None:
        raise HTTPException(404, f"no expert request on answer {answer_id}")
    return _expert_out(found)


def _found(answer_id: str, stored: Feedback | None) -> Feedback:
    if stored is None:
        raise HTTPException(404, f"no answer {answer_id}: feedback needs the id of an answer the desk gave")
    return stored


def _expert_out(stored: Feedback) -> ExpertRequestOut:
    # The asker's email is not echoed: it stays with staff, whoever holds the secret.
    return ExpertRequestOut(
        id=stored.id,
        answer_id=stored.answer_id,
        status="answered" if stored.reply is not None else "pending",
        reply=stored.reply,
        replied_at=stored.replied_at,
        created_at=stored.created_at,
    )
