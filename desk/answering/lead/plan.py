"""What the AI Continent Action Plan says: policy, never the law.

The plan is a Commission communication with no binding force. A lead that draws on it says
so in the sentence itself, quotes the plan's own words (its figures and dates: "up to 5 AI
Gigafactories", "(July 2025)"), and comes after the law where a question touches both.

    about the plan        its statement that shares most words with the question; for a
                          "when" question, the statement that gives a date
    does it bind?         "No": a Commission communication, which sets no legal obligation
    what the copy lacks   the plan's Annex I and footnotes are in no copy the desk holds; the
                          AI Factories are given as read from the plan's map
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import as_part
from desk.answering.verify import LeadSentence
from desk.citations import label_for
from desk.index.lexical import tokens
from desk.types import Authority, Passage
from desk.understanding import last_question

STANDING = "a Commission policy document, not law"
_PLAN_PASSAGES = 6  # of the answer's passages, the plan's first ones a lead draws on
# A date as the plan gives its actions one: "(Q3/Q4 2025)", "July 2025", "by end 2025", "2026".
_PLAN_DATE = re.compile(
    r"\bQ[1-4](?:\s*[/-]\s*Q?[1-4])?\s+20\d\d\b|\b(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\s+20\d\d\b|\(20\d\d\)|\bby end 20\d\d\b|\bin 20\d\d\b",
    re.I,
)
_BINDING_ASKED = re.compile(
    r"\b(legal(?:ly)?|binding|bind|obligations?|obliged|enforceable|mandatory)\b", re.I
)
_ASKS_WHEN = re.compile(
    r"\bwhen\b|\bwhat date\b|\bdeadlines?\b|\btimeline\b|\bwhich (?:quarter|year)\b", re.I
)
_ASKS_WHAT_IS = re.compile(r"\bwhat (?:is|are) (?:an? |the )?(?P<term>[^?.,]{3,80}?)\s*\??\s*$", re.I)
_PLANS_NAME = re.compile(r"\b(?:in |of )?(?:the\s+)?(?:AI\s+Continent\s+)?Action\s+Plan\b", re.I)
_ASKS_HOW_MANY = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:amount|budget|number)\b", re.I)
_FIGURE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundreds?|thousands?)\b", re.I
)
_WANTED = 2.0  # a sentence of the kind asked (dated, with a figure) outweighs shared words
_MIN_WORDS = 5
_LENGTH_WEIGHT = 0.35
_GOES_ON = re.compile(r"(?:They|It|These|This|Its|Their) ")
_SECOND = 0.6  # a second sentence shares at least this much of the first's words with the question
_LACKS = re.compile(r"\bannex(?:es)?\b|\bfootnotes?\b", re.I)
_FOOTNOTE = re.compile(r"\bfootnotes?\b", re.I)


def asks_for_a_footnote(question: str) -> bool:
    """A footnote of the plan is asked for: what it cited (the law, often) is still answered."""
    return bool(_FOOTNOTE.search(question))


def policy(law: Law, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    """The lead of a question on the plan: what it lacks, whether it binds, then its words."""
    plan = _plan_passages(asked)
    if not plan:
        return [], None
    if _LACKS.search(asked.question) and (lacking := _what_the_copy_lacks(law, asked)):
        # What there is instead: the map, or (for a footnote) what the plan's text says.
        return lacking + ([] if lacking[0].denies == () else said_by_plan(asked, plan, follows=True)), None
    if _BINDING_ASKED.search(last_question(asked.question)):
        marker = asked.numbering.marker(plan[0].anchor)
        return [
            LeadSentence(
                "The AI Continent Action Plan is a Commission communication, a policy document with "
                f"no binding force: it sets no legal obligation{marker}; obligations come from the AI Act."
            ),
            *said_by_plan(asked, plan, follows=True),
        ], "no"
    return said_by_plan(asked, plan, limit=2), None


def said_by_plan(
    asked: Asked, plan: Sequence[Passage] | None = None, limit: int = 1, follows: bool = False
) -> list[LeadSentence]:
    """The plan's sentences that answer the question best, each from another passage, in the
    plan's words and labelled as policy. A "when" question is answered by a sentence that
    dates something, a "how many" one by a sentence with a figure; a second sentence must
    share words with the question as the first does. `follows`: a sentence on the plan
    comes before these."""
    plan = _plan_passages(asked) if plan is None else list(plan)
    asked_words = set(tokens([asked.question])[0])
    asking = last_question(asked.question)
    wants = [
        pattern
        for question, pattern in ((_ASKS_WHEN, _PLAN_DATE), (_ASKS_HOW_MANY, _FIGURE))
        if question.search(asking)
    ]
    if (term := _ASKS_WHAT_IS.search(asking)) and (defined := _opening_with(term["term"])):
        wants.append(defined)
    candidates = [
        (*_fit(asked_words, sentence, wants, rank), rank, passage, quoted)
        for rank, passage in enumerate(plan, start=1)
        for sentence, quoted in _sentences(passage)
    ]
    written: list[LeadSentence] = []
    used: set[str] = set()
    first_shared = None
    for _score, shared, _rank, passage, quoted in sorted(candidates, key=lambda c: (-c[0], c[2])):
        if passage.anchor in used or (first_shared is not None and shared < _SECOND * first_shared):
            continue
        used.add(passage.anchor)
        first_shared = shared if first_shared is None else first_shared
        marker = asked.numbering.marker(passage.anchor)
        quoted = as_part(quoted)
        again = follows or bool(written)
        written.append(LeadSentence(f"{_according_to(passage, again=again)}: “{quoted}”{marker}."))
        if len(written) >= limit:
            break
    return written


def _sentences(passage: Passage) -> list[tuple[str, str]]:
    """(sentence, what to quote) for each sentence of the passage that can be read alone. A
    paragraph's lead-in ("In line with this vision:") is quoted before its bullet; a box's
    title ("Key Commission actions:") is not; a dated action that introduces sub-items
    ("Launch the AI Skills Academy (Q2 2025), including:") is a sentence of its own. A
    sentence that goes on in the next ("They integrate …") is quoted with it."""
    pieces: list[tuple[str, str]] = []  # (lead-in, sentence)
    lead_in = ""
    for line in (line.strip() for line in passage.text.splitlines()):
        body = re.sub(r"^[-•]\s+", "", line)
        if body.endswith(":") and not _PLAN_DATE.search(body):
            lead_in = "" if body.lower().startswith("key commission") else body.rstrip(":")
            continue
        body = re.sub(r",?\s*(?:including|as follows)?\s*:$", "", body)
        pieces += [(lead_in, sentence) for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", body)]
    found = []
    for position, (lead_in, sentence) in enumerate(pieces):
        if len(sentence.split()) < _MIN_WORDS:
            continue
        following = pieces[position + 1][1] if position + 1 < len(pieces) else ""
        quoted = f"{sentence} {following}" if _GOES_ON.match(following) else sentence
        found.append((sentence, f"{lead_in} … {quoted}" if lead_in else quoted))
    return found


def _opening_with(term: str) -> re.Pattern[str] | None:
    """A sentence that opens with the term asked about ("AI Factory Antennas will provide …")
    or puts what it is beside it ("the AI Skills Academy, a one-stop shop …"), singular or
    plural: the plan's own account of what it is."""
    words = [
        w for w in re.findall(r"[\w-]+", _PLANS_NAME.sub(" ", term)) if w.lower() not in {"a", "an", "the"}
    ]
    if not words or len(words) > 6:
        return None
    stems = r"\s+".join(re.escape(w.rstrip("s")) + r"\w{0,3}" for w in words)
    return re.compile(rf"^(?:the\s+)?{stems}\b|{stems},\s+(?:an?|the|which)\b", re.I)


