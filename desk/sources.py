"""The manifest of official texts (`corpus/sources.toml`), read into typed records."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from desk.types import Authority


class SourceError(ValueError):
    """The manifest is unreadable, or names a source it does not have."""


class SourceUse(StrEnum):
    ALL = "all"
    RECITALS = "recitals"
    HISTORY = "history"
    CHECK = "check"


class SourceFile(BaseModel):
    name: str = Field(description="Path of the file inside the corpus folder.")
    url: str = Field(description="Where the file is downloaded from.")
    accept: str | None = Field(default=None, description="Accept header for the download.")
    member: str | None = Field(
        default=None, description="When the download is a zip, the member that is this file."
    )
    sha256: str = Field(description="The pinned hash; empty when not pinned yet.")
    also_sha256: list[str] = Field(default_factory=list)
    holds: str = Field(default="", description="What a secondary file adds to the text, e.g. `ai-factories`.")

    def accepts_hash(self, digest: str) -> bool:
        return digest in {self.sha256, *self.also_sha256}


class Source(BaseModel):
    id: str
    title: str
    url: str = Field(description="The official page (EUR-Lex ELI or Commission page).")
    format: str
    language: str
    version: str
    authority: Authority
    uses: SourceUse
    label: str | None = Field(default=None, description="Short name used in citation labels.")
    prefix: str = Field(default="", description="Anchor prefix; empty for the AI Act itself.")
    optional: bool = False
    note: str = ""
    files: list[SourceFile] = Field(description="The official files, downloaded where no copy is at hand.")
    local_copy: list[SourceFile] = Field(
        default_factory=list,
        description="A faithful copy of the text kept in the local folder, read in place of `files` "
        "when the folder holds all of it; it is never downloaded.",
    )
    secondary: list[SourceFile] = Field(
        default_factory=list,
        description="Further copies from the local folder, verified when present and never required.",
    )


class Manifest(BaseModel):
    sources: list[Source] = Field(alias="source")

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise SourceError(f"unknown source id {source_id!r} (known: {known})")


def load_manifest(path: Path) -> Manifest:
    try:
        return Manifest.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as error:
        raise SourceError(f"{path}: manifest not found") from error
    except (tomllib.TOMLDecodeError, ValidationError) as error:
        first_line = str(error).splitlines()[0]
        raise SourceError(f"{path}: invalid manifest: {first_line}") from error
