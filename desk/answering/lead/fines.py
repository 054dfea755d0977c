"""How much: the fine clause of Article 99's tier for the breach (Article 101 for providers of
general-purpose AI models), with its amounts and percentages as the law states them."""

from __future__ import annotations

import re

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import as_part
from desk.answering.verify import LeadSentence
from desk.citations import label_for
from desk.routing import fine_tiers
from desk.statements import sentence_case

_FINE_CLAUSE = re.compile(
    r"fines (?:of up to|not exceeding) (?P<clause>.+?whichever (?:thereof )?is (?:higher|lower))", re.S
)


def fines(law: Law, asked: Asked) -> tuple[list[LeadSentence], None]:
    written = []
    for anchor in fine_tiers(" ".join(asked.question.lower().split())):
        provision = law.provision(anchor)
        if provision is None:
            continue
        text = " ".join(provision.text.split())
        marker = asked.numbering.marker(anchor)
        clause = _FINE_CLAUSE.search(text)
        if clause is None:  # Article 99(6): how the tiers apply to SMEs, in its own words
            written.append(LeadSentence(f"{label_for(anchor)}: {as_part(text)}{marker}."))
            continue
        breach = _breach(text[: clause.start()], anchor)
        amount = clause.group("clause").replace(", or EUR", " or EUR")
        written.append(LeadSentence(f"{breach}: fines of up to {amount} ({label_for(anchor)}){marker}."))
    return written, None


def _breach(before: str, anchor: str) -> str:
    """What a fine is for, from the words before its amount ('Non-compliance with …')."""
    text = re.sub(
        r"\s*(shall be subject to|the commission may impose on)\s*(administrative)?\s*$",
        "",
        before.strip(),
        flags=re.I,
    )
    text = re.sub(r"^the commission may impose on\s+", "", text, flags=re.I)
    text = text.replace("any of the following provisions", f"the provisions listed in {label_for(anchor)}")
    return sentence_case(text.strip(" ,"))
