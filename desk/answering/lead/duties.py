"""What must we do: the asker's role's duty articles, by their own titles, and what the main
one lists (the titles of the articles its points refer to, else its points' own words)."""

from __future__ import annotations

import re

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.plain import plain_statement
from desk.answering.lead.text import and_, article, as_part
from desk.answering.verify import LeadSentence
from desk.backends.extractive import best_statements
from desk.citations import label_for
from desk.roles import ROLE_DUTIES, ROLE_NAMES
from desk.routing import transparency_duties
from desk.statements import first_clause, item_body, lower_first, sentence_case, statements, title_of

_DUTY_ITEMS = 6  # the articles a duty provision's points refer to, named in the lead


def duties(law: Law, asked: Asked) -> tuple[list[LeadSentence], None]:
    reading, role, numbering = asked.reading, asked.role, asked.numbering
    if role.role is None:
        if reading.transparency:  # Article 50: the provider's duty and the deployer's, each as it stands
            return [first_statement(law, a, asked) for a in transparency_duties(reading.question.lower())][
                :2
            ], None
        return [], None  # the answer asks the role back (`clarify`) rather than list every role's duties
    anchors = [a for a in ROLE_DUTIES[role.role] if law.provision(a) is not None]
    if not anchors:  # a corpus without the role's duty provisions (a fixture, a partial text)
        return [], None
    transparency = [a for a in anchors if a.startswith("art-50.")]
    if reading.transparency and transparency:
        anchors = transparency
    elif len(anchors) > len(transparency):
        anchors = [a for a in anchors if a not in transparency]
    named = []
    for anchor in anchors[:3]:
        title = title_of(law.provision(anchor).heading_path)
        named.append(f"{label_for(anchor)}" + (f" ({title})" if title else ""))
    who = ROLE_NAMES[role.role]
    verb = "applies" if len(named) == 1 else "apply"
    marker = numbering.marker(*anchors[:3])
    written = [LeadSentence(f"{sentence_case(and_(named))} {verb} to you as {article(who)} {who}{marker}.")]
    return written + _duty_items(law, anchors[0], asked), None


def first_statement(law: Law, anchor: str, asked: Asked) -> LeadSentence:
    """'Article 50(2): Providers of AI systems … shall ensure …': a provision's first statement."""
    provision = law.provision(anchor)
    said = statements(provision.text) if provision else []
    first = (plain_statement(said[0]) if said[0].lead_in else as_part(said[0].text)) if said else ""
    return LeadSentence(f"{label_for(anchor)}: {first}{asked.numbering.marker(anchor)}.")


def _duty_items(law: Law, anchor: str, asked: Asked) -> list[LeadSentence]:
    """What the main duty provision lists: the titles of the articles its points refer to
    (Article 16: a quality management system, Article 17; …), each cited to the point that
    refers to it; else its points' own words; else its paragraph the question found first."""
    provision = law.provision(anchor)
    if provision is None:
        return []
    numbering = asked.numbering
    referred: dict[str, str] = {}  # "quality management system (Article 17)" -> the point saying so
    for part in (p for p in law.under(anchor) if p.kind.value == "point"):
        for reference in part.references:
            target = reference.anchor.split(".")[0] if reference.anchor else ""
            title = (
                title_of(law.provision(target).heading_path)
                if target.startswith("art-") and law.provision(target)
                else None
            )
            if title and target != anchor.split(".")[0]:
                referred.setdefault(f"{lower_first(title)} ({label_for(target)})", part.anchor)
    if len(referred) >= 3:
        items = [f"{item}{numbering.marker(part)}" for item, part in list(referred.items())[:_DUTY_ITEMS]]
        return [LeadSentence(f"They include {and_(items)}.")]
    items = [s for s in statements(provision.text) if s.lead_in]
    if items:
        listed = "; ".join(first_clause(item_body(s), 8) for s in items[:5])
        # Cited to the paragraph whose points they are: the lead-in may name other articles
        # ("In addition to the obligations listed in Articles 53 and 54, …") that only that
        # paragraph's passage names. Its number ("1.") is not part of the sentence.
        holder = _holding_paragraph(law, anchor, items[0].lead_in)
        lead_in = re.sub(r"^\d+[a-z]?\.\s+", "", as_part(items[0].lead_in.rstrip(":")))
        return [LeadSentence(f"{lead_in}: {listed}{numbering.marker(holder)}.")]
    return [first_statement(law, _paragraph_asked(law, anchor, asked), asked)]


def _holding_paragraph(law: Law, anchor: str, lead_in: str) -> str:
    """The paragraph of an article whose text holds a lead-in (the article itself if none)."""
    opening = re.sub(r"^\d+[a-z]?\.\s+", "", " ".join(lead_in.split()))[:60]
    for paragraph in law.children(anchor):
        if paragraph.kind.value == "paragraph" and opening in " ".join(paragraph.text.split()):
            return paragraph.anchor
    return anchor


def _paragraph_asked(law: Law, anchor: str, asked: Asked) -> str:
    """The paragraph of a duty article the question's own words point to ("our workers" ->
    Article 26(7)), ranked as the quotes are ranked, earlier paragraphs first on a tie: the
    first paragraph is the main duty."""
    paragraphs = [p.anchor for p in law.children(anchor) if p.kind.value == "paragraph"]
    passages = [found[0] for a in paragraphs if (found := law.corpus.passages_under(a))]
    if not passages:
        return anchor
    number, _ = best_statements(asked.question, passages)[0]
    return passages[number - 1].anchor
