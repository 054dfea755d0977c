"""The data that travels one way, from ingest to answer.

    Provision  one unit of the law (article, paragraph, point, recital, annex point,
               guidelines paragraph) with its anchor, made once by a parser.
    Passage    what is embedded and retrieved: a provision or a piece of one, with the
               provision's anchor, label, link and authority; `score` when retrieved.

Anchors are stable, dotted paths (`art-5.par-1.pt-f`, `rct-44`, `anx-III.pt-4.pt-a`,
`gl-5052.par-42`); `desk.citations` is the one place that reads and renders them.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Authority(StrEnum):
    """How much weight a text carries in an answer."""

    BINDING = "binding"  # enacting terms and annexes of a regulation
    INTERPRETIVE = "interpretive"  # recitals: they explain, they do not bind
    GUIDANCE = "guidance"  # Commission guidelines
    POLICY = "policy"  # Commission communications such as the AI Continent Action Plan


class ProvisionKind(StrEnum):
    ARTICLE = "article"
    PARAGRAPH = "paragraph"
    SUBPARAGRAPH = "subparagraph"
    POINT = "point"
    RECITAL = "recital"
    ANNEX = "annex"
    SECTION = "section"  # an annex section, a guidelines or communication section, its heading
    ITEM = "item"  # a communication's list item (a key action, a bullet)
    BOX = "box"  # a communication's box: its key actions, its case studies
    FIGURE = "figure"  # what is read from a figure (the plan's map of AI Factories)


class Amendment(StrEnum):
    """What the amending act did to a provision, as the consolidated text marks it."""

    REPLACED = "replaced"
    INSERTED = "inserted"
    DELETED = "deleted"


class Reference(BaseModel):
    """A mention of another provision inside a provision's text."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="The words as they stand in the text, e.g. 'Article 6(2)'.")
    anchor: str | None = Field(
        default=None, description="The anchor it resolves to inside the corpus, if it does."
    )


class Provision(BaseModel):
    """One unit of the law, as a parser reads it from an official text."""

    model_config = ConfigDict(frozen=True)

    anchor: str
    label: str
    kind: ProvisionKind
    parent: str | None = None
    heading_path: tuple[str, ...] = ()
    text: str
    source_id: str
    version: str = Field(description="ISO date of the text's version (publication or consolidation).")
    authority: Authority
    deep_link: str
    amended_by: str | None = Field(
        default=None, description="The amending act, where the consolidated text marks a change."
    )
    amendment: Amendment | None = None
    references: tuple[Reference, ...] = ()
    page: int | None = Field(default=None, description="Page in a PDF source, where known.")

    @property
    def in_force(self) -> bool:
        return self.amendment is not Amendment.DELETED


class Passage(BaseModel):
    """What is embedded, indexed and retrieved."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Unique in an index: source id, anchor and part number.")
    anchor: str
    label: str
    source_id: str
    version: str
    authority: Authority
    deep_link: str
    heading_path: tuple[str, ...] = ()
    text: str = Field(description="The provision's own words, as shown to a reader.")
    amended_by: str | None = None
    part: int = Field(default=0, description="Position when a long provision is split.")
    page: int | None = Field(default=None, description="Page in a PDF source, where known.")
    score: float | None = None

    @property
    def embedded_text(self) -> str:
        """The text the model embeds: the heading path gives the provision its context."""
        return " › ".join((*self.heading_path, self.label)) + "\n" + self.text

    @property
    def content_hash(self) -> str:
        return content_hash(self.embedded_text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Flag(StrEnum):
    """Why an answer needs a human look; an answer with any flag goes to the review queue."""

    WEAK_RETRIEVAL = "weak_retrieval"  # nothing relevant enough was found
    OUT_OF_SCOPE = "out_of_scope"  # declined: the texts do not answer it
    CITATION_STRIPPED = "citation_stripped"  # the backend cited a number the desk did not issue
    QUOTE_NOT_FOUND = "quote_not_found"  # a quoted span is not in the cited passage
    UNCITED_CLAIM = "uncited_claim"  # a sentence of the answer cites nothing
    BACKEND_FAILED = "backend_failed"  # the backend erred or timed out: extractive fallback
    BACKEND_GARBAGE = "backend_garbage"  # the backend answered with nothing usable: fallback
    STALE = "stale"  # a newer corpus changed a provision the answer cites
    LEAD_UNVERIFIED = "lead_unverified"  # a sentence of the direct answer was not in what it cites: dropped


class Scope(StrEnum):
    """Why the desk did not answer a question from the AI Act (`Answer.scope`)."""

    OTHER_REGIME = "other_regime"  # another law: named, with the AI Act provisions that touch it
    UNRELATED = "unrelated"  # another subject altogether: a short decline


class Role(StrEnum):
    """The part an asker plays under the AI Act (Article 3(3) to (8); Chapter V for GPAI models)."""

    PROVIDER = "provider"
    DEPLOYER = "deployer"
    IMPORTER = "importer"
    DISTRIBUTOR = "distributor"
    AUTHORISED_REPRESENTATIVE = "authorised_representative"
    PRODUCT_MANUFACTURER = "product_manufacturer"
    GPAI_PROVIDER = "gpai_provider"  # provider of a general-purpose AI model
    GPAI_SYSTEMIC_PROVIDER = "gpai_systemic_provider"  # ... of one with systemic risk


class Link(BaseModel):
    """A provision a reader can open from a cited passage: one it refers to, or a definition."""

    model_config = ConfigDict(frozen=True)

    anchor: str
    label: str
    term: str | None = Field(default=None, description="The defined term, for a definition.")


class Citation(BaseModel):
    """A passage an answer cites, under the number the answerer issued for it."""

    model_config = ConfigDict(frozen=True)

    number: int
    anchor: str
    label: str
    passage_id: str
    quote: str | None = Field(default=None, description="A span of the passage the answer quotes.")
    deep_link: str
    authority: Authority
    version: str
    amended_by: str | None = None
    page: int | None = Field(default=None, description="Page of the PDF source, where known.")
    references: tuple[Link, ...] = Field(default=(), description="Provisions the cited passage refers to.")
    definitions: tuple[Link, ...] = Field(
        default=(), description="Article 3 definitions of the terms the cited passage uses."
    )


class Answer(BaseModel):
    """What the desk says to a question, with everything needed to check and review it."""

    id: str
    conversation_id: str
    question: str
    text: str = Field(description="The whole answer: the direct answer, then what the law says.")
    lead: str = Field(default="", description="The direct answer, one to four cited sentences.")
    citations: list[Citation]
    passages: list[Passage] = Field(description="The numbered passages the backend saw.")
    flags: list[Flag]
    backend: str
    settings_hash: str
    corpus_version: str = Field(description="The law as of this date.")
    latency_ms: float
    notice: str
    declined: bool = False
    scope: Scope | None = Field(
        default=None, description="Why the question was not answered from the AI Act."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="For the cited provisions: when each applies, and whether an amending act changed it.",
    )
    role: Role | None = Field(default=None, description="The asker's role, as given or recognised.")
    role_source: str | None = Field(
        default=None, description="Where the role came from: `given`, `question` or `conversation`."
    )
    clarify: str | None = Field(
        default=None, description="A question back to the asker, when the answer depends on it."
    )
    timings_ms: dict[str, float] = Field(
        default_factory=dict, description="Milliseconds spent per step: retrieval, generation."
    )
