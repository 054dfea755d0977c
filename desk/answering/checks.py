"""Checking what a backend wrote against the passages it was given. Pure functions.

The answerer issues the citation numbers: [n] for the n-th passage the backend saw. Any
other bracketed citation is stripped and flagged; a quoted span must stand verbatim in a
passage its sentence cites; a sentence that cites nothing is an uncited claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desk.types import Citation, Flag, Passage

_MARKER = re.compile(r"\s?\[([^\[\]]{1,40})\]")
_NUMBERS = re.compile(r"^\s*\d+(?:\s*[,;–-]\s*\d+)*\s*$")
_QUOTE = re.compile(r"[“\"]([^”\"]{12,600})[”\"]")
_SENTENCE_END = re.compile(r"(?<!\b\d\.)(?<!\b\d\d\.)(?<=[.!?])\s+(?=[A-Z(“\"])|\n+")
_CLAIM_WORDS = 6  # shorter sentences ("In short:") are not claims


@dataclass
class CheckedText:
    text: str
    citations: list[Citation]
    flags: list[Flag] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)
    bad_quotes: list[str] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)


_LEAD_INS = re.compile(r"(?<=:)\s+(?=\([a-z0-9]{1,4}\)\s)")


def check(text: str, passages: list[Passage], *, require_citations: bool = True) -> CheckedText:
    """Strip citations the desk did not issue, verify quotes, find uncited sentences."""
    text, stripped = strip_unissued(text, len(passages))
    sentences = split_sentences(text)
    cited: dict[int, str | None] = {}
    bad_quotes: list[str] = []
    uncited: list[str] = []
    for sentence in sentences:
        numbers = cited_numbers(sentence)
        for quote in _QUOTE.findall(sentence):
            sources = numbers or list(range(1, len(passages) + 1))
            holder = next((n for n in sources if _contains(passages[n - 1].text, quote)), None)
            if holder is None and numbers and ("…" in quote or _LEAD_INS.search(quote)):
                # Items of one list, quoted from their passages; a sub-point with each of its
                # lead-ins ("However: (c) … shall apply from: (i) …"), which do not stand side by
                # side in the passage.
                pieces = [p for part in quote.split("…") for p in _LEAD_INS.split(part) if _normalise(p)]
                if all(any(_contains(passages[n - 1].text, p) for n in numbers) for p in pieces):
                    holder = numbers[0]
            if holder is None:
                bad_quotes.append(quote)
            elif holder in numbers and cited.get(holder) is None:
                cited[holder] = quote
        for number in numbers:
            cited.setdefault(number, None)
        if not numbers and len(sentence.split()) >= _CLAIM_WORDS:
            uncited.append(sentence)
    flags = []
    if stripped:
        flags.append(Flag.CITATION_STRIPPED)
    if bad_quotes:
        flags.append(Flag.QUOTE_NOT_FOUND)
    if uncited and require_citations:
        flags.append(Flag.UNCITED_CLAIM)
    citations = [citation_for(n, passages[n - 1], quote) for n, quote in sorted(cited.items())]
    return CheckedText(text.strip(), citations, flags, stripped, bad_quotes, uncited)


def strip_unissued(text: str, issued: int) -> tuple[str, list[str]]:
    """Keep [n] for 1 <= n <= issued; drop every other bracketed citation, saying which."""
    stripped: list[str] = []

    def keep_or_drop(marker: re.Match[str]) -> str:
        inner = marker.group(1)
        if _NUMBERS.match(inner):
            numbers = [int(n) for n in re.findall(r"\d+", inner)]
            kept = [n for n in numbers if 1 <= n <= issued]
            stripped.extend(f"[{n}]" for n in numbers if not 1 <= n <= issued)
            return "".join(f" [{n}]" for n in dict.fromkeys(kept))
        stripped.append(f"[{inner}]")
        return ""

    return _MARKER.sub(keep_or_drop, text), stripped


def cited_numbers(sentence: str) -> list[int]:
    return list(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", sentence)))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _contains(passage_text: str, quote: str) -> bool:
    """The quote stands in the passage; a quote with elisions (…), each of its pieces in order."""
    text = _normalise(passage_text)
    position = 0
    for piece in (p for p in (_normalise(part) for part in quote.split("…")) if p):
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _normalise(text: str) -> str:
    text = text.replace("‘", "'").replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).lower().strip(" .;,")


def citation_for(number: int, passage: Passage, quote: str | None = None) -> Citation:
    return Citation(
        number=number,
        anchor=passage.anchor,
        label=passage.label,
        passage_id=passage.id,
        quote=quote,
        deep_link=passage.deep_link,
        authority=passage.authority,
        version=passage.version,
        amended_by=passage.amended_by,
        page=passage.page,
    )
