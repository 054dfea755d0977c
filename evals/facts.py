"""What a direct answer states, read against what a case says it must state. Pure functions.

A case's `key_facts` are short strings, each one fact a correct lead states:

    "2 August 2025 | 2.8.2025"     words or figures (alternatives split by " | "), found in
                                   the lead whatever the case, spacing, quotes or thousands
                                   separators ("EUR 35 000 000" = "EUR 35,000,000")
    "cites: Annex III, point 4(a)" a provision the lead cites or names (one contains the other)
    "verdict: yes"                 the lead opens with the verdict: yes, no, or it depends

The lead's own check is kept apart from the desk's (`desk.answering.verify`), so that a
fault in one shows in the other: every date, amount and percentage a lead sentence states
stands in a passage that sentence cites, and every provision it names is cited or named by
a cited passage (or is said not to exist).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desk.citations import CitationError, find_citations, parse_citation, split_anchor

VERDICTS = ("yes", "no", "depends")
_CITES = "cites:"
_VERDICT = "verdict:"


@dataclass(frozen=True)
class Fact:
    kind: str  # "text", "cites" or "verdict"
    values: tuple[str, ...]  # alternatives; for "cites", anchors; for "verdict", one of VERDICTS


def read_fact(fact: str) -> Fact:
    stripped = fact.strip()
    lowered = stripped.lower()
    if lowered.startswith(_CITES):
        labels = [part.strip() for part in stripped[len(_CITES) :].split("|") if part.strip()]
        try:
            return Fact("cites", tuple(parse_citation(label) for label in labels))
        except CitationError as error:
            raise ValueError(f"key fact {fact!r}: {error}") from error
    if lowered.startswith(_VERDICT):
        verdict = lowered[len(_VERDICT) :].strip()
        if verdict not in VERDICTS:
            raise ValueError(f"key fact {fact!r}: a verdict is one of {', '.join(VERDICTS)}")
        return Fact("verdict", (verdict,))
    alternatives = tuple(part.strip() for part in stripped.split("|") if part.strip())
    if not alternatives:
        raise ValueError("an empty key fact")
    return Fact("text", alternatives)


def normalise(text: str) -> str:
    """Lower case, one kind of quote and dash, no thousands separators, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐‑–—-]", " ", text)
    text = re.sub(r"(?<=\d)[\s\u00a0,.](?=\d{3}\b)", "", text)  # 35 000 000, 35,000,000
    text = re.sub(r"(?<=\d)\s*%", "%", text)
    return " ".join(text.split())


def verdict_of(lead: str) -> str | None:
    """The verdict a lead opens with: "Yes…", "No…"/"Not…", "It depends…"."""
    opening = normalise(lead)[:40]
    if re.match(r"^yes\b", opening):
        return "yes"
    if re.match(r"^(no|not)\b", opening):
        return "no"
    if re.match(r"^(it )?depends\b", opening):
        return "depends"
    return None


def stated(
    fact: Fact, lead: str, cited: Sequence[str], holder: Callable[[str], str] = lambda anchor: anchor
) -> bool:
    """Whether the lead states the fact; `cited`: the anchors the lead cites."""
    if fact.kind == "verdict":
        return verdict_of(lead) == fact.values[0]
    if fact.kind == "cites":
        named = [found.anchor for found in find_citations(lead)]
        present = {holder(anchor) for anchor in (*cited, *named)}
        return any(_contains(holder(want), have) for want in fact.values for have in present)
    text = normalise(lead)
    return any(_has(text, normalise(alternative)) for alternative in fact.values)


def share_stated(
    facts: Sequence[str], lead: str, cited: Sequence[str], holder: Callable[[str], str] = lambda a: a
) -> float | None:
    """Share of the key facts the lead states; None for a case with none."""
    if not facts:
        return None
    return sum(stated(read_fact(fact), lead, cited, holder) for fact in facts) / len(facts)


def _contains(want: str, have: str) -> bool:
    return want == have or want.startswith(have + ".") or have.startswith(want + ".")


def _has(text: str, phrase: str) -> bool:
    """`phrase` in `text` at word boundaries ("infer" is in "infers", not in "inference")."""
    return re.search(rf"(?<![\w]){re.escape(phrase)}", text) is not None


# ---------------------------------------------------------------------------------------
# The lead's own check

_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE = re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b")
_AMOUNT = re.compile(r"\beur \d+(?:\.\d+)?\b")
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?%")
_MARKER = re.compile(r"\[(\d+)\]")
# Not after a list number ("areas: 4. Employment …" is one sentence).
_SENTENCE = re.compile(r"(?<!\b\d\.)(?<!\b\d\d\.)(?<=[.!?])\s+(?=[A-Z(“\"‘])|\n+")
_DENIED = re.compile(r"\b(no|not|does not exist|do not exist|there is no|has no|have no)\b", re.I)


def figures(text: str) -> set[str]:
    """The dates, euro amounts and percentages a text states, normalised."""
    plain = normalise(text)
    return {*_DATE.findall(plain), *_AMOUNT.findall(plain), *_PERCENT.findall(plain)}


def lead_verified(
    lead: str,
    passages_by_number: dict[int, str],
    references_by_number: dict[int, Sequence[str]],
    anchors_by_number: dict[int, str],
    holder: Callable[[str], str] = lambda anchor: anchor,
) -> bool | None:
    """Every figure of a lead sentence stands in a passage it cites; every provision the lead
    names is one it cites, one a cited passage names, or one it says does not exist."""
    if not lead.strip():
        return None
    cited_numbers = {int(n) for n in _MARKER.findall(lead)}
    allowed = {anchors_by_number[n] for n in cited_numbers if n in anchors_by_number}
    for n in cited_numbers:
        allowed.update(references_by_number.get(n, ()))
        allowed.update(found.anchor for found in find_citations(passages_by_number.get(n, "")))
    for sentence in _SENTENCE.split(lead):
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        texts = " ".join(passages_by_number.get(n, "") for n in numbers)
        if not figures(sentence) <= figures(texts):
            return False
        for found in find_citations(_MARKER.sub("", sentence)):
            if any(_contains(found.anchor, a) or _contains(holder(found.anchor), holder(a)) for a in allowed):
                continue
            if _DENIED.search(sentence):  # "There is no Article 160": a correction names it
                continue
            return False
    return True


def corrects_premise(lead: str, nonexistent: str) -> bool:
    """The lead says the provision does not exist, naming it."""
    try:
        anchor = parse_citation(nonexistent)
    except CitationError:
        return False
    for sentence in _SENTENCE.split(lead):
        named = {found.anchor for found in find_citations(sentence)}
        if any(_same_missing(anchor, other) for other in named) and _DENIED.search(sentence):
            return True
    return False


def _same_missing(wanted: str, named: str) -> bool:
    """The same provision, or one written another way: 'Article 113, third paragraph, point (e)'
    and 'Article 113, point (e)' name one missing point (same article, same last part)."""
    if wanted == named:
        return True
    want, have = split_anchor(wanted), split_anchor(named)
    return want[0] == have[0] and want[1][0] == have[1][0] and want[1][-1][1] == have[1][-1][1]
