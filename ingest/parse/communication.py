"""A Commission communication (the AI Continent Action Plan) into provisions: one per
heading, paragraph and list item, with the boxes of key actions and of case studies.

Two routes lead here and give one tree. The units file kept beside this checkout (one unit
per heading, paragraph and list item, with its PDF page; `units_from_json`) and the
official PDF read by the Commission-PDF parser (`ingest.parse.commission_pdf`) both produce
`Unit`s; `communication_provisions` makes anchors, labels, parents and heading paths from
the units alone, so neither route can name a provision differently.

    ap.intro.par-2                    the untitled introduction, its second paragraph
    ap.sec-1-2                        the heading of section 1.2
    ap.sec-1-2.par-8                  its eighth paragraph ("In line with this vision:")
    ap.sec-1-2.par-8.item-1           the first bullet under that paragraph
    ap.sec-1-2.actions                the box "Key Commission actions:", all its items
    ap.sec-1-2.actions.item-2         its second action, with its date: "... (Q3/Q4 2025);"
    ap.sec-4-2.actions.item-2.item-1  an action's own sub-item
    ap.sec-3-2.cases.case-1           the first case study's title; `.par-1` its text

The text is kept as the source prints it, glitches of the PDF's text layer included
("fragmenation"): a citation must quote what the document says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from desk.citations import label_for
from desk.types import Authority, Provision, ProvisionKind

INTRODUCTION = "Introduction"


class UnitKind(StrEnum):
    HEADING = "heading"  # a numbered section heading
    CASE = "case"  # the title of a case study in a box
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a bulleted list item


@dataclass(frozen=True)
class Unit:
    """One printed unit of the communication, in reading order."""

    kind: UnitKind
    text: str
    page: int
    number: str | None = None  # a heading's "1.2"
    box: str | None = None  # the title of the box of key actions an item stands in
    depth: int = 0  # 1 for an item under an item


@dataclass(frozen=True)
class Document:
    """What the caller knows about the communication."""

    source_id: str
    prefix: str
    title: str
    version: str
    authority: Authority
    url: str  # the PDF's address: a provision links to `url#page=N`


class UnitsError(ValueError):
    """A units file that does not read as the communication's units."""


