"""Questions in, cited answers out: at once (JSON) or as they are written (server-sent events)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response, StreamingResponse

from desk.answering.answerer import StreamEvent
from desk.api.conversation_access import (
    ConversationSecret,
    issue_secret,
    require_conversation,
)
from desk.api.schemas import AnswerOut, ChatRequest, ConversationOut, Problem, TurnOut
from desk.api.state import DeskState, StateDep
from desk.ratelimit import RateLimit
from desk.review.reuse import STAFF_REVIEW
from desk.review.services import ReviewedDep
from desk.types import Answer, Role

router = APIRouter(prefix="/api", tags=["chat"])
_ERRORS = {404: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}, 503: {"model": Problem}}


def law_as_of(version: str) -> str:
    try:
        return "law as of " + date.fromisoformat(version).strftime("%-d %B %Y")
    except ValueError:
        return f"law as of {version}"


def answer_out(answer: Answer, conversation_secret: str | None = None) -> AnswerOut:
    return AnswerOut(
        **answer.model_dump(exclude={"passages"}),
        law_as_of=law_as_of(answer.corpus_version),
        reviewed=answer.backend == STAFF_REVIEW,
        conversation_secret=conversation_secret,
    )


@dataclass(frozen=True)
class _Conversation:
    """The conversation a question is asked in, and its turns so far."""

    id: str
    history: list[tuple[str, str]]
    # Issued when the question starts the conversation: the secret goes back to the asker
    # once, in this response, and the desk keeps only its hash.
    secret: str | None = None
    secret_hash: str | None = None


def _prepare(state: DeskState, request: ChatRequest, secret: str | None) -> tuple[str, _Conversation]:
    """The question checked against the settings, and its conversation: a new one, or the one
    `conversation_id` names and `secret` opens, with its turns so far."""
    # Counted as sent, as the schema's `maxLength` counts it.
    limit = state.settings.answering.max_question_chars
    if len(request.question) > limit:
        raise HTTPException(
            422, f"the question is {len(request.question)} characters long; the limit is {limit}"
        )
    question = " ".join(request.question.split())
    if not question:
        raise HTTPException(422, "the question is empty")
    state.require_answerer()
    if request.conversation_id is None:
        new_secret, new_hash = issue_secret()
        return question, _Conversation(uuid.uuid4().hex, [], new_secret, new_hash)
    require_conversation(state.store, request.conversation_id, secret)
    answering = state.settings.answering
    found = state.store.recent_turns(request.conversation_id, answering.context_turns)
    if found is None:  # opened a moment ago, so only a database emptied meanwhile gets here
        raise HTTPException(
            404, f"no conversation {request.conversation_id}: leave conversation_id out to start one"
        )
    turns, total = found
    if total >= answering.max_turns:
        raise HTTPException(
            422,
            f"this conversation has reached {answering.max_turns} questions: "
            "leave conversation_id out to start a new one",
        )
    history = [(t.question, t.answer) for t in turns]
    return question, _Conversation(request.conversation_id, history)


@router.post("/chat", response_model=AnswerOut, responses=_ERRORS, dependencies=[RateLimit])
def chat(
    request: ChatRequest, state: StateDep, reviewed: ReviewedDep, secret: ConversationSecret = None
) -> Response:
    """Answer a question from the official texts, citing the provisions. A new conversation's
    answer carries its `conversation_secret`, once: send it as `X-Conversation-Secret` with
    `conversation_id` to ask a follow-up."""
    question, conversation = _prepare(state, request, secret)
    answer = _reviewed(reviewed, question, conversation.id, conversation.history, request.role)
    answer = answer or state.require_answerer().answer(
        question, conversation_id=conversation.id, history=conversation.history, role=request.role
    )
    state.store.save(answer, conversation.secret_hash)
    state.metrics.observe(answer)
    # Serialised once, here: the AnswerOut is built from checked types, validating it again
    # on the way out would only cost time on every question.
    out = answer_out(answer, conversation.secret)
    return Response(out.model_dump_json(), media_type="application/json")


@router.post(
    "/chat/stream",
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}, **_ERRORS},
    dependencies=[RateLimit],
)
def chat_stream(
    request: ChatRequest, state: StateDep, reviewed: ReviewedDep, secret: ConversationSecret = None
) -> StreamingResponse:
    """The answer as it is written: `meta` (the conversation's id, and its
    `conversation_secret` when this question starts it), `lead` (the direct answer, composed
    and checked before the rest is written), then `delta` events (the whole text, lead first),
    `reset` if the backend failed mid-way and the fallback starts over, then `final` with the
    checked answer."""
    question, conversation = _prepare(state, request, secret)
    return StreamingResponse(
        _events(state, question, conversation, request.role, reviewed),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _events(
    state: DeskState, question: str, conversation: _Conversation, role: Role | None, reviewed=None
) -> Iterator[str]:
    meta = {"conversation_id": conversation.id}
    if conversation.secret is not None:
        meta["conversation_secret"] = conversation.secret
    yield _sse("meta", meta)
    conversation_id, history = conversation.id, conversation.history
    try:
        if (answer := _reviewed(reviewed, question, conversation_id, history, role)) is not None:
            events = [
                StreamEvent("lead", answer.lead),
                StreamEvent("delta", answer.text),
                StreamEvent("final", answer=answer),
            ]
        else:
            events = state.require_answerer().stream(
                question, conversation_id=conversation_id, history=history, role=role
            )
        for event in events:
            if event.kind == "final":
                state.store.save(event.answer, conversation.secret_hash)
                state.metrics.observe(event.answer)
                final = answer_out(event.answer, conversation.secret)
                yield _sse("final", final.model_dump(mode="json"))
            else:
                yield _sse(event.kind, {"text": event.text})
    except Exception as error:  # the stream has begun: report in-band, never a bare disconnect
        yield _sse("error", {"error": f"the answer failed: {type(error).__name__}; please retry"})


def _reviewed(reviewed, question, conversation_id, history, role: Role | None) -> Answer | None:
    """Staff's reviewed answer when the question is a near-duplicate of a reviewed one (issue 7)."""
    if reviewed is None:
        return None
    return reviewed.answer_for(question, conversation_id=conversation_id, role=role, history=history)


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get("/conversations/{conversation_id}", response_model=ConversationOut, responses=_ERRORS)
def conversation(conversation_id: str, state: StateDep, secret: ConversationSecret = None) -> ConversationOut:
    """A conversation's questions and answers, in order; its secret opens it."""
    require_conversation(state.store, conversation_id, secret)
    turns = state.store.turns(conversation_id)
    if turns is None:
        raise HTTPException(404, f"no conversation {conversation_id}")
    # Stored citations keep what was cited; what they link to is read from the index again.
    link = state.answerer.link if state.answerer else (lambda citation: citation)
    return ConversationOut(
        id=conversation_id,
        turns=[_turn_out(turn, link) for turn in turns],
    )


def _turn_out(turn, link) -> TurnOut:
    fields = {**vars(turn), "citations": [link(c) for c in turn.citations]}
    return TurnOut(**fields, law_as_of=law_as_of(fields.pop("corpus_version")))
