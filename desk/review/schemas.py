"""What the review API takes and gives: separate input and output models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from desk.api.inputs import Input
from desk.store.store import REVIEW_EXPERT_REQUEST, REVIEW_THUMBS_DOWN
from desk.types import Flag

# Why an answer is in the queue: its flags, and feedback asking for a human look.
REASONS: tuple[str, ...] = (*(flag.value for flag in Flag), REVIEW_THUMBS_DOWN, REVIEW_EXPERT_REQUEST)
STATUSES = ("pending", "replied", "approved", "corrected", "rejected")
Status = Literal["pending", "approved", "corrected", "rejected"]  # of a staff decision
# Of an answer in the queue: a decision's, or `replied` once every expert request on it has a reply.
QueueStatus = Literal["pending", "replied", "approved", "corrected", "rejected"]
NOTE_LIMIT = 5000
TEXT_LIMIT = 20000


class ReviewedCitation(BaseModel):
    """A citation of a reviewed answer, with the passage text the reviewer saw."""

    number: int
    anchor: str
    label: str
    passage_id: str
    quote: str | None = None
    passage_text: str = Field(description="The cited passage as the reviewer read it.")


class Decision(BaseModel):
    answer_id: str
    status: Status
    question: str
    text: str
    citations: list[ReviewedCitation]
    role: str | None
    declined: bool
    note: str | None
    reviewed_by: str
    updated_at: datetime


class FeedbackView(BaseModel):
    id: str
    kind: str
    rating: str | None
    comment: str | None
    email: str | None
    review_reason: str | None
    reply: str | None
    replied_at: datetime | None
    created_at: datetime


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    answer_id: str | None
    subject: str | None
    before: dict | None
    after: dict | None


class QueueEntry(BaseModel):
    """One question in the queue: the newest of its answers with this status stands for them all."""

    answer_id: str
    question: str
    reasons: list[str] = Field(description="Why any of the entry's answers is in the queue.")
    status: QueueStatus
    backend: str
    created_at: datetime
    answers: int = Field(
        default=1,
        description="Answers to this question (the same words, whatever their case, spacing or "
        "punctuation) with this status that the entry stands for.",
    )


class QueuePage(BaseModel):
    total: int
    entries: list[QueueEntry]


class ReviewItem(BaseModel):
    """Everything a reviewer needs about one answer, side by side."""

    answer_id: str
    conversation_id: str
    question: str
    answer: str
    citations: list[dict]
    passages: list[dict] = Field(description="The numbered passages the backend saw.")
    flags: list[str]
    reasons: list[str]
    backend: str
    settings_hash: str
    corpus_version: str
    role: str | None
    declined: bool
    latency_ms: float
    created_at: datetime
    status: QueueStatus
    decision: Decision | None
    feedback: list[FeedbackView]
    audit: list[AuditEntry]
    same_question: list[QueueEntry] = Field(
        default_factory=list,
        description="The other answers in the queue to the same question, newest first; a decision "
        "on this answer covers those given before it.",
    )


# -- input -------------------------------------------------------------------------------------
class _Input(Input):
    model_config = ConfigDict(extra="forbid")


class ApproveIn(_Input):
    note: str | None = Field(default=None, max_length=NOTE_LIMIT)


class CorrectIn(_Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "text": "Deployers must use the system in accordance with its instructions for use [1].",
                    "citations": ["Article 26(1)"],
                }
            ]
        },
    )

    text: str = Field(
        min_length=1, max_length=TEXT_LIMIT, description="The answer; [n] cites citations[n-1]."
    )
    citations: list[str] = Field(
        default_factory=list, max_length=20, description="Provisions by label, e.g. 'Article 26(1)'."
    )
    note: str | None = Field(default=None, max_length=NOTE_LIMIT)


class RejectIn(_Input):
    note: str = Field(min_length=1, max_length=NOTE_LIMIT, description="Why the answer is wrong.")


class ReplyIn(_Input):
    reply: str = Field(min_length=1, max_length=TEXT_LIMIT, description="The expert's reply, for the asker.")


class LoginIn(_Input):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    username: str
    roles: list[str]
    expires_at: datetime


class StaffIn(_Input):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    roles: list[Literal["reviewer", "admin"]] = Field(min_length=1)


class StaffOut(BaseModel):
    username: str
    roles: list[str]
    created_at: datetime


class Dashboard(BaseModel):
    questions_per_day: list[tuple[str, int]] = Field(description="(YYYY-MM-DD, questions), oldest first.")
    questions: int
    flagged_share: dict[str, float] = Field(description="Share of all answers in the queue for each reason.")
    backlog: int = Field(
        description="Questions in the queue no one has decided yet; identical questions count once."
    )
    decided: dict[str, int]
    thumbs_up_rate: float | None = Field(description="Up among the newest rating of each rated answer.")
    ratings: int
    declined: dict[str, int] = Field(
        default_factory=dict,
        description="Questions not answered from the AI Act, by why (`other_regime`, `unrelated`): "
        "counted here, not queued for review.",
    )
    declined_questions: list[tuple[str, str, int]] = Field(
        default_factory=list,
        description="The most asked of them in the period: (question, why, times asked), the same "
        "question in any case and spacing counted once.",
    )
    disputed_declines: list[tuple[str, str, int]] = Field(
        default_factory=list,
        description="Declines askers rated down, the most disputed first: (question, why, thumbs-down), "
        "identical questions counted together. Not queued: many of one question here may mean the "
        "desk declines a question it should answer.",
    )
