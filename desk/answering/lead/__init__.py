"""The direct answer, composed from the law's own structure and words.

    reading (kinds, subject) ─► facts the corpus states ─► one to four sentences, each cited
        premises   a provision that does not exist, said first       premises.py
                   a figure the law states otherwise; a sweeping claim it narrows   figures.py, claims.py
        when       the timeline's date for the subject (Article 113, Article 111)   dates.py
        how much   the fine clause of Article 99's tier, Article 101 for GPAI models  fines.py
        high-risk? the Annex III point's words, Article 6(2), 6(3); Article 50   classification.py
        allowed?   the Article 5 point that prohibits the practice        classification.py
        covered?   the Article 2 exclusion the question's words describe   coverage.py
        duties     the role's duty articles by their titles, and what they list   duties.py
        what is, what changed, provision X, anything else                 provisions.py
        the AI Continent Action Plan: its words, labelled as policy; after the law   plan.py
        do the guidelines bind?  what each says of its own standing        guidance.py
A verdict ("Yes", "No", "It depends") opens the lead only where that structure gives it to a
yes/no question that asks that kind and carries no premise of its own. Nothing is written per
question; every sentence goes through `desk.answering.verify` afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from desk.answering.checks import cited_numbers
from desk.answering.lead import (
    claims,
    classification,
    coverage,
    dates,
    duties,
    figures,
    fines,
    guidance,
    plan,
    premises,
    provisions,
)
from desk.answering.lead.law import Asked, Law, Numbering
from desk.answering.lead.text import asks_how_long, repeats, states_a_duration
from desk.answering.verify import LeadSentence
from desk.index.loaded import Corpus
from desk.roles import RoleReading
from desk.statements import sentence_case
from desk.timeline import Timeline
from desk.types import Authority, Passage
from desk.understanding import (
    Kind,
    Reading,
    asks_about_eu_action,
    asks_about_the_whole_act,
    kinds_of,
    last_question,
)

MAX_SENTENCES = 4
SUPPORTING = 3  # a lead shorter than this gains the most relevant statement it does not cite
_YES_NO = re.compile(
    r"^\s*(is|are|does|do|did|has|have|can|could|may|must|should|shall|will|would|am)\b"
    # A statement with a question tag asks yes or no too ("… it is not high-risk, right?").
    r"|,\s*(right|correct|true|is(n't| not) it|are(n't| not) (we|they)|do(n't| not) (we|they))\s*\?\s*$"
    r"|\bor not\s*\?\s*$",  # "High-risk or not?"
    re.I,
)
# A question that carries its own premise ("… automatically not high-risk, right?") gets no
# verdict word from the law's structure: the premise is what needs answering.
_PREMISE = re.compile(
    r"\b(automatically|right|correct|true|surely|really)\b\s*\??\s*$|\bautomatically\b", re.I
)
_NEGATED = re.compile(
    r"\b(not|n't|no longer|never)\b[^.?!]{0,30}\b(high[- ]risk|prohibited|allowed|permitted|covered"
    r"|apply|applies|in effect|in force)\b|\bexempt\w*",
    re.I,
)
_VERDICT_WORDS = {"yes": "Yes", "no": "No", "depends": "It depends"}


@dataclass
class Lead:
    """The direct answer: its sentences, and the passages they are numbered against."""

    sentences: list[LeadSentence]
    passages: list[Passage]
    verdict: str | None = None
    dropped: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


Write = Callable[[Law, Asked], tuple[list[LeadSentence], str | None]]


class Composer:
    """Writes the lead of an answer from what the corpus states. Built once per index; each
    call works on its own `Asked`, so threads may share it."""

    def __init__(self, corpus: Corpus, timeline: Timeline):
        self.law = Law(corpus, timeline)
        practices = classification.Practices(self.law)
        exclusions = coverage.Exclusions(self.law)
        self._standing = guidance.Standing(self.law)
        self._writers: dict[Kind, Write] = {
            Kind.WHEN: dates.when,
            Kind.HOW_MUCH: fines.fines,
            Kind.HIGH_RISK: classification.high_risk,
            Kind.ALLOWED: lambda law, asked: classification.allowed(law, practices, asked),
            Kind.COVERED: lambda law, asked: coverage.covered(law, exclusions, asked),
            Kind.WHAT_IS: provisions.definition,
            Kind.DUTIES: duties.duties,
            Kind.CHANGED: provisions.changed,
            Kind.PROVISION: provisions.provision,
            Kind.POLICY: plan.policy,
        }

    def compose(
        self,
        reading: Reading,
        role: RoleReading,
        passages: Sequence[Passage],
        dated: Sequence[str] = (),
        today: date | None = None,
        recognised: Sequence[str] = (),
    ) -> Lead:
        asked = Asked(
            reading, role, Numbering(passages, self.law.corpus), dated, recognised, today or date.today()
        )
        corrections = premises.corrections(self.law, asked)
        sentences = list(corrections)
        verdict = None
        standing, said = guidance.binding(self.law, self._standing, asked)
        if standing:  # whether the Commission's guidelines bind: their own words on it, first
            verdict = said if _YES_NO.match(last_question(reading.question).strip()) else None
            sentences += [_opened(standing[0], verdict), *standing[1:]]
        # "What does Chapter III, Section 2 require?": the articles it holds. Not when the
        # chapter is only the setting of what is asked ("when do the Chapter III rules apply?").
        setting = reading.named or _asks_more(reading) or set(reading.kinds) - {Kind.PROVISION, Kind.WHAT_IS}
        held = [] if setting else provisions.division(self.law, asked)
        sentences += held
        listed = provisions.contents(self.law, asked)  # "what must be in …?": the list, and no more
        sentences += listed
        kinds = list(reading.kinds)
        if any(re.fullmatch(r"art-3\.pt-\d+", a) for a in recognised) and Kind.WHAT_IS not in kinds:
            kinds.append(Kind.WHAT_IS)  # "does it count as an 'AI system'?"
        if Kind.POLICY in kinds and plan.asks_for_a_footnote(reading.question):
            # The copy lacks the plan's footnotes: said first; what the footnote cited is the law's.
            kinds = [Kind.POLICY] + [k for k in kinds if k is not Kind.POLICY]
        elif Kind.POLICY in kinds:
            # The plan is the subject: its dates, terms and annex are its own, not the law's;
            # whatever the law answers besides comes first.
            kinds = [k for k in kinds if k not in _PLAN_ANSWERS] + [Kind.POLICY]
        substantive = False
        for kind in kinds:
            if len(sentences) >= MAX_SENTENCES or kind not in self._writers:
                continue
            written, said = self._writers[kind](self.law, asked)
            if not written:
                continue
            said = _judged(kind, reading, said) if verdict is None else None  # one verdict: the first kind's
            written[0] = _opened(written[0], said)
            verdict = verdict or said
            sentences += written
            substantive = substantive or not (kind is Kind.DUTIES and role.role is None)
        # A question that only names a provision or division (one that does not exist, a
        # chapter) is answered by what is said of it; the law's nearest statements would be noise.
        only_named = ((corrections or held) and not _asks_more(reading)) or bool(listed)
        whole_act = asks_about_the_whole_act(reading.question) or dates.asks_entry_into_force(reading)
        only_named = only_named or (bool(sentences) and whole_act)
        if not only_named and (Kind.POLICY not in kinds or not sentences):
            # No kind the law's structure answers: its most relevant statements; else, while the
            # lead is short, the most relevant statement it does not cite yet.
            room = (SUPPORTING if substantive else MAX_SENTENCES) - len(sentences)
            found = provisions.most_relevant(asked, _cited(sentences), [s.text for s in sentences])
            sentences += found[: max(room, 0)]
            if sentences and len(sentences) < MAX_SENTENCES and _plan_speaks(asked):
                sentences += plan.said_by_plan(asked)  # the plan after the law, labelled as policy
        if verdict is None and asks_how_long(reading.question):
            # "How long must we keep the logs?": the sentence with the time limit is the answer,
            # after any correction of the question's premise, which is always said first.
            answer = sorted(sentences[len(corrections) :], key=lambda s: not states_a_duration(s.text))
            sentences = sentences[: len(corrections)] + answer
        if verdict is None and not corrections:
            # "Given that Article 73 gives us 30 days …": the law's figure, said first as the correction.
            at = figures.contradicted(reading.question, sentences, asked.numbering.passages)
            if at is not None:
                rule = figures.general_rule(self.law, asked, sentences[at])
                # The rule the quoted exception departs from is the correction; the exception follows.
                said = [figures.corrected(rule or sentences[at]), *([sentences[at]] if rule else [])]
                sentences = [*said, *sentences[:at], *sentences[at + 1 :]]
                verdict = "no"
        # "Since every deployer must do a FRIA, …": the law's narrower statement, said first.
        if verdict is None and not corrections and (correcting := claims.correcting(asked, sentences)):
            sentences, verdict = correcting, "no"
        # "Since the Omnibus scrapped X, is there still …?": the law in force on X, said first.
        if (
            verdict is None
            and not corrections
            and (kept := claims.still_in_force(self.law, asked, sentences))
        ):
            sentences, verdict = kept, "yes"
        return Lead(_without_repeats(sentences)[:MAX_SENTENCES], asked.numbering.passages, verdict)


# The kinds a question on the plan asks of the plan itself: when, what is, what does it say,
# what does it require (nothing: it is policy).
_PLAN_ANSWERS = {Kind.WHEN, Kind.WHAT_IS, Kind.PROVISION, Kind.DUTIES, Kind.POLICY}
_PLAN_AMONG = 3  # a plan passage this high among the passages found speaks to the question
_PLAN_AMONG_ON_EU_ACTION = 6  # ... or this high, when the question asks what the EU does


def _plan_speaks(asked: Asked) -> bool:
    among = _PLAN_AMONG_ON_EU_ACTION if asks_about_eu_action(asked.question) else _PLAN_AMONG
    return any(p.authority is Authority.POLICY for p in asked.numbering.passages[:among])


# Words that only point at a provision or ask to see it: after "There is no Recital 200",
# "Explain Recital 200 of the AI Act" asks nothing more the law could answer.
_POINTING = frozenset(
    "act list lists cover covers summarise summarize summary contain contains text read reads set sets "
    "according chapter chapters section sections regulation explain show give quote require requires "
    "hold holds include includes deal deals rules".split()
)
_NUMERAL = re.compile(r"^[ivxl]+$")


def _asks_more(reading: Reading) -> bool:
    """The question says something of its own beyond naming a provision."""
    return any(w not in _POINTING and not _NUMERAL.match(w) for w in reading.own_words)


def _judged(kind: Kind, reading: Reading, verdict: str | None) -> str | None:
    """The verdict word the lead may open with: only for a yes/no question that asks this kind
    in its last question and carries no premise of its own; turned round for "… not high-risk?"."""
    if verdict is None:
        return None
    asked = last_question(reading.question)
    # Article 6(3)'s "always high-risk where the AI system performs profiling" settles a premise
    # of "not high-risk" whatever else the question claims.
    always = kind is Kind.HIGH_RISK and classification.performs_profiling(reading.question)
    if not _YES_NO.search(asked.strip()) or (_PREMISE.search(asked) and not always):
        return None
    if kind not in kinds_of(asked) and kind is not Kind.WHEN:
        return None
    if _NEGATED.search(asked) and verdict in {"yes", "no"}:
        return "no" if verdict == "yes" else "yes"
    return verdict


def _opened(sentence: LeadSentence, verdict: str | None) -> LeadSentence:
    """'Yes: …', 'No: …' or 'It depends: …' before the first sentence of a kind, when judged."""
    text = sentence.text
    if text.startswith(classification.NOT_AS_SUCH):
        rest = text.removeprefix(classification.NOT_AS_SUCH)
        opened = f"No, not as such: {rest}" if verdict else sentence_case(rest)
        return LeadSentence(opened, sentence.denies)
    if verdict is None or text.startswith("That depends"):
        return sentence
    return LeadSentence(f"{_VERDICT_WORDS[verdict]}: {text}", sentence.denies)


def _without_repeats(sentences: Sequence[LeadSentence]) -> list[LeadSentence]:
    """The lead without a sentence that says again what one before it said (a deleted
    paragraph corrected, then reported as deleted); a sentence with the verdict stays."""
    kept: list[LeadSentence] = []
    for sentence in sentences:
        if _VERDICT.match(sentence.text) or not repeats(sentence.text, [k.text for k in kept]):
            kept.append(sentence)
    return kept


_VERDICT = re.compile(rf"^({'|'.join(_VERDICT_WORDS.values())})\b")  # what `_opened` writes


def _cited(sentences: Sequence[LeadSentence]) -> set[int]:
    return {n for s in sentences for n in cited_numbers(s.text)}
