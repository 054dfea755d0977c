"""Do the Commission's guidelines bind? What each guideline says of its own standing, quoted:
"These Guidelines are non-binding. Any authoritative interpretation of the AI Act may
ultimately only be given by the Court of Justice of the European Union"."""

from __future__ import annotations

import re

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import as_part, sentences_of
from desk.answering.verify import LeadSentence
from desk.citations import label_for
from desk.types import Authority
from desk.understanding import last_question

_GUIDELINES = re.compile(r"\bguidelines?\b|\bguidance\b|\bc\(2025\) ?505[23]\b", re.I)
_BINDING_ASKED = re.compile(
    r"\b(legal(?:ly)? (?:binding|force|effect|status)|binding|bind|enforceable|mandatory"
    r"|obliged to follow)\b",
    re.I,
)
_OWN_STANDING = re.compile(r"\bnon-binding\b|\bnot binding\b", re.I)


class Standing:
    """Each guideline's passage on its own standing, found once per index."""

    def __init__(self, law: Law):
        self.anchors: list[str] = []
        for passage in law.corpus.passages:
            own_standing = passage.authority is Authority.GUIDANCE and _OWN_STANDING.search(passage.text)
            if own_standing and passage.anchor not in self.anchors:
                self.anchors.append(passage.anchor)


def asks_if_guidelines_bind(question: str) -> bool:
    asked = last_question(question)
    return bool(_GUIDELINES.search(asked) and _BINDING_ASKED.search(asked))


def binding(law: Law, standing: Standing, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    """'No: Guidelines C(2025) 5052, paragraph 5, says: “These Guidelines are non-binding. …”'."""
    if not standing.anchors or not asks_if_guidelines_bind(asked.question):
        return [], None
    written = []
    for anchor in standing.anchors[:2]:
        passage = law.corpus.passages_under(anchor)[0]
        # Its sentences quoted one by one in one lead sentence, so that the marker covers them all.
        said = "”; “".join(as_part(s) for s in sentences_of(passage.text))
        written.append(LeadSentence(f"{label_for(anchor)} says: “{said}”{asked.numbering.marker(anchor)}."))
    return written, "no"
