"""What goes in and out of the HTTP API: separate input and output models."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from desk.api.inputs import Input
from desk.types import Amendment, Authority, Citation, Flag, ProvisionKind, Role, Scope


class ChatRequest(Input):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"question": "Is our CV-screening tool high-risk?"}]}
    )

    # Its longest length is the settings' (`answering.max_question_chars`), checked by the route
    # and stated in the schema as `maxLength` (desk/api/openapi.py): one figure for both.
    question: str = Field(
        min_length=1,
        description="The question, in plain words; at least one character that is not a space.",
        # Not only spaces, and no NUL (desk/api/inputs.py); \x1c-\x1f are spaces to Python.
        json_schema_extra={"pattern": "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f][^\\u0000]*$"},
    )
    conversation_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{32}$",
        description="Continue this conversation, sending its secret as `X-Conversation-Secret`; "
        "leave out to start a new one.",
    )
    role: Role | None = Field(
        default=None,
        description="The asker's role; answers on duties then cite that role's provisions. "
        "Leave out to let the desk recognise it from the question.",
    )


class AnswerOut(BaseModel):
    id: str
    conversation_id: str
    conversation_secret: str | None = Field(
        default=None,
        description="Given once, with the answer that starts a conversation (null on follow-ups): "
        "send it as `X-Conversation-Secret` to read the conversation, continue it or rate its "
        "answers. The desk keeps only a hash of it and cannot give it again.",
    )
    question: str
    lead: str = Field(
        description="The direct answer: one to four sentences, each citing its passages as [n] "
        "(the verdict, the date, the amount, the duty). Every date, amount and provision in it "
        "stands in, or is named by, a passage it cites."
    )
    text: str = Field(
        description="The whole answer as read: the lead, then 'What the law says:' and the cited "
        "passages quoted whole ([n] refers to `citations[].number`)."
    )
    citations: list[Citation]
    flags: list[Flag]
    declined: bool
    scope: Scope | None = Field(
        default=None,
        description="Why the question was not answered from the AI Act: `other_regime` (another law: "
        "named, with the AI Act provisions that touch it) or `unrelated` (another subject).",
    )
    backend: str
    settings_hash: str
    corpus_version: str
    law_as_of: str = Field(description="The date of the law the answer reads, in words.")
    latency_ms: float
    notice: str
    notes: list[str] = Field(description="When each cited provision applies, and which were amended.")
    role: Role | None = Field(description="The asker's role, as given or recognised from the question.")
    role_source: Literal["given", "question", "conversation"] | None = Field(
        default=None,
        description="Where `role` came from: the request, the question's own words, or an earlier "
        "question this follow-up leans on. A role read from the question can be changed by sending `role`.",
    )
    clarify: str | None = Field(description="A question back to the asker, when the answer depends on it.")
    reviewed: bool = Field(
        default=False,
        description="The answer staff reviewed for a near-identical question, served again (backend "
        "`staff-review`); its citations were checked against the law as now served.",
    )


class ReferenceOut(BaseModel):
    text: str
    anchor: str | None
    label: str | None


class ProvisionOut(BaseModel):
    anchor: str
    label: str
    kind: ProvisionKind
    text: str
    heading_path: list[str]
    authority: Authority
    source_id: str
    version: str
    deep_link: str
    amended_by: str | None
    amendment: Amendment | None
    references: list[ReferenceOut]
    other_versions: list[str] = Field(description="Source ids of other versions of this provision.")


class TurnOut(BaseModel):
    answer_id: str
    question: str
    lead: str = Field(default="", description="The direct answer, as in `AnswerOut.lead`.")
    answer: str
    citations: list[Citation]
    flags: list[Flag]
    created_at: str
    notes: list[str] = Field(description="When each cited provision applies, amendments, whose duties.")
    role: Role | None
    role_source: str | None = None
    scope: Scope | None = None
    clarify: str | None
    law_as_of: str


class ConversationOut(BaseModel):
    id: str
    turns: list[TurnOut]


class Problem(BaseModel):
    """Every error: what went wrong, in words a user can act on."""

    error: str
    detail: list[dict] | None = None


class VersionOut(BaseModel):
    source_id: str
    version: str = Field(description="ISO date of the text's version.")
    text: str
    deep_link: str
    amendment: Amendment | None = Field(description="What the amending act did, where it marks one.")


class ChangeOut(BaseModel):
    op: str = Field(description="`equal`, `deleted` (only before) or `inserted` (only in force).")
    text: str


class ProvisionHistoryOut(BaseModel):
    anchor: str
    label: str
    changed: bool
    amended_by: str | None
    before: VersionOut | None = Field(description="As published in the OJ (2024); null: inserted since.")
    in_force: VersionOut | None = Field(description="The consolidated text in force.")
    changes: list[ChangeOut] = Field(description="Word by word, from the version before to the one in force.")


class AmendedOut(BaseModel):
    anchor: str
    label: str
    amendment: Amendment | None
    amended_by: str


# Feedback from the widget (issue 6), read by the staff review queue (issue 7).
# The shape of an address (only a mail server can say it works), or only spaces: no address.
# One pattern for the desk (Python) and the schema (ECMA/Rust engines), so both read a field
# alike: Python counts \x1c-\x1f as spaces, the others do not, so they are named.
_SPACE = r"[\s\u001c-\u001f]"
_NAME = r"[^@\s\u0000\u001c-\u001f]+"
EMAIL_FIELD = rf"^{_SPACE}*(?:{_NAME}@{_NAME}\.{_NAME})?{_SPACE}*$"
COMMENT_LIMIT = 5000


class FeedbackIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"rating": "down", "comment": "Article 26 is missing."}]},
    )

    rating: Literal["up", "down"] = Field(
        description="A thumbs-down sends the answer to the staff review queue."
    )
    comment: str | None = Field(default=None, max_length=COMMENT_LIMIT, description="Kept whole, as written.")


class FeedbackOut(BaseModel):
    id: str
    answer_id: str
    rating: Literal["up", "down"]
    comment: str | None
    needs_review: bool = Field(
        description="True when the feedback put the answer in the review queue. A thumbs-down on a "
        "declined question is counted, not queued, and so is one beyond the share of the queue one "
        "client may fill (`DESK_REVIEW__QUEUE_ITEMS_PER_CLIENT`)."
    )
    created_at: datetime


class ExpertRequestIn(Input):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"email": "legal@firm.example", "comment": "We use it in hiring."}]},
    )

    email: str | None = Field(
        default=None,
        max_length=320,
        description="Where the asker may be contacted; optional (empty: none).",
        json_schema_extra={"pattern": EMAIL_FIELD},
    )
    comment: str | None = Field(default=None, max_length=COMMENT_LIMIT, description="Kept whole, as written.")

    @field_validator("email")
    @classmethod
    def _an_address(cls, email: str | None) -> str | None:
        if email is None:
            return None
        if not re.fullmatch(EMAIL_FIELD, email):
            raise ValueError("the email address is not valid (name@domain.example), or leave it out")
        return email.strip() or None  # an empty field in a form means "no address"


class ExpertRequestOut(BaseModel):
    id: str
    answer_id: str
    status: Literal["pending", "answered"]
    reply: str | None = Field(description="The expert's reply, once staff have written it.")
    replied_at: datetime | None
    created_at: datetime
