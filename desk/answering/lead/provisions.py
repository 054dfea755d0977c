"""What is X, what changed, what does provision X say, and anything else: the Article 3
definition, what Regulation (EU) 2026/1744 did to a provision, a provision's title and first
statement, the most relevant statements of the law found."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

from desk import divisions
from desk.answering.lead.law import Asked, Law
from desk.answering.lead.plain import plain_for, plain_statement
from desk.answering.lead.text import (
    and_,
    area_name,
    as_part,
    asks_how_long,
    first_sentence,
    repeats,
    stands_alone,
    states_a_duration,
)
from desk.answering.verify import LeadSentence
from desk.backends.extractive import best_statements
from desk.citations import label_for, split_anchor
from desk.history import IN_FORCE_SOURCE, asks_about_earlier, is_earlier
from desk.statements import Statement, item_body, lower_first, statements, title_of
from desk.thesaurus import in_the_acts_words
from desk.types import Authority, Passage, Provision
from desk.understanding import Kind, document_asked_about, opens_a_list

_DEFINITION = re.compile(r"art-3\.pt-\d+")
_BEST = 2  # statements of the best-ranked provisions a lead may draw on
_DIVISION_ARTICLES = 6  # the articles of a chapter or section a lead names
_DEFINITIONS = 2  # definitions a lead gives: two, when the question compares two terms


def definition(law: Law, asked: Asked) -> tuple[list[LeadSentence], None]:
    """The Article 3 definition asked for; both, for two terms set side by side."""
    recognised = [a for a in asked.recognised if _DEFINITION.fullmatch(a)]
    candidates = [p for a in recognised for p in law.corpus.passages_under(a)[:1]]
    written: list[LeadSentence] = []
    for passage in [*candidates, *asked.numbering.passages[:4]]:
        if not _DEFINITION.fullmatch(passage.anchor):
            continue
        meaning = _meaning(passage.text)
        if meaning is None:
            continue
        term = re.search(r"‘([^’]+)’", meaning)
        asked_words = asked.question.lower().replace("'", "’")
        if term and passage.anchor not in recognised and term.group(1).lower() not in asked_words:
            continue
        if (
            term
            and passage.anchor not in recognised
            and _within_a_longer_term(law, term.group(1), asked_words)
        ):
            continue  # 'risk' in "what is the threshold for systemic risk?"
        body = as_part(re.sub(r"^\(\d+\)\s*", "", meaning))
        said = LeadSentence(
            f"Under {label_for(passage.anchor)}, {body}{asked.numbering.marker(passage.anchor)}."
        )
        if said not in written:
            written.append(said)
        if len(written) == max(1, min(len(recognised), _DEFINITIONS)):
            break
    return written, None


def _within_a_longer_term(law: Law, term: str, question: str) -> bool:
    """The question uses the term only as part of a longer one Article 3 defines."""
    term = term.lower()
    longer = [t for t in law.terms if t != term and re.search(rf"\b{re.escape(term)}\b", t)]
    rest = question
    for found in longer:
        rest = rest.replace(found, " ")
    return bool(longer) and not re.search(rf"\b{re.escape(term)}\b", rest)


def _meaning(text: str) -> str | None:
    """A definition's words: "(1) ‘AI system’ means …"; one that lists what it covers ("‘serious
    incident’ means … any of the following: (a) …; (b) …") with its points, all of them."""
    said = statements(text)
    meaning = next((s.body for s in said if "’ means" in s.body), None)
    if meaning is not None:
        return meaning
    listed = [s for s in said if s.lead_in and "’ means" in s.lead_in]
    if not listed:
        return None
    lead_in = listed[0].lead_in
    opening = lead_in[lead_in.rfind("‘", 0, lead_in.rindex("’ means")) :]
    if ":" in opening.rstrip(" :"):  # points with points of their own: the opening, marked as cut
        return f"{opening.split(':')[0].rstrip(' ,')} …"
    return f"{opening.rstrip(' :')}: {'; '.join(item_body(s) for s in listed)}"


