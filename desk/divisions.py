"""The Act's chapters and sections: their titles and the articles each holds, read off the
headings of the provisions in force, and the ones a question names.

Chapters and sections are divisions of the text, not provisions: nothing cites "Chapter V",
but a firm asks what it covers ("What does Chapter III, Section 2 require?"), and a
question may name one the Act does not have ("Chapter XIV").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from desk.citations import roman_to_int
from desk.types import Provision

LAW_IN_FORCE = "ai-act-consolidated"
_HEADING = re.compile(r"^(Chapter|Section)\s+([IVXL]+|\d+)\s+—\s+(.+)$")
_ARTICLE = re.compile(r"^art-\d+[a-z]?$")
# "Section 6 of Chapter III", "Chapter III, Section 2", "Chapter V".
_SECTION_OF_CHAPTER = re.compile(r"\bSection\s+(\d+)\s+of\s+Chapter\s+([IVXL]+)\b", re.I)
_CHAPTER = re.compile(r"\bChapter\s+([IVXL]+)\b(?:,?\s+Section\s+(\d+)\b)?", re.I)


@dataclass(frozen=True)
class Division:
    chapter: str  # roman numeral
    section: str | None  # "2", or None for the chapter itself
    title: str
    articles: tuple[str, ...] = field(default=())  # anchors, in the order of the text

    @property
    def label(self) -> str:
        return f"Chapter {self.chapter}" + (f", Section {self.section}" if self.section else "")


def divisions(provisions: Iterable[Provision]) -> dict[tuple[str, str | None], Division]:
    """Every chapter and section of the law in force, in the order of the text."""
    titles: dict[tuple[str, str | None], str] = {}
    articles: dict[tuple[str, str | None], list[str]] = {}
    for provision in provisions:
        if provision.source_id != LAW_IN_FORCE or not provision.anchor.startswith("art-"):
            continue
        chapter = section = None
        for heading in provision.heading_path:
            if found := _HEADING.match(heading):
                if found[1] == "Chapter":
                    chapter = found[2]
                    titles.setdefault((chapter, None), found[3].strip())
                elif chapter is not None:
                    section = found[2]
                    titles.setdefault((chapter, section), found[3].strip())
        if chapter is None or not _ARTICLE.match(provision.anchor):
            continue
        for key in {(chapter, None), (chapter, section)}:
            articles.setdefault(key, [])
            if provision.anchor not in articles[key]:
                articles[key].append(provision.anchor)
    ordered = sorted(titles, key=lambda key: (roman_to_int(key[0]), int(key[1] or 0)))
    return {key: Division(key[0], key[1], titles[key], tuple(articles.get(key, ()))) for key in ordered}


def named(question: str) -> list[tuple[str, str | None]]:
    """The chapters and sections a question names, as (chapter, section or None)."""
    found = [(c.upper(), s) for s, c in _SECTION_OF_CHAPTER.findall(question)]
    found += [(c.upper(), s or None) for c, s in _CHAPTER.findall(question)]
    # "Section 6 of Chapter III" names the section; its chapter is only where it stands.
    sectioned = {c for c, s in found if s}
    return list(dict.fromkeys((c, s) for c, s in found if s or c not in sectioned))
