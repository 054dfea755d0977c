"""Provisions into passages, along the structure of the law.

- An article gives a passage per paragraph (or per unnumbered paragraph), never one for
  the whole article when it has parts.
- A paragraph that is a long list gives a passage per point, each keeping the paragraph's
  lead-in ("The following AI practices shall be prohibited:"), so a point read alone still
  says what it is; text after the list becomes a passage of its own.
- Article 3 gives a passage per definition; a recital, a guidelines paragraph, an annex
  point likewise.
- A communication's box gives a passage per item, each under the box's title; a paragraph
  or item that leads into bullets of its own ("In line with this vision:") is a passage, and
  each bullet one more, read under it.
- A unit still longer than `max_chars` is split on sentence boundaries, never across
  provisions; its parts share the anchor and are numbered.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from desk.settings import ChunkingSettings
from desk.types import Passage, Provision, ProvisionKind

# Units that always give way to their parts: a passage is at most a paragraph.
_ALWAYS_SPLIT = {ProvisionKind.ARTICLE, ProvisionKind.ANNEX, ProvisionKind.SECTION, ProvisionKind.BOX}
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(‘“0-9])")


def chunk(provisions: Iterable[Provision], settings: ChunkingSettings) -> list[Passage]:
    """Passages of the in-force provisions given, in document order."""
    provisions = [p for p in provisions if p.in_force]
    children: dict[str | None, list[Provision]] = defaultdict(list)
    for provision in provisions:
        children[provision.parent].append(provision)
    passages: list[Passage] = []
    for root in children[None]:
        passages += _passages(root, children, settings, lead_in=[])
    return passages


def _passages(
    provision: Provision,
    children: dict[str | None, list[Provision]],
    settings: ChunkingSettings,
    lead_in: list[str],
) -> list[Passage]:
    parts = children.get(provision.anchor, [])
    if parts and all(part.kind is ProvisionKind.ITEM for part in parts) and not _holds_any(provision, parts):
        # Bullets printed after their lead-in, not inside it (a communication's lists).
        passages = list(_whole(provision, lead_in, settings))
        for part in parts:
            passages += _passages(part, children, settings, lead_in=[*lead_in, provision.text])
        return passages
    if not parts or not _splits(provision, settings):
        return list(_whole(provision, lead_in, settings))
    own_before, own_after = _own_lines(provision, parts)
    passages: list[Passage] = []
    if own_before and not parts_hold_all(provision):
        lead_in = [*lead_in, *own_before]
    for part in parts:
        passages += _passages(part, children, settings, lead_in=_lead_for(part, lead_in))
    if own_after:
        passages += list(_whole(provision, [], settings, text="\n".join(own_before + own_after)))
    return passages


def _holds_any(provision: Provision, parts: list[Provision]) -> bool:
    """Whether any part's words stand in the provision's own text (a law's paragraph holds
    its points; a communication's paragraph does not hold the bullets after it)."""
    if provision.kind in _ALWAYS_SPLIT:
        return True
    return any(part.text.split("\n")[0] in provision.text for part in parts)


def parts_hold_all(provision: Provision) -> bool:
    """Headings of sections carry no words of their own to repeat before each part."""
    return provision.kind is ProvisionKind.SECTION and "\n" not in provision.text


def _splits(provision: Provision, settings: ChunkingSettings) -> bool:
    if provision.kind in _ALWAYS_SPLIT:
        return True
    return len(provision.text) > settings.long_list_chars


def _lead_for(part: Provision, lead_in: list[str]) -> list[str]:
    # Paragraphs of an article stand alone; points keep the words that introduce them.
    return [] if part.kind in {ProvisionKind.PARAGRAPH, ProvisionKind.SUBPARAGRAPH} else lead_in


def _own_lines(provision: Provision, parts: list[Provision]) -> tuple[list[str], list[str]]:
    """The provision's lines that belong to none of its parts: before them and after them."""
    lines = provision.text.split("\n")
    covered = [False] * len(lines)
    for part in parts:
        start = _find_block(lines, part.text.split("\n"))
        if start is not None:
            for index in range(start, start + len(part.text.split("\n"))):
                covered[index] = True
            # A part's heading ("Section A. List of …", "1. Introduction") stands in the
            # parent's text just before the part's own lines: it is the part's, not words that
            # introduce every part (Annex I's Section B points were shown under Section A's title).
            if start > 0 and part.heading_path and lines[start - 1].strip() == part.heading_path[-1].strip():
                covered[start - 1] = True
    if not any(covered):
        return [], []
    first = covered.index(True)
    last = len(covered) - 1 - covered[::-1].index(True)
    before = lines[:first]
    after = [line for index, line in enumerate(lines[last + 1 :], start=last + 1) if not covered[index]]
    return before, after


def _find_block(lines: list[str], block: list[str]) -> int | None:
    """Where a part's lines stand in its parent: the first carries the part's number."""
    for start, line in enumerate(lines):
        if line.endswith(block[0]) and lines[start + 1 : start + len(block)] == block[1:]:
            return start
    return None


def _whole(
    provision: Provision, lead_in: list[str], settings: ChunkingSettings, text: str | None = None
) -> Iterator[Passage]:
    body = provision.text if text is None else text
    if lead_in:
        body = "\n".join([*lead_in, _numbered(provision, body)])
    pieces = _split_sentences(body, settings.max_chars)
    for part, piece in enumerate(pieces):
        yield _passage(provision, piece, part if len(pieces) > 1 else 0)


def _numbered(provision: Provision, text: str) -> str:
    """A point shown under its lead-in keeps its number, as it is printed: '(f) …'."""
    if provision.kind is ProvisionKind.ITEM:
        return f"- {text}"  # a bullet of a communication
    number = provision.anchor.rsplit("pt-", 1)[-1] if ".pt-" in provision.anchor else ""
    if not number:
        return text
    printed = (
        f"{number}."
        if number[0].isdigit() and provision.anchor.startswith(("anx", "omnibus.anx"))
        else f"({number})"
    )
    return f"{printed} {text}"


def _split_sentences(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if current and len(current) + 1 + len(sentence) > max_chars:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def _passage(provision: Provision, text: str, part: int) -> Passage:
    suffix = f"#{part}" if part else ""
    return Passage(
        id=f"{provision.source_id}:{provision.anchor}{suffix}",
        anchor=provision.anchor,
        label=provision.label,
        source_id=provision.source_id,
        version=provision.version,
        authority=provision.authority,
        deep_link=provision.deep_link,
        heading_path=provision.heading_path,
        text=text,
        amended_by=provision.amended_by,
        part=part,
        page=provision.page,
    )