def changed(law: Law, asked: Asked) -> tuple[list[LeadSentence], None]:
    numbering = asked.numbering
    if asks_about_earlier(asked.question) and (written := _before_and_now(law, asked)):
        return written, None
    # A provision named, or the first of its parts the amending act changed; else a passage found.
    named = [[a, *(p.anchor for p in law.under(a))] for a in asked.reading.named]
    anchors = [a for parts in named for a in parts if (p := law.provision(a)) is not None and p.amended_by]
    anchors += [
        p.anchor for p in numbering.passages[:4] if p.amended_by and p.source_id == "ai-act-consolidated"
    ]
    for anchor in dict.fromkeys(anchors):
        provision = law.provision(anchor)
        if provision is None or provision.amendment is None:
            continue
        marker = numbering.marker(anchor)
        done = f"{provision.amended_by} {provision.amendment.value} {label_for(anchor)}"
        now = statements(provision.text)
        if now and provision.in_force:
            return [LeadSentence(f"{done}, which now reads: “{as_part(now[0].text)}”{marker}.")], None
        return [LeadSentence(f"{done}{marker}.")], None
    return [], None


def _before_and_now(law: Law, asked: Asked) -> list[LeadSentence]:
    """ "What did Article 113 say before?": the first of its 2024 statements the amending act
    changed, and what stands in its place now, both cited."""
    numbering = asked.numbering
    for number, earlier in enumerate(numbering.passages, start=1):
        in_force = law.provision(earlier.anchor)
        if not is_earlier(earlier.id) or in_force is None:
            continue
        current = statements(in_force.text)
        standing = {_plain(s.text) for s in current}
        changed = [s for s in statements(earlier.text) if _plain(s.text) not in standing]
        if not changed:
            continue
        before = changed[0]
        # "… 2026/1744 amended it, Article 113 …": not "2026/1744, Article 113", which names its own article.
        said = [
            LeadSentence(
                f"Before Regulation (EU) 2026/1744 amended it, {label_for(earlier.anchor)} read: "
                f"“{as_part(before.text)}” [{number}]."
            )
        ]
        replacing = next((s for s in current if s.lead_in and s.body[:4] == before.body[:4]), None)
        if replacing is not None and (holder := _holding(numbering.passages, replacing.body)):
            said.append(LeadSentence(f"It now reads: “{as_part(replacing.text)}” [{holder}]."))
        return said
    return []


def _holding(passages, words: str) -> int | None:
    """The number of the passage in force whose text holds these words."""
    wanted = _plain(words)
    return next(
        (n for n, p in enumerate(passages, start=1) if not is_earlier(p.id) and wanted in _plain(p.text)),
        None,
    )


def _plain(text: str) -> str:
    return " ".join(text.split()).rstrip(" ;,.").lower()


def provision(law: Law, asked: Asked) -> tuple[list[LeadSentence], None]:
    for anchor in asked.reading.named[:1]:
        if areas := _areas(law, anchor, asked):
            return areas, None
        found = law.provision(anchor)
        # Not a bare item label ("a." of Annex XIV's "a. Symbolic AI and expert systems").
        said = [s for s in statements(found.text) if len(s.text.strip(" .")) > 2] if found else []
        if not said:
            continue
        title = title_of(found.heading_path) if "." not in anchor else None
        heading = f"{label_for(anchor)}" + (f" ({title})" if title else "")
        first = plain_statement(said[0] if said[0].lead_in else Statement("", first_sentence(said[0].text)))
        return [LeadSentence(f"{heading}: {first}{asked.numbering.marker(anchor)}.")], None
    return [], None