def units_from_json(path: Path) -> list[Unit]:
    """The units of the extraction kept in the corpus folder (SOURCES.md, section 2a)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [_unit(entry) for entry in raw["sections"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UnitsError(f"{path}: not a units file ({type(error).__name__}: {error})") from error


def _unit(entry: dict) -> Unit:
    kind, page, text = entry["type"], int(entry["page"]), str(entry["text"]).strip()
    in_box = entry.get("category") == "Box"
    if kind == "heading":
        if in_box:
            return Unit(UnitKind.CASE, text, page)
        return Unit(UnitKind.HEADING, text, page, number=str(entry["number"]).rstrip("."))
    if kind == "paragraph":
        return Unit(UnitKind.PARAGRAPH, text, page)
    if kind == "list_item":
        box = entry["path"][-1] if in_box else None
        return Unit(UnitKind.ITEM, text, page, box=box, depth=1 if entry.get("number") == "o" else 0)
    raise ValueError(f"unit {entry.get('id')}: unknown type {kind!r}")


def communication_provisions(units: list[Unit], document: Document) -> list[Provision]:
    """The provisions of the communication, in document order, boxes after their items."""
    return list(_TreeBuilder(document).build(units))


# ---------------------------------------------------------------------------------------


@dataclass
class _Box:
    anchor: str
    title: str
    heading_path: tuple[str, ...]
    page: int
    parent: str
    lines: list[str] = field(default_factory=list)


@dataclass
class _TreeBuilder:
    document: Document
    section: str = "intro"  # anchor (without prefix) of the open section
    heading_path: tuple[str, ...] = ()
    paragraphs: int = 0
    last_paragraph: str | None = None
    last_paragraph_text: str = ""
    items: int = 0  # under the last paragraph, or in the open box
    last_item: str | None = None
    last_item_text: str = ""
    sub_items: int = 0
    box: _Box | None = None
    cases: int = 0
    case: str | None = None
    case_title: str = ""
    case_paragraphs: int = 0
    anchors: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.heading_path = (self.document.title, INTRODUCTION)

    def build(self, units: list[Unit]) -> Iterator[Provision]:
        for unit in units:
            if unit.kind is UnitKind.HEADING:
                yield from self._close_box()
                yield self._heading(unit)
            elif unit.kind is UnitKind.CASE:
                yield from self._case(unit)
            elif unit.kind is UnitKind.PARAGRAPH and self.case is not None:
                yield self._case_paragraph(unit)
            elif unit.kind is UnitKind.PARAGRAPH:
                yield from self._close_box()
                yield self._paragraph(unit)
            elif unit.box is not None:
                yield from self._box_item(unit)
            else:
                yield self._list_item(unit)
        yield from self._close_box()

    def _heading(self, unit: Unit) -> Provision:
        number = unit.number or ""
        self.section = f"sec-{number.replace('.', '-')}"
        heading = f"{number}{'' if '.' in number else '.'} {unit.text}"  # "1. Build", "1.2 Invest"
        depth = number.count(".") + 1  # "1" under the title, "1.2" under "1 ..."
        parent = None if depth == 1 else f"sec-{number.rsplit('.', 1)[0].replace('.', '-')}"
        path = (self.document.title,) if depth == 1 else self.heading_path[:depth]
        self.heading_path = (*path, heading)
        self.paragraphs, self.last_paragraph = 0, None
        return self._provision(self.section, ProvisionKind.SECTION, parent, path, heading, unit.page)

    def _paragraph(self, unit: Unit) -> Provision:
        self.paragraphs += 1
        self.last_paragraph = f"{self.section}.par-{self.paragraphs}"
        self.last_paragraph_text, self.items = unit.text, 0
        parent = self._section_parent()
        return self._provision(
            self.last_paragraph, ProvisionKind.PARAGRAPH, parent, self.heading_path, unit.text, unit.page
        )

    def _list_item(self, unit: Unit) -> Provision:
        """A bullet of the body text: it hangs off the paragraph that leads into it."""
        if self.last_paragraph is None:
            raise UnitsError(f"a list item before any paragraph in {self.section}: {unit.text[:60]!r}")
        self.items += 1
        path = (*self.heading_path, self.last_paragraph_text)
        anchor = f"{self.last_paragraph}.item-{self.items}"
        return self._provision(anchor, ProvisionKind.ITEM, self.last_paragraph, path, unit.text, unit.page)

    def _box_item(self, unit: Unit) -> Iterator[Provision]:
        title = _box_title(unit.box or "")
        if self.box is None or self.box.title != title:
            yield from self._close_box()
            self._open_box("actions", title, unit.page)
        assert self.box is not None
        if unit.depth and self.last_item is not None:
            self.sub_items += 1
            anchor, parent = f"{self.last_item}.item-{self.sub_items}", self.last_item
            path = (*self.box.heading_path, self.box.title, self.last_item_text)
            self.box.lines.append(f"    - {unit.text}")
        else:
            self.items += 1
            self.sub_items = 0
            anchor, parent = f"{self.box.anchor}.item-{self.items}", self.box.anchor
            self.last_item, self.last_item_text = anchor, unit.text
            path = (*self.box.heading_path, self.box.title)
            self.box.lines.append(f"- {unit.text}")
        yield self._provision(anchor, ProvisionKind.ITEM, parent, path, unit.text, unit.page)

    def _case(self, unit: Unit) -> Iterator[Provision]:
        if self.box is None or not self.box.anchor.endswith(".cases"):
            yield from self._close_box()
            self._open_box("cases", "Examples of European Digital Innovation Hubs at work", unit.page)
        assert self.box is not None
        self.cases += 1
        self.case, self.case_title, self.case_paragraphs = (
            f"{self.box.anchor}.case-{self.cases}",
            unit.text,
            0,
        )
        self.box.lines.append(f"- {unit.text}")
        path = (*self.box.heading_path, self.box.title)
        yield self._provision(self.case, ProvisionKind.SECTION, self.box.anchor, path, unit.text, unit.page)

    def _case_paragraph(self, unit: Unit) -> Provision:
        assert self.case is not None and self.box is not None
        self.case_paragraphs += 1
        path = (*self.box.heading_path, self.box.title, self.case_title)
        anchor = f"{self.case}.par-{self.case_paragraphs}"
        return self._provision(anchor, ProvisionKind.PARAGRAPH, self.case, path, unit.text, unit.page)

    def _open_box(self, kind: str, title: str, page: int) -> None:
        self.box = _Box(
            f"{self.section}.{kind}", title, self.heading_path, page, self._section_parent() or ""
        )
        self.items, self.last_item, self.cases, self.case = 0, None, 0, None

    def _close_box(self) -> Iterator[Provision]:
        """The box as one provision too, its title over its items: "what are the key
        actions of section 2" is answered by the box whole."""
        box, self.box, self.case = self.box, None, None
        if box is not None:
            text = "\n".join([f"{box.title}:", *box.lines])
            yield self._provision(
                box.anchor, ProvisionKind.BOX, box.parent or None, box.heading_path, text, box.page
            )

    def _section_parent(self) -> str | None:
        return None if self.section == "intro" else self.section

    def _provision(
        self, anchor: str, kind: ProvisionKind, parent: str | None, heading_path: tuple[str, ...], text: str,
        page: int,
    ) -> Provision:  # fmt: skip
        prefix = self.document.prefix
        full = f"{prefix}.{anchor}"
        if full in self.anchors:
            raise UnitsError(f"{self.document.source_id}: the provision {full} comes twice")
        self.anchors.add(full)
        return Provision(
            anchor=full,
            label=label_for(full),
            kind=kind,
            parent=f"{prefix}.{parent}" if parent else None,
            heading_path=heading_path,
            text=text,
            source_id=self.document.source_id,
            version=self.document.version,
            authority=self.document.authority,
            deep_link=f"{self.document.url}#page={page}",
            page=page,
        )


