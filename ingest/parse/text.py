"""Small text helpers shared by the parsers."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")
# Words that keep their capitals when an all-caps heading is put in sentence case.
_ACRONYMS = {"ai", "eu", "ec", "gpai", "sme", "smes", "smcs", "it", "ce", "tfeu"}


def normalise_space(text: str) -> str:
    """One space between words; no-break spaces read as spaces (their placement in the
    corpus copies is partly estimated, see ../shared/corpus/SOURCES.md)."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def clean_heading(text: str) -> str:
    """'PROHIBITED AI PRACTICES' -> 'Prohibited AI practices'; mixed case is kept."""
    text = normalise_space(text)
    if not text.isupper():
        return text
    words = text.lower().split(" ")
    fixed = [w.upper() if w.strip("()") in _ACRONYMS else w for w in words]
    if fixed[0] in {"chapter", "section", "annex", "title"} and len(fixed) > 1:
        return " ".join([fixed[0].capitalize(), fixed[1].upper(), *fixed[2:]])
    sentence = " ".join(fixed)
    first_letter = next((i for i, char in enumerate(sentence) if char.isalpha()), 0)
    return sentence[:first_letter] + sentence[first_letter].upper() + sentence[first_letter + 1 :]