def _areas(law: Law, anchor: str, asked: Asked) -> list[LeadSentence]:
    """An annex whose points are areas ("1. Biometrics …:", "2. Critical infrastructure:"), by
    its areas: "What does Annex III cover?" is answered by the eight, not by point 1(a)."""
    if not re.fullmatch(r"anx-[IVXL]+", anchor):
        return []
    points = [p for p in law.children(anchor) if p.kind.value == "point"]
    named = [(p.anchor, name) for p in points if (name := area_name(p))]
    if len(named) < 2 or len(named) != len(points):
        return []
    found = law.provision(anchor)
    heading = law.titled(anchor)
    listed = "; ".join(f"{split_anchor(a)[1][-1][1]}. {name}{asked.numbering.marker(a)}" for a, name in named)
    # Its own opening words where it has them ("High-risk AI systems pursuant to Article 6(2)
    # are the AI systems listed in any of the following areas:").
    opening = found.text.strip().splitlines()[0] if found and found.text.strip() else ""
    if opening.endswith(":") and not _AREA_OPENS.match(opening):
        return [LeadSentence(f"{heading}: {opening} {listed}.")]
    return [LeadSentence(f"{heading} lists {len(named)} areas: {listed}.")]


_AREA_OPENS = re.compile(r"^\d+\.")


_LISTED_AT_MOST = 10  # items a lead names of what a document must contain


def contents(law: Law, asked: Asked) -> list[LeadSentence]:
    """ "What must be in the instructions for use?": the list the law gives of what they "shall
    contain", each item by its first words and cited (Article 13(3): (a) the identity and the
    contact details of the provider … [1]; (b) …), from the best-ranked passage that is an item
    of such a list."""
    if document_asked_about(asked.question) is None:
        return []
    for passage in asked.numbering.passages[: _BEST + 1]:
        if passage.source_id != IN_FORCE_SOURCE or passage.authority is not Authority.BINDING:
            continue
        point = law.provision(passage.anchor)
        while point is not None and point.parent and not _states_contents(law.provision(point.parent)):
            point = law.provision(point.parent)  # a sub-point: up to the list that holds it
        holder = law.provision(point.parent) if point is not None and point.parent else None
        if holder is None or not _states_contents(holder):
            continue
        items = [p for p in law.children(holder.anchor) if p.kind.value == "point"]
        if len(items) < 2:
            continue
        listed = "; ".join(
            f"{_item_opening(item)}{asked.numbering.marker(item.anchor)}" for item in items[:_LISTED_AT_MOST]
        )
        more = "; …" if len(items) > _LISTED_AT_MOST else ""
        opening = as_part(holder.text.strip().splitlines()[0])
        return [LeadSentence(f"{_under(label_for(holder.anchor), opening)}: {listed}{more}.")]
    return []


def _states_contents(provision: Provision | None) -> bool:
    """The provision opens with what a document "shall contain" and a list of it."""
    if provision is None or not provision.text.strip():
        return False
    return opens_a_list(provision.text.strip().splitlines()[0])


def _item_opening(item: Provision) -> str:
    """An item's number and first words, up to where its details begin: '1. A general
    description of the AI system …', '(b) the characteristics, capabilities and limitations of
    performance of the high-risk AI system …'."""
    words = " ".join(item.text.strip().splitlines()[0].split()).rstrip(" :;.")
    cut = _DETAILS_BEGIN.split(words, maxsplit=1)[0].rstrip(" ,;:")
    shown = cut.split()
    if len(shown) > _ITEM_WORDS:
        cut = " ".join(shown[:_ITEM_WORDS])
    number = split_anchor(item.anchor)[1][-1][1]
    label = f"({number})" if number.isalpha() else f"{number}."
    return f"{label} {cut}" + ("" if cut == words else " …")


_DETAILS_BEGIN = re.compile(
    r",?\s+(?:including|in particular|where|which|as well as|in accordance with)\b|[;:]"
)
_ITEM_WORDS = 16


