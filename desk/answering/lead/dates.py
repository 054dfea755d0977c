"""When: the timeline's date for what the question is about, said with the point of
Article 113 that sets it, and Article 111's deadline for what is already on the market."""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import as_part, listing, sentences_of
from desk.answering.verify import DATE, LeadSentence
from desk.citations import label_for
from desk.index.lexical import tokens
from desk.routing import about_products
from desk.statements import chapter_of, lower_first, statements, title_of
from desk.timeline import TimelineEntry
from desk.types import Authority, Passage
from desk.understanding import Reading, asks_about_the_whole_act, last_question, subject_named_by_word

_ALREADY = re.compile(r"\b(already|yet|now|currently|today|still|in effect|in force)\b", re.I)
# "When do the GPAI duties apply?" is the timeline's; "by when must the Commission report?"
# is answered by the deadline the provision sets itself.
_ASKS_APPLICATION = re.compile(
    r"\b(appl(y|ies|icable|ication)|in force|in effect|take effect|kicks? in|start\w*|begin\w*|binding"
    r"|enforce\w*|live|fined?)\b",
    re.I,
)
_DEADLINE_AMONG = 3  # the passages ranked this high may hold the deadline asked about
_SHARED_ENOUGH = 3  # words a dated sentence shares with the question to be about it
_LATER_PROHIBITIONS = ("art-5.par-1.pt-ba", "art-5.par-1.pt-bb", "art-5.par-1a", "art-5.par-1b")


