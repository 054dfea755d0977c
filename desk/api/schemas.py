"""What goes in and out of the HTTP API: separate input and output models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from desk.types import Amendment, Authority, Citation, Flag, ProvisionKind


class ChatRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"question": "Is our CV-screening tool high-risk?"}]}
    )

    question: str = Field(min_length=1, max_length=20000, description="The question, in plain words.")
    conversation_id: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{32}$",
        description="Continue this conversation; leave out to start a new one.",
    )


class AnswerOut(BaseModel):
    id: str
    conversation_id: str
    question: str
    text: str
    citations: list[Citation]
    flags: list[Flag]
    declined: bool
    backend: str
    settings_hash: str
    corpus_version: str
    law_as_of: str = Field(description="The date of the law the answer reads, in words.")
    latency_ms: float
    notice: str
    notes: list[str] = Field(description="When each cited provision applies, and which were amended.")


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
    answer: str
    citations: list[Citation]
    flags: list[Flag]
    created_at: str


class ConversationOut(BaseModel):
    id: str
    turns: list[TurnOut]


class Problem(BaseModel):
    """Every error: what went wrong, in words a user can act on."""

    error: str
    detail: list[dict] | None = None