def division(law: Law, asked: Asked) -> list[LeadSentence]:
    """What a chapter or section the question names holds, by its articles' own titles:
    'Chapter V (General-purpose AI models) holds 6 articles: Article 51 (…) [1], …'; a
    division of one article, that article and its first statement."""
    for key in divisions.named(asked.question)[:1]:
        found = law.divisions.get(key)
        if found is None or not found.articles:
            continue
        shown = found.articles[:_DIVISION_ARTICLES]
        items = [f"{law.titled(anchor)}{asked.numbering.marker(anchor)}" for anchor in shown]
        heading = f"{found.label} ({found.title})"
        if len(shown) == 1:
            said = [LeadSentence(f"{heading} is {items[0]}.")]
            opening = next((p for p in law.under(shown[0]) if statements(p.text)), None)
            if opening is not None:
                first = _under(label_for(opening.anchor), plain_statement(statements(opening.text)[0]))
                said.append(LeadSentence(f"{first}{asked.numbering.marker(opening.anchor)}."))
            return said
        holds = f"{len(found.articles)} articles" + (
            "" if len(shown) == len(found.articles) else f", the first {len(shown)} of them"
        )
        return [LeadSentence(f"{heading} holds {holds}: {and_(items)}.")]
    return []


def most_relevant(
    asked: Asked, cited: Set[int] = frozenset(), said_before: Sequence[str] = ()
) -> list[LeadSentence]:
    """The most relevant statement of the best-ranked binding passage, and of the next
    provision if it is another one: whole statements, a point with its lead-in. Passages the
    lead cites already are not drawn on again, nor words it has said (the amending act's text
    for a paragraph after the paragraph); the AI Continent Action Plan's are not."""
    numbering = asked.numbering
    # The plan is never quoted as the law is: `plan.said_by_plan` quotes it, labelled.
    numbered = [
        (n, p) for n, p in enumerate(numbering.passages, start=1) if p.authority is not Authority.POLICY
    ]
    top = [passage for _, passage in numbered[:3]]
    binding = {n for n, p in enumerate(top, start=1) if p.authority is Authority.BINDING}
    written: list[LeadSentence] = []
    units = {p.anchor.split(".")[0] for n, p in numbered[:3] if n in cited}
    ranked = best_statements(asked.question, top, in_the_acts_words(asked.question))
    if asks_how_long(asked.question):  # "how long must we keep the logs?": the time limit first
        ranked.sort(key=lambda found: not states_a_duration(found[1].text))
    ranked = _in_force_first(ranked, top)
    openings = {n: statements(p.text)[:1] for n, p in enumerate(top, start=1)}
    for number, statement in ranked:
        passage = top[number - 1]
        leans_on = None
        if not stands_alone(statement.text) and statement not in openings[number]:
            # "This obligation does not require …" is said after the statement it leans on.
            leans_on = _leant_on(passage, statement)
            if leans_on is None:
                continue
        unit = passage.anchor.split(".")[0]
        if (binding and number not in binding) or unit in units or numbered[number - 1][0] in cited:
            continue
        if unit == _PROHIBITIONS and not _asks_about_prohibitions(asked):
            continue  # a ban said beside an answer it does not belong to reads as the verdict
        if unit == _HIGH_RISK_USES and _names_annex_iii_as_setting(asked):
            continue  # "our Annex III system": the question says what it is; a use of it is noise
        if _asks_class_of_an_unnamed_use(asked) and unit not in _CLASSIFICATION_RULES:
            continue  # "is a recommender high-risk?": the rules that classify, not a notified body's duty
        units.add(unit)
        title = title_of(passage.heading_path) if "." not in passage.anchor else None
        heading = label_for(passage.anchor) + (f" ({title})" if title else "")
        # A point is said with its lead-in as one sentence, never after a lead-in's colon.
        said = plain_for(statement, asked.question)
        if leans_on is not None:
            said = f"{plain_for(leans_on, asked.question)}; {lower_first(as_part(statement.text))}"
        if repeats(said, [*said_before, *(w.text for w in written)]):
            continue
        written.append(LeadSentence(f"{_under(heading, said)}{numbering.marker(passage.anchor)}."))
        if len(written) == _BEST:
            break
    return written


def _leant_on(passage: Passage, statement: Statement) -> Statement | None:
    """The statement of the passage just before one that leans on it, if that one stands alone."""
    said = statements(passage.text)
    at = said.index(statement) if statement in said else 0
    before = said[at - 1] if at > 0 else None
    if before is None or before.lead_in or not stands_alone(before.text):
        return None
    return before


