"""A provision the question names that the law does not have, or no longer has: said first,
with what the law has there ("There is no Article 160 in the AI Act: its articles run from 1
to 113 …"), read from the corpus, never typed here."""

from __future__ import annotations

import re

from desk import divisions
from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import and_, listing
from desk.answering.verify import LeadSentence
from desk.citations import label_for, split_anchor
from desk.understanding import MissingProvision

_NOUNS = {"par": "paragraphs", "pt": "points", "sub": "paragraphs", "sec": "sections"}


def corrections(law: Law, asked: Asked) -> list[LeadSentence]:
    written = [LeadSentence(said, (division,)) for division, said in _missing_divisions(law, asked.question)]
    for missing in asked.reading.missing[:2]:
        label, has = _what_it_has(law, missing)
        nearest = ""
        if missing.nearest and "." in missing.nearest and (number := asked.numbering.of(missing.nearest)):
            nearest = f" The nearest provision is {label_for(missing.nearest)} [{number}]."
        written.append(LeadSentence(f"There is no {label} in the AI Act: {has}.{nearest}", (missing.anchor,)))
    for anchor in asked.reading.named:
        provision = law.provision(anchor)
        if provision is not None and not provision.in_force and (number := asked.numbering.of(anchor)):
            said = f"{label_for(anchor)} no longer applies: {provision.amended_by} deleted it [{number}]."
            written.append(LeadSentence(said, (anchor,)))
    return written


def _what_it_has(law: Law, missing: MissingProvision) -> tuple[str, str]:
    """(the missing provision's label, what the law has there instead)."""
    if missing.nearest is None or "." not in missing.anchor:
        inserted = f" (with {and_(law.inserted_articles)} inserted)" if law.inserted_articles else ""
        return missing.label, (
            f"its articles run from 1 to {law.last_article}{inserted}, its recitals from 1 to "
            f"{law.last_recital} and its annexes from I to {law.last_annex}"
        )
    kind = split_anchor(missing.anchor)[1][-1][0]
    parts = law.parts_of(missing.nearest, kind)
    label = missing.label
    if kind == "par" and not parts and (points := law.parts_of(missing.nearest, "pt")):
        # "Article 3(70)": Article 3 has points, not paragraphs.
        kind, parts = "pt", points
        label = label_for(missing.anchor.replace(".par-", ".pt-"))
    noun = _NOUNS.get(kind, "parts")
    if not parts:
        return label, f"{label_for(missing.nearest)} has no {noun}"
    # An annex numbers its points without brackets ("Annex III has points 1 to 8"), as its text does.
    written = "annex-pt" if kind == "pt" and split_anchor(missing.nearest)[1][-1][0] == "anx" else kind
    return label, f"{label_for(missing.nearest)} has {noun} {listing(parts, written)}"


_TITLE = re.compile(r"\bTitle\s+([IVXL]+)\b")


def _missing_divisions(law: Law, question: str) -> list[tuple[str, str]]:
    """'There is no Chapter XIV in the AI Act: its chapters run from I to XIII.'; 'There is no
    Section 6 in Chapter III: Chapter III has Sections 1 to 5.' (what it denies, the sentence)"""
    chapters = [c for c, s in law.divisions if s is None]
    said = []
    # "Title III": the Commission's proposal had titles; the Act as adopted has chapters.
    for title in dict.fromkeys(_TITLE.findall(question)):
        if chapters:
            run = f"it is divided into chapters, which run from {chapters[0]} to {chapters[-1]}"
            said.append((f"Title {title}", f"There is no Title {title} in the AI Act: {run}."))
    for chapter, section in divisions.named(question):
        if not chapters or (chapter, section) in law.divisions:
            continue
        if (chapter, None) not in law.divisions:
            run = f"its chapters run from {chapters[0]} to {chapters[-1]}"
            said.append((f"Chapter {chapter}", f"There is no Chapter {chapter} in the AI Act: {run}."))
            continue
        sections = [s for c, s in law.divisions if c == chapter and s is not None]
        has = f"has Sections {listing(sections, 'sec')}" if sections else "has no sections"
        where = f"Chapter {chapter}"
        sentence = f"There is no Section {section} in {where}: {where} {has}."
        said.append((f"{where}, Section {section}", sentence))
    return said[:2]
