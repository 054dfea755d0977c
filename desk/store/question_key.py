"""When two questions are the same question: the key the review queue groups by.

An outsider who sends one question 193 times, with other spacing, case or punctuation,
asks it once as far as staff are concerned (issue 19): the queue shows one entry with a
count. The key is the question's words, case-folded, hashed to a fixed length so it can be
indexed whatever the question's length.
"""

from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"\w+")


def normalised_question(question: str) -> str:
    """The question's words in order, case-folded, without spacing or punctuation."""
    return " ".join(_WORD.findall(question.casefold()))


def question_key(question: str) -> str:
    """The same for every spelling of one question that differs only in case, spacing or punctuation."""
    return hashlib.sha256(normalised_question(question).encode("utf-8")).hexdigest()