def _in_force_first(ranked: list[tuple[int, Statement]], top: list) -> list[tuple[int, Statement]]:
    """Without the amending act's words for a provision when the provision in force says
    them too: the law is cited where it stands, not where it was written in."""
    in_force = [p.text for p in top if p.source_id == IN_FORCE_SOURCE]
    return [
        (n, s)
        for n, s in ranked
        if top[n - 1].source_id != _AMENDING_SOURCE or not repeats(_NUMBERED.sub("", s.text), in_force)
    ]


_NUMBERED = re.compile(r"^\W*\d+[a-z]?\.\s+")  # "1. Providers …": the paragraph's number in the amending act


_AMENDING_SOURCE = "omnibus"


# A statement says something when it has a verb of its own; an entry of a list (Annex I's
# "Regulation (EU) 2017/746 … on in vitro diagnostic medical devices …") only names a thing.
_SAYS = re.compile(
    r"\b(shall|is|are|was|were|may|must|means|has|have|applies|apply|does|do|can|should|will|includes?"
    r"|requires?|covers?|prohibits?|lays? down)\b"
)
# Opening words that start a sentence only because they stand first ("The", "Where", "Providers"),
# unlike a name ("Member States", "Regulation (EU) 2016/679", "Union law", "AI systems").
_COMMON_OPENING = re.compile(
    r"^(The|A|An|Any|This|These|Those|That|Such|Where|When|If|For|In|On|By|Without|Prior|Before|After"
    r"|Each|All|No|It|They|Its|Their|Among|With|Within|Notwithstanding|Upon|Unless|To|Providers?"
    r"|Deployers?|Importers?|Distributors?|Operators?|Notified|Testing|Codes?|Participants?|Subjects?)\b"
)


_PROHIBITIONS = "art-5"


# Kinds of question a prohibition does not answer: a ban found near a duty, a date or a
# definition reads as the verdict ("our bank deploys credit scoring: what must we do?" is not
# answered by the social-scoring ban it resembles).
_NOT_ABOUT_BANS = {Kind.DUTIES, Kind.WHEN, Kind.HOW_MUCH, Kind.HIGH_RISK, Kind.WHAT_IS, Kind.CHANGED}


def _asks_about_prohibitions(asked: Asked) -> bool:
    """Whether a prohibition the passages hold may be quoted: the question asks whether
    something is allowed, names Article 5, or asks nothing that a ban does not answer."""
    reading = asked.reading
    if Kind.ALLOWED in reading.kinds or any(a.split(".")[0] == _PROHIBITIONS for a in reading.named):
        return True
    return not (set(reading.kinds) & _NOT_ABOUT_BANS) and not asked.role.about_duties


_HIGH_RISK_USES = "anx-III"
# What decides whether a system is high-risk: Article 6, Annexes I and III, Article 50's
# transparency cases, and how Annex III is amended.
_CLASSIFICATION_RULES = frozenset({"art-6", "anx-I", "anx-III", "art-50", "art-7"})


def _asks_class_of_an_unnamed_use(asked: Asked) -> bool:
    """Whether a system is high-risk is all that is asked, of a use no Annex III point names."""
    return asked.reading.kinds == (Kind.HIGH_RISK,) and asked.reading.use is None


def _names_annex_iii_as_setting(asked: Asked) -> bool:
    """The question names Annex III only to say what its system is ("the real-world testing plan
    for an Annex III system", "a high-risk system … (Annex III, education)") and asks neither
    whether something is high-risk nor what the annex or one of its points says."""
    reading = asked.reading
    return (
        _HIGH_RISK_USES in reading.named
        and not any(a.startswith(f"{_HIGH_RISK_USES}.") for a in reading.named)
        and not {Kind.HIGH_RISK, Kind.PROVISION, Kind.WHAT_IS} & set(reading.kinds)
    )


def _under(heading: str, said: str) -> str:
    """'Under Article 19(1), the logs shall be kept …'; a list entry under its label."""
    if not _SAYS.search(said):
        return f"{heading}: {said}"
    opening = said[:1].lower() + said[1:] if _COMMON_OPENING.match(said) else said
    return f"Under {heading}, {opening}"
