"""What each instruction of an amending act changes: "Article 25 is amended as follows:
(a) paragraph 2 is replaced by the following: ‘2. …’" changes Article 25(2).

An amending act's instructions name their target in parts, across levels: the point of the
amending article names the article ("Article 25 is amended as follows"), its own points the
paragraph ("paragraph 2 is replaced", "the following paragraph is inserted: ‘3a. …’"). The
words a citation finder picks up are often the wrong ones: the text an instruction inserts
speaks of other provisions ("…referred to in Article 16…"), and an article of the act that
amends another regulation (Article 2 of the Omnibus amends Regulation (EU) 2018/1139) names
that regulation's articles, which are not the AI Act's.

`amended_provision` reads the instruction words only (before the quoted new text), with
those of the enclosing instructions, and builds the anchor of the provision changed.
"""

from __future__ import annotations

import re

from desk.citations import resolve

# The lead of an amending article: "Regulation (EU) 2024/1689 is amended as follows:".
_AMENDS = re.compile(r"^\s*Regulation \((?:EU|EC)\) (?:No )?(\d{2,4}/\d+) is (?:hereby )?amended")
AI_ACT = "2024/1689"
_QUOTE = "‘"  # new text an instruction inserts starts at the first opening quote

_ARTICLE = re.compile(r"\bArticle (\d+[a-z]*)(?:\((\d+[a-z]?)\))?")
_ANNEX = re.compile(r"\bAnnex ([IVXL]+)\b")
_SECTION = re.compile(r"\b[Ss]ection ([A-Z0-9]+)\b")
_PARAGRAPH = re.compile(r"\bparagraphs? (\d+[a-z]?)\b")
_POINT = re.compile(r"\bpoints? \(?(\w{1,4})\)?(?=[\s,;:]|$)")
_ORDINAL_PARAGRAPH = re.compile(r"\bthe (first|second|third|fourth|fifth|sixth) paragraph\b")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
# What an instruction inserts names itself at the start of the quoted text: "‘Article 4a",
# "‘Annex XIV", "‘3a.", "‘(ba)".
_INSERTED_ARTICLE = re.compile(r"^‘?\s*Article (\d+[a-z]*)")
_INSERTED_ANNEX = re.compile(r"^‘?\s*Annex ([IVXL]+)")
_INSERTED_PARAGRAPH = re.compile(r"^‘?\s*(\d+[a-z]?)\.")
_INSERTED_POINT = re.compile(r"^‘?\s*\(?(\w{1,4})[).]")  # "(ba)", and Annex points: "21."
_INSERTS = re.compile(
    r"\bthe following (article|annex|paragraph|point|subparagraph)s? (?:is|are) (?:inserted|added)", re.I
)

# A level an instruction names replaces the levels below it.
_RANK = {"top": 0, "sec": 1, "sub": 1, "par": 2, "pt": 3}
_INSERTED = {"article": _INSERTED_ARTICLE, "annex": _INSERTED_ANNEX, "paragraph": _INSERTED_PARAGRAPH,
             "point": _INSERTED_POINT}  # fmt: skip


def amended_act(lead: str) -> str | None:
    """The act an amending article amends ("2024/1689"), from its lead words."""
    found = _AMENDS.match(lead)
    return found.group(1) if found else None


def amended_provision(instructions: list[str], known: set[str] | frozenset[str]) -> str | None:
    """The AI Act anchor that the innermost of `instructions` changes (outermost first: the
    amending article's point, then its own points), resolved against `known`."""
    parts: dict[str, str] = {}
    for text in instructions:
        words, _, inserted = text.partition(_QUOTE)
        # "Article 57 is amended as follows: (a) in paragraph 1, …": what follows "as
        # follows" is the first of the points below, not this instruction's target.
        words = words.split("as follows", 1)[0]
        for level, value in _named(words, inserted.lstrip()):
            rank = _RANK[level]
            for lower in [name for name in parts if _RANK[name] >= rank]:
                del parts[lower]
            parts[level] = value
    anchor = parts.get("top")
    if anchor is None:
        return None
    for level in ("sec", "sub", "par", "pt"):
        if level in parts:
            anchor += f".{level}-{parts[level]}"
    return resolve(anchor, known)


def _named(words: str, inserted: str) -> list[tuple[str, str]]:
    """(level, value) for each level one instruction names, outermost first."""
    named: list[tuple[str, str]] = []
    if found := _ARTICLE.search(words):
        named.append(("top", f"art-{found.group(1)}"))
        if found.group(2):
            named.append(("par", found.group(2)))
    elif found := _ANNEX.search(words):
        named.append(("top", f"anx-{found.group(1)}"))
    if found := _SECTION.search(words):
        named.append(("sec", found.group(1)))
    if found := _ORDINAL_PARAGRAPH.search(words):
        named.append(("sub", str(_ORDINALS[found.group(1)])))
    if found := _PARAGRAPH.search(words):
        named.append(("par", found.group(1)))
    if found := _POINT.search(words):
        named.append(("pt", found.group(1)))
    inserts = _INSERTS.search(words)
    what = inserts.group(1).lower() if inserts else ""
    pattern = _INSERTED.get(what)
    if pattern and (found := pattern.match(inserted)):
        level = {"article": "top", "annex": "top", "paragraph": "par", "point": "pt"}[what]
        prefix = {"article": "art-", "annex": "anx-"}.get(what, "")
        named.append((level, prefix + found.group(1)))
    return named