def when(law: Law, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    if its_own := _entry_into_force(law, asked):
        return its_own, None
    if not _ASKS_APPLICATION.search(last_question(asked.question)) and (own := _own_deadline(asked)):
        return [own], None
    written: list[LeadSentence] = []
    verdict = None
    numbering = asked.numbering
    for set_by in asked.dated[:1]:
        entries = [e for e in law.timeline.entries if e.set_by == set_by]
        named = _named_subject(law, asked.reading, set_by)
        subject = named or _dated_subject(law, numbering.passages, set_by)
        if named is None and (by_word := _named_by_word(law, asked.reading, set_by, subject)):
            subject = named = by_word  # "when do the bans apply?": Article 5, unless a ban was found
        if subject is not None and len(entries) > 1:
            applying = law.timeline.applying_to(subject.anchor, subject.heading_path)
            entries = [e for e in applying if e in entries] or entries
        entries = _by_systems(entries, asked.reading)
        if not entries:
            continue
        whole = asks_about_the_whole_act(asked.question)
        if set_by == _GENERAL and (subject is None or whole) and entries[0].kind == "application":
            written += _the_whole_act(law, entries[0], asked)
            continue
        if entries[0].kind != "application" or (
            subject is None and set_by not in {"art-113.pt-c", "art-113.pt-d"}
        ):  # entry into force, a transition, a date with no subject: in the law's own words
            written += in_its_words(law, set_by, asked)
            continue
        what = _what_applies(entries[0], subject, named is not None)
        dates = " and ".join(e.status(asked.today).removeprefix("applies ") for e in entries)
        # The subject's passage is cited too: the chapter or article title used is its heading.
        marker = numbering.marker(set_by, *([subject.anchor] if subject else []))
        verb = "apply" if re.search(r"\b(Sections|Articles|rules)\b", what) else "applies"
        written.append(LeadSentence(f"{what} {verb} {dates} ({label_for(set_by)}){marker}."))
        if subject is not None and _stands_for_all_bans(subject.anchor):
            # "When does Article 5 apply?", "when do the bans apply?": its later prohibitions
            # have their own date.
            written += in_its_words(law, set_by, asked)
        if len(entries) == 1 and _ALREADY.search(last_question(asked.question)):
            verdict = "yes" if entries[0].date <= asked.today else "no"
        if subject is not None and (
            transition := law.timeline.transition_for(subject.anchor, subject.heading_path)
        ):
            written += in_its_words(law, transition, asked)
    return written, verdict


# "When did the AI Act enter into force?", "… the Digital Omnibus?": each act's own article on
# it (Article 113, first paragraph; the amending act's last article), and, asked why, the
# recital that gives the amending act's reason. Not "when does it apply": the timeline's.
_AMENDING_ACT = re.compile(r"\bomnibus\b|2026/1744|\bamending (act|regulation)\b", re.I)
_ENTERS_INTO_FORCE = re.compile(
    r"\b(enter\w*|came|come|comes|coming) into force\b|\b(take|took|taken) effect\b", re.I
)
_IN_FORCE = re.compile(r"\bin force\b|\beffective\b", re.I)
_ENTRY_INTO_FORCE = {"omnibus": "omnibus.art-4", "ai-act": "art-113.sub-1"}
_ITS_REASON = "omnibus.rct-46"
_WHY = re.compile(r"\bwhy\b|\breason\b|\burgen\w+", re.I)
_THIS_REGULATION = re.compile(r"^This Regulation shall enter into force")
_DATED_ELSEWHERE = re.compile(r"\bentered into force on (\d{1,2} \w+ \d{4})")


def asks_entry_into_force(reading: Reading) -> str | None:
    """Which act's entry into force the question asks about: "omnibus", "ai-act" or None."""
    question = reading.question
    if reading.named:
        return None
    if _AMENDING_ACT.search(question) and (_ENTERS_INTO_FORCE.search(question) or _IN_FORCE.search(question)):
        return "omnibus"
    if _ENTERS_INTO_FORCE.search(question) and asks_about_the_whole_act(question):
        return "ai-act"
    return None


def _entry_into_force(law: Law, asked: Asked) -> list[LeadSentence]:
    act = asks_entry_into_force(asked.reading)
    provision = law.provision(_ENTRY_INTO_FORCE[act]) if act else None
    if provision is None:
        return []
    anchor = provision.anchor
    name = "Regulation (EU) 2026/1744" if act == "omnibus" else "the AI Act"
    rule = as_part(provision.text)
    plain = _THIS_REGULATION.sub(f"{name} entered into force", rule)
    mark = asked.numbering.marker(anchor)
    if plain == rule:
        said = [LeadSentence(f"{label_for(anchor)}: {rule}{mark}.")]
    elif act == "omnibus":
        said = [LeadSentence(f"{plain} ({label_for(anchor)}){mark}.")]
    else:
        said = [LeadSentence(f"Under {label_for(anchor)}, {plain}{mark}.")]
    if act == "ai-act" and (dated := _dated_by_guidance(law)) is not None:
        # The Act gives a rule, not a day; the Commission's guidelines give the day.
        day, passage = dated
        mark = asked.numbering.marker(passage.anchor)
        said.append(LeadSentence(f"{label_for(passage.anchor)}, gives the day: {day}{mark}."))
    reason = law.provision(_ITS_REASON)
    if act == "omnibus" and _WHY.search(asked.question) and reason is not None:
        mark = asked.numbering.marker(_ITS_REASON)
        said.append(
            LeadSentence(f"{label_for(_ITS_REASON)}, gives the reason: {as_part(reason.text)}{mark}.")
        )
    return said


def _dated_by_guidance(law: Law) -> tuple[str, Passage] | None:
    """The first guidelines paragraph that says on which day the AI Act entered into force."""
    for passage in law.corpus.passages:
        if passage.authority is Authority.GUIDANCE and (found := _DATED_ELSEWHERE.search(passage.text)):
            return found.group(1), passage
    return None


_GENERAL = "art-113.sub-2"  # "It shall apply from 2 August 2026."
_EXCEPTIONS = "art-113.sub-3"  # "However: (a) … (d) …"


def _the_whole_act(law: Law, entry: TimelineEntry, asked: Asked) -> list[LeadSentence]:
    """'The AI Act applies since 2 August 2026 (Article 113, second paragraph); Article 113,
    third paragraph, sets earlier and later dates for parts of it.'"""
    marker = asked.numbering.marker(_GENERAL)
    said = f"The AI Act {entry.status(asked.today)} ({label_for(_GENERAL)}){marker}"
    if law.provision(_EXCEPTIONS) is None:
        return [LeadSentence(f"{said}.")]
    parts = f"points {listing(law.parts_of(_EXCEPTIONS.split('.')[0], 'pt'), 'pt')}"
    return [
        LeadSentence(
            f"{said}; {label_for(_EXCEPTIONS)}, {parts}, sets earlier and later dates for parts of it"
            f"{asked.numbering.marker(_EXCEPTIONS)}."
        )
    ]


def _own_deadline(asked: Asked) -> LeadSentence | None:
    """A deadline the provision found sets itself ("By 2 August 2029 … the Commission shall
    evaluate …"), for a question on when something must be done rather than when rules apply:
    the dated sentence of the best-ranked binding passages that shares most with the question."""
    question = set(tokens([asked.question])[0])
    best: tuple[int, str, str] | None = None
    for passage in asked.numbering.passages[:_DEADLINE_AMONG]:
        if passage.authority is not Authority.BINDING or passage.anchor.startswith("art-113"):
            continue
        for statement in statements(passage.text):
            for sentence in sentences_of(statement.text):
                if not DATE.search(sentence):  # the dates the lead check reads
                    continue
                shared = len(question & set(tokens([sentence])[0]))
                if shared >= _SHARED_ENOUGH and (best is None or shared > best[0]):
                    best = (shared, passage.anchor, sentence)
    if best is None:
        return None
    _, anchor, sentence = best
    return LeadSentence(f"{label_for(anchor)}: {as_part(sentence)}{asked.numbering.marker(anchor)}.")


def in_its_words(law: Law, anchor: str, asked: Asked) -> list[LeadSentence]:
    """A dating provision's first statement that holds a date, as it stands."""
    provision = law.provision(anchor)
    if provision is None:
        return []
    first = next((s.text for s in statements(provision.text) if re.search(r"\d{4}|day", s.text)), None)
    if first is None:
        return []
    return [LeadSentence(f"{label_for(anchor)}: {as_part(first)}{asked.numbering.marker(anchor)}.")]


def _stands_for_all_bans(anchor: str) -> bool:
    """Article 5 as a whole, or a part of it that is not one prohibition (a point of its first
    paragraph: "the ban on social scoring" has one date)."""
    return anchor.split(".")[0] == _LATER_PROHIBITIONS[0].split(".")[0] and not anchor.startswith(
        (*_LATER_PROHIBITIONS, "art-5.par-1.pt-")
    )


def _named_subject(law: Law, reading: Reading, set_by: str) -> Passage | None:
    """The provision the question names, when the timeline dates it by `set_by` ("When does
    Article 50 apply?"): its first passage, standing for the whole of it."""
    for anchor in reading.named:
        provision = law.provision(anchor)
        if provision is None or not provision.in_force or anchor.startswith(("art-113", "art-111")):
            continue
        if any(e.set_by == set_by for e in law.timeline.applying_to(anchor, provision.heading_path)):
            found = law.corpus.passages_under(anchor)[:1]
            return found[0].model_copy(update={"anchor": anchor}) if found else None
    return None


def _named_by_word(law: Law, reading: Reading, set_by: str, found: Passage | None) -> Passage | None:
    """What the question names by a word ("the bans": Article 5), unless a passage found is a
    part of it ("the ban on social scoring": Article 5(1)(c))."""
    anchor = subject_named_by_word(reading.question.lower())
    if anchor is None or (found is not None and found.anchor.startswith(f"{anchor}.")):
        return None
    provision = law.provision(anchor)
    if provision is None or not any(
        e.set_by == set_by for e in law.timeline.applying_to(anchor, provision.heading_path)
    ):
        return None
    first = law.corpus.passages_under(anchor)[:1]
    return first[0].model_copy(update={"anchor": anchor}) if first else None


def _dated_subject(law: Law, passages: Sequence[Passage], set_by: str) -> Passage | None:
    """The provision whose date the question asks: the first of the Act's passages the
    timeline dates by `set_by`."""
    for passage in passages:
        if passage.source_id != "ai-act-consolidated" or passage.anchor.startswith(("art-113", "art-111")):
            continue
        if any(e.set_by == set_by for e in law.timeline.applying_to(passage.anchor, passage.heading_path)):
            return passage
    return None


def _by_systems(entries: list[TimelineEntry], reading: Reading) -> list[TimelineEntry]:
    """Of two dates for two kinds of high-risk system, the one the question is about."""
    if len(entries) < 2 or not all(e.systems for e in entries):
        return entries
    lowered = reading.question.lower()
    if reading.use or "annex iii" in lowered or "6(2)" in lowered:
        return [e for e in entries if "Annex III" in e.systems] or entries
    if about_products(lowered) or "6(1)" in lowered:
        return [e for e in entries if "Annex I" in e.systems and "Annex III" not in e.systems] or entries
    return entries


def _what_applies(entry: TimelineEntry, subject: Passage | None, named: bool = False) -> str:
    """What the date is for, by the subject's chapter or article title; a provision the
    question names, by its own label."""
    if entry.set_by == "art-113.pt-c":
        return "Chapter III, Sections 1 to 3 (the rules for high-risk AI systems)"
    if entry.set_by == "art-113.pt-d":
        return "Articles 102 to 110 (the amendments to other Union acts)"
    if (
        named
        or entry.set_by in {"art-113.sub-2", "art-111.par-4"}
        or subject.anchor.startswith(_LATER_PROHIBITIONS)
    ):
        title = title_of(subject.heading_path)
        return f"{label_for(subject.anchor)}" + (f" ({lower_first(title)})" if title else "")
    return chapter_of(subject.heading_path) or label_for(subject.anchor)
