"""A provision's words as whole statements: a point read with its lead-in, a title, a clause.

"Providers of high-risk AI systems shall:" is not a statement, and "(h) affix the CE marking"
is not one without it. The law's lists are lead-in and items; a reader is shown an item with
its lead-in, and a lead-in never alone. Pure functions on a passage's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINE = re.compile(r"\n+")
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(‘“])")
# A point of the law, or a bullet of a communication's box ("- Launch … (July 2025);").
_ITEM = re.compile(r"^\((?:[a-z]{1,2}|[ivx]+|\d{1,2})\)\s+|^\d{1,2}\.\s+|^[-•]\s+")
_TITLE = re.compile(r"^(?:Article|Annex|Chapter|Section)\s+[0-9A-Za-z]+\s+—\s+(?P<title>.+)$")
ELISION = " … "


@dataclass(frozen=True)
class Statement:
    """A piece of a passage that can be read on its own."""

    lead_in: str  # the words that introduce the item ("Providers of high-risk AI systems shall:"), or ""
    body: str  # the item or sentence itself

    @property
    def text(self) -> str:
        return f"{self.lead_in} {self.body}" if self.lead_in else self.body


def statements(text: str) -> list[Statement]:
    """A passage's statements in order: each sentence, and each list item with its lead-in(s).

    A line ending in ":" introduces the items that follow it; an item that itself ends in
    ":" introduces sub-items, read with both lead-ins ("… shall apply from: (i) 2 December…")."""
    found: list[Statement] = []
    lead_ins: list[tuple[int, str]] = []  # (depth, words) of the lead-ins in force
    for line in (part.strip() for part in _LINE.split(text)):
        if not line:
            continue
        is_item = bool(_ITEM.match(line))
        depth = _depth(line, lead_ins) if is_item else 0
        # A sentence ends every list; an item ends the lead-ins of its own depth and deeper.
        lead_ins = [(d, words) for d, words in lead_ins if d < depth] if is_item else []
        if line.endswith(":"):
            lead_ins.append((depth, line))
            continue
        context = " ".join(words for _, words in lead_ins)
        if is_item:
            found.append(Statement(context, line))
        else:
            found += [Statement("", sentence) for sentence in _SENTENCE.split(line) if sentence.strip()]
    return found


def _depth(line: str, lead_ins: list[tuple[int, str]]) -> int:
    """An item's depth by its numbering: 1. < (1) < (a) < (i). A point "(a)" is deeper than a
    numbered point "(49)" that introduces it (Article 3's definitions that list what they
    cover); "(i)" is a roman numeral only inside an item that introduces sub-items, elsewhere
    the letter after (h)."""
    if re.match(r"^\d{1,2}\.\s", line):
        return 1
    numbered = any(re.match(r"^\(\d{1,2}\)\s", words) for _, words in lead_ins)
    if re.match(r"^\(\d{1,2}\)\s", line):
        return 2
    within_item = any(d >= 2 for d, _ in lead_ins)
    if within_item and re.match(r"^\([ivx]+\)\s", line) and not (numbered and len(lead_ins) < 3):
        return 4 if numbered else 3
    return 3 if numbered else 2


def item_body(statement: Statement) -> str:
    """An item's words without its number and closing "; and" / ";": what it says."""
    body = _ITEM.sub("", statement.body)
    return re.sub(r"[;,.]?\s*(?:and|or)?\s*$", "", body).rstrip(" ;,.")


def first_clause(text: str, words: int = 6) -> str:
    """The words up to the first comma or semicolon that leaves at least `words` words."""
    for match in re.finditer(r"[,;]", text):
        if len(text[: match.start()].split()) >= words:
            return text[: match.start()]
    return text.rstrip(" ;,.")


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def lower_first(text: str) -> str:
    """'Quality management system' -> 'quality management system'; 'EU declaration' stays."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def title_of(heading_path: tuple[str, ...], prefix: str = "Article") -> str | None:
    """The title of the article (or annex) a heading path ends in: 'Quality management system'."""
    for heading in reversed(heading_path):
        if heading.startswith(prefix) and (found := _TITLE.match(heading)):
            return found.group("title").strip()
    return None


def chapter_of(heading_path: tuple[str, ...]) -> str | None:
    """'Chapter V (General-purpose AI models)', or with its section: 'Chapter III, Section 2 (…)'."""
    chapter = next((h for h in heading_path if h.startswith("Chapter ")), None)
    if chapter is None:
        return None
    number, _, title = chapter.partition(" — ")
    section = next((h for h in heading_path if h.startswith("Section ")), None)
    if section:
        section_number, _, section_title = section.partition(" — ")
        return f"{number}, {section_number} ({section_title})"
    return f"{number} ({title})" if title else number
