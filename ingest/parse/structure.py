"""What every parser of an act shares: its context, point numbers, and the provision collector.

Anchors and labels are made here, once, for the Formex and the EUR-Lex HTML parser alike,
so the two parses of one text can be compared provision by provision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desk.citations import label_for
from desk.types import Amendment, Authority, Provision, ProvisionKind
from ingest.parse.text import normalise_space

_POINT_NUMBER = re.compile(r"^\(?([0-9]{1,3}[a-z]{0,2}|[a-z]{1,3}|[ivxl]{1,6})\)?\.?$")
_NESTED_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?$")  # Annex VII "3.1."


@dataclass(frozen=True)
class ActContext:
    """What the caller knows about the document being parsed."""

    source_id: str
    version: str
    authority: Authority
    deep_link_base: str  # e.g. https://eur-lex.europa.eu/eli/reg/2024/1689/oj/eng
    prefix: str = ""  # anchor prefix of the instrument ("" for the AI Act)


def point_number(raw: str) -> str | None:
    """A point's number as anchors carry it: "(a)" -> "a", "3.1." -> "3.1", "—" -> None."""
    raw = normalise_space(raw)
    if nested := _NESTED_NUMBER.match(raw):
        return nested.group(1)
    found = _POINT_NUMBER.match(raw)
    return found.group(1) if found else None


def sub_anchor(base: str, number: str) -> str:
    """The anchor of point `number` under `base`; `pt-3.1` sits beside `pt-3` in the annex,
    not below it (Annex VII, point 3.1)."""
    if "." in number:
        segments = base.split(".")
        while segments and segments[-1].startswith("pt-"):
            segments.pop()
        return ".".join([*segments, f"pt-{number}"])
    return f"{base}.pt-{number}"


@dataclass
class ProvisionCollector:
    """Collects a document's provisions in order; refuses an anchor given twice."""

    context: ActContext
    name: str  # the file, for error messages
    error: type[ValueError] = ValueError
    provisions: list[Provision] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)

    def add(
        self,
        anchor: str,
        kind: ProvisionKind,
        parent: str | None,
        heading_path: tuple[str, ...],
        text: str,
        fragment: str,
        *,
        amendment: Amendment | None = None,
        amended_by: str | None = None,
    ) -> str:
        """Record a provision; anchors are given without the instrument prefix."""
        prefix = self.context.prefix
        full_anchor = f"{prefix}.{anchor}" if prefix else anchor
        if full_anchor in self.anchors:
            raise self.error(f"{self.name}: duplicate provision {full_anchor}")
        self.anchors.add(full_anchor)
        authority = self.context.authority
        if kind is ProvisionKind.RECITAL and authority is Authority.BINDING:
            authority = Authority.INTERPRETIVE  # recitals explain the law, they do not bind
        if amendment is Amendment.DELETED:
            text = f"[Deleted by {amended_by}.]"
        self.provisions.append(
            Provision(
                anchor=full_anchor,
                label=label_for(full_anchor),
                kind=kind,
                parent=f"{prefix}.{parent}" if parent and prefix else parent,
                heading_path=heading_path,
                text=text,
                source_id=self.context.source_id,
                version=self.context.version,
                authority=authority,
                deep_link=f"{self.context.deep_link_base}#{fragment}",
                amended_by=amended_by,
                amendment=amendment,
            )
        )
        return anchor