def _fit(
    asked_words: set[str], sentence: str, wants: list[re.Pattern[str]], rank: int
) -> tuple[float, float]:
    """(the sentence's score, its words shared with the question): retrieval's order breaks
    ties, and speaks when no word matches."""
    words = set(tokens([sentence])[0])
    # Lengths weigh less than in the law's quotes: the plan's sentences that carry a figure
    # are long, and a short one sharing fewer words should not win on its brevity alone.
    shared = len(asked_words & words) / (1 + len(words)) ** _LENGTH_WEIGHT
    wanted = sum(_WANTED for pattern in wants if pattern.search(sentence))
    return wanted + shared + 0.5 / rank, shared


def _what_the_copy_lacks(law: Law, asked: Asked) -> list[LeadSentence]:
    """The plan's Annex I and footnotes are in no copy the desk holds: said first; for the
    annex, the map's AI Factories in its place, cited to the map."""
    if _FOOTNOTE.search(asked.question):
        return [
            LeadSentence(
                "The desk's copy of the AI Continent Action Plan does not hold the plan's footnotes "
                "(nor its Annex I): no copy of them could be had, so what a footnote says cannot be "
                "given from it.",
                denies=("ap.footnotes",),  # says what the copy lacks; cites nothing
            )
        ]
    factories = next((p for p in law.corpus.passages_under("ap.sec-1-1.map")[:1]), None)
    if factories is None:
        return []
    marker = asked.numbering.marker(factories.anchor)
    names = [line.removeprefix("- ").split(" (")[0] for line in factories.text.splitlines()[1:]]
    return [
        LeadSentence(
            "The desk's copy of the AI Continent Action Plan does not hold the plan's Annex I (nor its "
            f"footnotes); in its place it has the map of section 1.1, which shows {len(names)} AI "
            f"Factories, as read from the map: {', '.join(names)}{marker}."
        )
    ]


def _plan_passages(asked: Asked) -> list[Passage]:
    plan = [p for p in asked.numbering.passages if p.authority is Authority.POLICY]
    return plan[:_PLAN_PASSAGES]


def _according_to(passage: Passage, again: bool = False) -> str:
    """ "The AI Continent Action Plan (a Commission policy document, not law; section 1.2, p. 9)
    says"; a second sentence of the lead names only where: "Its section 5, paragraph 2 (p. 22) says"."""
    where = label_for(passage.anchor).removeprefix("AI Continent Action Plan, ")
    says = "lists among the Commission's key actions" if ".actions." in passage.anchor else "says"
    if again:
        page = f" (p. {passage.page})" if passage.page else ""
        return f"Its {where}{page} {says}"
    page = f", p. {passage.page}" if passage.page else ""
    return f"The AI Continent Action Plan ({STANDING}; {where}{page}) {says}"