def map_provision(structured: Path, section: Provision) -> Provision:
    """The AI Factories as the plan's map on page 7 shows them, from the structured
    extraction (SOURCES.md, section 2b): the plan's Annex I, which lists them, is in no copy,
    so the provision says where its words come from."""
    try:
        factories = json.loads(structured.read_text(encoding="utf-8"))["ai_factories"]
        entries = [_factory(entry) for entry in factories]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UnitsError(f"{structured}: no AI Factories in it ({type(error).__name__}: {error})") from error
    text = (
        f"The {len(entries)} AI Factories shown on the map of section 1.1 (page {MAP_PAGE}), as read from "
        "the map; the plan's Annex I, which summarises them, is not in this copy:\n"
        + "\n".join(f"- {entry}" for entry in entries)
    )
    anchor = f"{section.anchor}.map"
    return section.model_copy(
        update={
            "anchor": anchor, "label": label_for(anchor), "kind": ProvisionKind.FIGURE,
            "parent": section.anchor, "heading_path": (*section.heading_path, section.text), "text": text,
            "page": MAP_PAGE,
            "deep_link": f"{section.deep_link.split('#')[0]}#page={MAP_PAGE}", "references": (),
        }
    )  # fmt: skip


MAP_PAGE = 7


def _factory(entry: dict) -> str:
    place = ", ".join(part for part in (entry.get("location"), entry.get("country")) if part)
    host = f"; host: {entry['host_organisation']}" if entry.get("host_organisation") else ""
    return f"{entry['name']} ({place}{host})"


def _box_title(raw: str) -> str:
    """ "Key Commission / EuroHPC Actions:" -> "Key Commission / EuroHPC actions"."""
    title = raw.strip().rstrip(":").strip()
    return title[:1].upper() + title[1:].replace("Actions", "actions")
