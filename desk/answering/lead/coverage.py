"""Does the Act apply to us at all? The exclusion of Article 2 whose own words the question
shares (military and defence, scientific research, a purely personal activity, free and
open-source licences), quoted as it stands."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import as_part, sentences_of
from desk.answering.verify import LeadSentence
from desk.citations import label_for
from desk.index.lexical import tokens
from desk.statements import statements
from desk.thesaurus import in_the_acts_words
from desk.understanding import Kind, kinds_of, last_question

_SCOPE = "art-2"
_EXCLUDES = re.compile(r"\b(does not apply to|applies neither to)\b")
# An exclusion with its own exception ("… unless they are placed on the market as high-risk
# AI systems"; "Testing in real world conditions shall not be covered") gives no plain "no".
_QUALIFIED = re.compile(r"\b(unless|except|provided that|shall not be covered)\b", re.I)
# "Are we excluded / outside its scope?" asks the other way round from "Does it apply to us?".
_ASKS_EXCLUSION = re.compile(r"\b(exclu\w+|outside|out of (its |the )?scope)\b", re.I)
_SHARED_ENOUGH = 2  # distinctive words a question shares with an exclusion to be about it
# The law's own vocabulary says nothing about which exclusion a question is about.
_LEGAL_WORDS = frozenset(tokens(["shall member state states union regulation apply applies article"])[0])


@dataclass(frozen=True)
class _Exclusion:
    anchor: str
    sentence: str
    qualified: bool
    words: frozenset[str]  # its own: used by at most one other exclusion
    rare: frozenset[str]  # used by no other exclusion: they tell two sentences of one paragraph apart


class Exclusions:
    """The sentences of Article 2 that exclude something, each with the words of its own that
    at most one other exclusion uses. Built once per index."""

    def __init__(self, law: Law):
        found = []
        for paragraph in law.children(_SCOPE):
            qualified = bool(_QUALIFIED.search(paragraph.text))
            for statement in statements(paragraph.text):
                for sentence in sentences_of(statement.text):
                    if _EXCLUDES.search(sentence):
                        words = set(tokens([sentence])[0]) - _LEGAL_WORDS
                        found.append((paragraph.anchor, sentence, qualified, words))
        spread: dict[str, int] = {}
        for *_, words in found:
            for word in words:
                spread[word] = spread.get(word, 0) + 1
        self.exclusions = [
            _Exclusion(
                anchor,
                sentence,
                qualified,
                frozenset(w for w in words if spread[w] <= 2 and len(w) > 3),
                frozenset(w for w in words if spread[w] == 1 and len(w) > 3),
            )
            for anchor, sentence, qualified, words in found
        ]

    def matching(self, question: str) -> _Exclusion | None:
        asked = set(tokens([f"{question} {in_the_acts_words(question)}"])[0])
        scored = [((len(asked & e.words), len(asked & e.rare)), e) for e in self.exclusions]
        (shared, _), best = max(scored, key=lambda pair: pair[0], default=((0, 0), None))
        return best if shared >= _SHARED_ENOUGH else None


def covered(law: Law, exclusions: Exclusions, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    exclusion = exclusions.matching(asked.question)
    if exclusion is None:
        return [], None
    sentence = LeadSentence(
        f"{label_for(exclusion.anchor)} says: “{as_part(exclusion.sentence)}”"
        f"{asked.numbering.marker(exclusion.anchor)}."
    )
    last = last_question(asked.question)
    # "No" (the Act does not apply) only to a question whether it applies, for an exclusion
    # with no exception of its own; the composer turns it round for "are we exempt?".
    plain = Kind.COVERED in kinds_of(last) and not exclusion.qualified and not _ASKS_EXCLUSION.search(last)
    return [sentence], "no" if plain else None
