"""What must we do: the asker's role's duty articles, by their own titles, and what the main
one lists (the titles of the articles its points refer to, else its points' own words)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.plain import plain_statement
from desk.answering.lead.text import and_, article, as_part, first_sentence
from desk.answering.verify import LeadSentence
from desk.backends.extractive import best_statements
from desk.citations import label_for
from desk.roles import ROLE_DUTIES, ROLE_NAMES
from desk.routing import recognition_duty, transparency_duties
from desk.statements import (
    Statement,
    first_clause,
    item_body,
    lower_first,
    sentence_case,
    statements,
    title_of,
)
from desk.types import Role
from desk.understanding import Kind, last_question

_DUTY_ITEMS = 6  # the articles a duty provision's points refer to, named in the lead


def duties(law: Law, asked: Asked) -> tuple[list[LeadSentence], None]:
    reading, role, numbering = asked.reading, asked.role, asked.numbering
    if role.role is None:
        if reading.transparency:  # Article 50: the provider's duty and the deployer's, each as it stands
            return [first_statement(law, a, asked) for a in transparency_duties(reading.question.lower())][
                :2
            ], None
        if _compares_roles(asked):  # "how do deployers' duties differ from providers'?": each one's
            return _by_role(law, asked, asked.role.mentioned[:2], "Each role has its own duties: "), None
        # The answer asks the role back (`clarify`); to "what are our obligations?" it also names
        # the two roles the duties turn on, each by its main duty article.
        return (_by_role(law, asked) if _asks_duties_in_general(asked) else []), None
    anchors = [a for a in ROLE_DUTIES[role.role] if law.provision(a) is not None]
    if not anchors:  # a corpus without the role's duty provisions (a fixture, a partial text)
        return [], None
    transparency = [a for a in anchors if a.startswith("art-50.")]
    informing = [a for a in recognition_duty(reading.question.lower()) if a in transparency]
    if reading.transparency and transparency:
        # Of the role's Article 50 duties, those for the system the question names (a deep
        # fake's deployer discloses it, Article 50(4); an emotion recognition system's, 50(3)).
        named = set(
            transparency_duties(reading.question.lower()) + recognition_duty(reading.question.lower())
        )
        anchors = [a for a in transparency if a in named] or transparency
    elif informing:  # an emotion recognition system's deployer: Article 50(3) first, then Article 26
        anchors = informing + [a for a in anchors if a not in transparency]
    elif len(anchors) > len(transparency):
        anchors = [a for a in anchors if a not in transparency]
    named = [law.titled(anchor) for anchor in anchors[:3]]
    who = ROLE_NAMES[role.role]
    verb = "applies" if len(named) == 1 else "apply"
    marker = numbering.marker(*anchors[:3])
    written = [LeadSentence(f"{sentence_case(and_(named))} {verb} to you as {article(who)} {who}{marker}.")]
    return written + _duty_items(law, anchors[0], asked), None


# Whose duties a question without a role turns on: a system's provider and deployer; a
# general-purpose AI model's provider, with or without systemic risk.
_ROLES_ASKED_BACK = (Role.PROVIDER, Role.DEPLOYER)
_MODEL_ROLES_ASKED_BACK = (Role.GPAI_PROVIDER, Role.GPAI_SYSTEMIC_PROVIDER)


_PLURAL = {
    Role.PROVIDER: "providers",
    Role.DEPLOYER: "deployers",
    Role.GPAI_PROVIDER: "providers of general-purpose AI models",
    Role.GPAI_SYSTEMIC_PROVIDER: "those of models with systemic risk",
}
# "What are our obligations?", "What do we have to do?": duties in general, nothing narrower.
_DUTIES_IN_GENERAL = re.compile(
    r"^\W*(what|which) (are|is) (our|my|the) (main |key )?(obligations?|duties|responsibilities|requirements)"
    r"\b|^\W*what (must|should|do|shall) (we|i) (have to |need to )?do\b"
)
_SHORT = 16  # words: a longer question describes a situation, and its duty is narrower


def _asks_duties_in_general(asked: Asked) -> bool:
    reading = asked.reading
    return (
        len(reading.question.split()) <= _SHORT
        and bool(_DUTIES_IN_GENERAL.search(last_question(reading.question).strip().lower()))
        and set(reading.kinds) <= {Kind.DUTIES, Kind.WHAT_IS}  # "what are our obligations" reads as both
        and not reading.named
        and not asked.role.mentioned
        and not reading.transparency
    )


def _by_role(
    law: Law,
    asked: Asked,
    roles: Sequence[Role] = (),
    opening: str = "That depends on your role: the duties are set by ",
) -> list[LeadSentence]:
    """'That depends on your role: the duties are set by Article 16 (…) for providers and
    Article 26 (…) for deployers.'"""
    roles = roles or (_MODEL_ROLES_ASKED_BACK if asked.reading.gpai else _ROLES_ASKED_BACK)
    named = []
    for role in roles:
        anchor = ROLE_DUTIES[role][0]
        if law.provision(anchor) is None:
            return []
        plural = _PLURAL.get(role, f"{ROLE_NAMES[role]}s")
        named.append(f"{law.titled(anchor)} for {plural}{asked.numbering.marker(anchor)}")
    return [LeadSentence(f"{opening}{and_(named)}.")]


# "How do the obligations of deployers differ from those of providers?", "provider vs deployer duties"
_COMPARES = re.compile(
    r"\bdiffer\w*\b|\bdistinguish\w*\b|\b(vs\.?|versus)\b|\bcompared? (to|with)\b|\bcompare\b", re.I
)


def _compares_roles(asked: Asked) -> bool:
    roles = asked.role.mentioned
    return len(roles) >= 2 and bool(_COMPARES.search(last_question(asked.question)))


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
        listed = "; ".join(first_clause(duty, 8) for duty in _own_points(items)[:5])
        # Cited to the paragraph whose points they are: the lead-in may name other articles
        # ("In addition to the obligations listed in Articles 53 and 54, …") that only that
        # paragraph's passage names. Its number ("1.") is not part of the sentence.
        holder = _holding_paragraph(law, anchor, items[0].lead_in)
        lead_in = re.sub(r"^\d+[a-z]?\.\s+", "", as_part(items[0].lead_in.rstrip(":")))
        return [LeadSentence(f"{lead_in}: {listed}{numbering.marker(holder)}.")]
    return [first_statement(law, _paragraph_asked(law, anchor, asked), asked)]


def _own_points(items: list[Statement]) -> list[str]:
    """The duty list's own points, each once: a point with sub-points by its own words
    (Article 53(1)(b) "draw up … and make available information and documentation …"), not
    by its sub-points ("contain, at a minimum, the elements set out in Annex XII")."""
    top = items[0].lead_in
    points: list[str] = []
    for statement in items:
        if statement.lead_in == top:
            points.append(item_body(statement))
        elif statement.lead_in.startswith(top):
            parent = statement.lead_in[len(top) :].strip()
            point = item_body(Statement("", first_sentence(parent)))
            if point not in points:
                points.append(point)
    return points


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
