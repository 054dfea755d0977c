"""A figure the question takes the law to state, where the law states another: the lead says
so first ("Not as the question puts it: … not later than 15 days …").

"AI Act fines top out at EUR 1 million, so …", "Given that Article 73 gives providers 30 days
…", "the presumption kicks in at 10^23 FLOPs": the question's figure is a claim about the law
when the clause that states it says nothing of the asker (no "we", "our"), and it is wrong
when no passage found for the question states it while the lead states one of its kind (an
amount, a share, a number of days, a year, a power of ten). The figure the question wrongly
gives is not repeated; the lead's own sentence, with the law's figure and its citation, is
what corrects it. Figures of the asker's own ("our model was trained with 4×10^24 FLOPs")
are facts of the case, and never corrected.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.answering.checks import cited_numbers
from desk.answering.lead.law import Asked, Law
from desk.answering.lead.plain import plain_for
from desk.answering.lead.text import DURATION
from desk.answering.verify import DATE, LeadSentence
from desk.citations import label_for
from desk.statements import lower_first, statements
from desk.types import Passage

CORRECTION = "Not as the question puts it"

_SCALE = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000, "mn": 1_000_000,
          "billion": 1_000_000_000, "bn": 1_000_000_000}  # fmt: skip
_AMOUNT = re.compile(
    r"(?:\beur|€)\s?(\d+(?:[.,]\d+)?(?:[ \u00a0,.]\d{3})*)\s?(thousand|million|billion|bn|mn|m|k)?\b"
    r"|\b(\d+(?:[.,]\d+)?)\s?(thousand|million|billion|bn|mn|m|k)?\s?(?:eur|euros?)\b"
)
_PERCENT = re.compile(r"\b(\d+(?:[.,]\d+)?)\s?(?:%|per ?cent\b)")
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "ten": "10", "fifteen": "15", "thirty": "30"}  # fmt: skip
_POWER = re.compile(r"\b10\s?(?:\^|\*\*|e)\s?(\d{1,2})\b|\b1e(\d{1,2})\b")
_YEAR = re.compile(r"(?<![/\d])\b(20[2-4]\d)\b(?![/\d])")
# The asker's own facts: a clause that speaks of "we" or "our" states the case, not the law.
_ASKER = re.compile(r"\b(we|our|us|i|my|me|we're|we've|ours)\b")


def speaks_of_the_asker(clause: str) -> bool:
    """The clause states the asker's case ("our model was trained with …"), not the law."""
    return bool(_ASKER.search(clause.lower()))


_CLAUSE = re.compile(r"[,;:()?!]|\.\s|\s(?:so|and|but|because|then)\s")


def figures_of(text: str) -> set[tuple[str, str]]:
    """(kind, value) of each figure a text states: ("amount", "35000000"), ("day", "15"), ("year", "2026")."""
    lowered = text.lower().replace("\u00a0", " ")
    found: set[tuple[str, str]] = set()
    for match in _AMOUNT.finditer(lowered):
        number, scale = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        )
        found.add(("amount", _amount(number, scale)))
    found |= {("percent", m.group(1).replace(",", ".")) for m in _PERCENT.finditer(lowered)}
    for match in DURATION.finditer(lowered):  # "15 days", "three months", "10 working days"
        number, unit = match.group(1), match.group(3)
        found.add((unit.rstrip("s"), _NUMBER_WORDS.get(number, number)))
    found |= {("power", m.group(1) or m.group(2)) for m in _POWER.finditer(lowered)}
    found |= {("year", year) for year in _YEAR.findall(lowered)}
    found |= {("year", date[-4:]) for date in DATE.findall(lowered) if _YEAR.fullmatch(date[-4:])}
    return found


def _amount(number: str, scale: str | None) -> str:
    if scale is None:
        return re.sub(r"\D", "", number)
    return str(round(float(number.replace(",", ".")) * _SCALE[scale]))


def claimed(question: str) -> set[tuple[str, str]]:
    """The figures the question states about the law: those of clauses that do not speak of the asker."""
    clauses = _CLAUSE.split(question.lower())
    return {
        figure
        for clause in clauses
        if clause and not speaks_of_the_asker(clause)
        for figure in figures_of(clause)
    }


def contradicted(question: str, sentences: Sequence[LeadSentence], passages: Sequence[Passage]) -> int | None:
    """The lead sentence that states the law's figure where the question claims another: the
    first whose figures are of a kind the question claims, when no passage found states the
    question's figure. None when the question claims none, or the law bears it out."""
    claims = claimed(question)
    if not claims:
        return None
    stated = set().union(*(figures_of(p.text) for p in passages)) if passages else set()
    wrong = {(kind, value) for kind, value in claims if (kind, value) not in stated}
    if not wrong or wrong != claims:
        return None  # a figure the law states beside it: the question is not simply mistaken
    kinds = {kind for kind, _ in wrong}
    for position, sentence in enumerate(sentences):
        if {kind for kind, _ in figures_of(sentence.text)} & kinds:
            return position
    return None


# "Notwithstanding paragraph 2, in the event of the death of a person … 10 days": the
# exception's figure is not the rule's.
_DEROGATING = re.compile(r"^\s*(?:notwithstanding|by way of derogation from) paragraph (\d+)\b", re.I)


def general_rule(law: Law, asked: Asked, sentence: LeadSentence) -> LeadSentence | None:
    """When the sentence with the law's figure quotes an exception to another paragraph
    ("Notwithstanding paragraph 2, …"), that paragraph's own figure of the same kind, said as
    the rule the exception departs from; None otherwise."""
    numbers = cited_numbers(sentence.text)
    passages = asked.numbering.passages
    if not numbers or not 0 < numbers[0] <= len(passages):
        return None
    anchor = passages[numbers[0] - 1].anchor
    provision = law.provision(anchor)
    derogates = _DEROGATING.match(provision.text) if provision else None
    if provision is None or derogates is None or ".par-" not in anchor:
        return None
    rule_anchor = f"{anchor.split('.par-')[0]}.par-{derogates.group(1)}"
    rule = law.provision(rule_anchor)
    kinds = {kind for kind, _ in figures_of(sentence.text)}
    if rule is None or not rule.in_force:
        return None
    for statement in statements(rule.text):
        if {kind for kind, _ in figures_of(statement.text)} & kinds:
            said = plain_for(statement, asked.question)
            marker = asked.numbering.marker(rule_anchor)
            return LeadSentence(f"Under {label_for(rule_anchor)}, {lower_first(said)}{marker}.")
    return None


_NAMES = re.compile(r"^(Article|Articles|Annex|Recital|Chapter|Section|Regulation|Directive|Commission)\b")


def corrected(sentence: LeadSentence) -> LeadSentence:
    """The sentence with the law's figure, opened as the correction of the question's."""
    text = sentence.text if _NAMES.match(sentence.text) else lower_first(sentence.text)
    return LeadSentence(f"{CORRECTION}: {text}", sentence.denies)
