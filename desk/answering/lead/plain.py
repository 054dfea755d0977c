"""A point of the law and its lead-in, said as one plain sentence.

A lead quotes no lead-in that ends in a colon. "Providers of high-risk AI systems shall:
… (h) affix the CE marking" is said "Providers of high-risk AI systems shall affix the CE
marking"; "… only where all of the following conditions are met: (d) the provider is
established in the Union" is said "… only where all of the conditions are met, among them that
the provider is established in the Union", which keeps that the point is one of several. The
words are the law's; only the joints between lead-in and point are written here. The whole
statement, lead-in and point, is quoted below the lead under "What the law says".
"""

from __future__ import annotations

import re

from desk.answering.lead.text import as_part, best_sentence, sentence_for, sentences_of
from desk.statements import Statement, lower_first

# A point's or paragraph's number: "1.", "3.1.", "(a)", "(iv)", "(12)".
_NUMBER = re.compile(r"^(?:\d{1,2}[a-z]?\.(?:\d{1,2}\.)?|\((?:[a-z]{1,2}|[ivx]+|\d{1,2})\))\s+")

# How lead-ins end, and what each becomes before its point:
# "… including:", "… shall:", "… regarding:" run straight on into the point.
_RUNS_ON = re.compile(
    r"\b(including|in particular|namely|such as|regarding|concerning|of|on|to|for|by|with|that|where"
    r"|when|if|shall|may|must|consisting of|based on|relevant for|at a minimum|at least|as follows"
    r"|in which)\s*:$"
)
# "3. Education and vocational training:" (no verb of its own) names the area of its points.
_HEADING = re.compile(
    r"^(?:\d{1,2}\.\s+)?(?!.*\b(shall|may|must|appl\w+|means|includ\w*|lays?|are|has|have|will|can"
    r"|should)\b)[A-Z][^:;]{2,200}:$"
)
# "The following AI practices shall be prohibited:" -> "Among the AI practices that shall be prohibited is …"
_THE_FOLLOWING_ARE = re.compile(r"^The following (?P<what>.+?) (?P<verb>shall be|are|is) (?P<done>[\w-]+):$")
# "For the purposes of this Regulation, the following definitions apply:" -> "For the purposes …, ‘x’ means"
_DEFINITIONS = re.compile(r",?\s*the following definitions apply:$")
# "… where all of the following conditions are met:" -> "… all of the conditions are met, among them that …"
_CONDITIONS = re.compile(
    r"\b(?P<how>all|any|both|either|one or more|each|one)(?: of)? (?:the )?following"
    r"(?P<what>(?: (?!is\b|are\b)[\w-]+){0,2})"
    r"(?P<met> (?:is|are) (?:met|fulfilled|satisfied))?(?P<rest>[^:]*):$"
)
# "… shall take into account the following criteria:" -> "… the criteria listed, including …"
_FOLLOWING = re.compile(
    r"\b(?:at least |at a minimum )?the following(?P<what>(?: [\w-]+){0,3}?)(?P<rest>,[^:]*)?:$"
)
_CIRCUMSTANCES = re.compile(r"\b(circumstances|cases|situations)\b")

# A point that is a clause ("the AI system is intended to …", "they make …") reads after
# "that" or "where"; one that is a noun phrase ("the intended purpose of the AI system",
# "a statement that the declaration is issued …") does not.
_FINITE = re.compile(
    r"^[^,;]{0,120}?\b(is|are|has|have|shall|does|do|can|may|will|was|were|meets?|poses?|makes?|puts?"
    r"|modif(?:y|ies)|lays? down|applies|apply)\b"
)
_CLAUSE_START = re.compile(r"^(they|it|the|a|an|that|its|their|such|no|any|all|[\w-]+ (?:is|are))\b", re.I)
_RELATIVE = re.compile(r"\b(that|which|who|whom|whose|where|when)\b")
# A point that is a task ("verify that …") after "… carry out the tasks listed, including to".
_BARE_VERB = re.compile(
    r"^(ensure|verify|keep|provide|draw|put|affix|take|inform|cooperate|indicate|comply|perform|assess"
    r"|establish|make|register|carry|document|report|submit|enable|use|monitor|appoint|allow|identify"
    r"|evaluate|demonstrate|publish|adopt|contribute|support|facilitate|organise|collect|issue|request"
    r"|prepare|grant|refuse|withdraw|restrict|suspend|enter|examine|seal|ask|lay|terminate|notify|apply"
    r"|designate|promote|develop|encourage|consult|retain|store|have|mitigate|conduct|track|give)\b"
)


def plain_statement(statement: Statement) -> str:
    """A statement as one sentence without list numbering: a point read into its lead-in
    (into each of them, innermost first, for a sub-point), a sentence as it stands."""
    if not statement.lead_in:
        return as_part(_NUMBER.sub("", statement.body))
    said = as_part(_NUMBER.sub("", " ".join(statement.body.split())))
    lead_ins = [p.strip() for p in re.split(r"(?<=:)\s+", " ".join(statement.lead_in.split())) if p.strip()]
    for lead_in in reversed(lead_ins):
        # Only the lead-in's last sentence introduces the point: "… Regulation. To that end,
        # the Board may in particular:".
        last = sentences_of(lead_in)[-1]
        said = _joined(_NUMBER.sub("", last), said, heading=bool(_HEADING.match(last)))
    return as_part(said)


def plain_for(statement: Statement, question: str) -> str:
    """The statement's sentence that answers the question best, said plainly: a sentence of
    its lead-in that stands on its own ("Prior to deploying …, deployers … shall perform an
    assessment …"), or its last read into the point."""
    if not statement.lead_in:
        return _NUMBER.sub("", sentence_for(statement.text, question))
    before = sentences_of(" ".join(statement.lead_in.split()))[:-1]
    before = [_NUMBER.sub("", sentence) for sentence in before if not sentence.endswith(":")]
    return best_sentence([*before, plain_statement(statement)], question)


def _joined(lead_in: str, point: str, heading: bool = False) -> str:
    lead_in = lead_in.strip()
    if not lead_in.endswith(":"):
        return f"{lead_in} {point}"
    if _RUNS_ON.search(lead_in):
        return f"{lead_in.rstrip(':')} {point}"
    if heading:
        return f"{point} ({lead_in.rstrip(':')})"
    if found := _THE_FOLLOWING_ARE.match(lead_in):
        return f"Among the {found['what']} that {found['verb']} {found['done']} is {point}"
    if _DEFINITIONS.search(lead_in):
        head = _DEFINITIONS.sub("", lead_in)
        return f"{head}, {point}" if head else point
    point = lower_first(point) if re.match(r"^(The|A|An|Where|Its|Their|Any)\b", point) else point
    if found := _CONDITIONS.search(lead_in):
        # "… any of the following provisions related to operators, …:" keeps its own words.
        what = found["what"].strip()
        listed = f"{found['how']} of the {what}" if what else f"{found['how']} of those listed"
        # A condition is "that …"; a circumstance is "where …"; a thing named is itself.
        among = "among them"
        if _is_clause(point):
            among += " where" if _CIRCUMSTANCES.search(what) else " that"
        return f"{lead_in[: found.start()]}{listed}{found['met'] or ''}{found['rest']}, {among} {point}"
    if found := _FOLLOWING.search(lead_in):
        head = lead_in[: found.start()]
        if re.search(r"\b(including|in particular|such as|namely)\s*$", head):
            return f"{head.rstrip()} {point}"
        what = found["what"].strip()
        listed = f"the {what} listed" if what else "what is listed"
        to = "to " if _BARE_VERB.match(point) else ""
        return f"{head}{listed}{found['rest'] or ''}, including {to}{point}"
    return f"{lead_in.rstrip(':')} {point}"


def _is_clause(point: str) -> bool:
    """'the AI system is intended to …' is a clause; 'a statement that the declaration is …' is not."""
    verb = _FINITE.match(point)
    return bool(verb and _CLAUSE_START.match(point)) and not _RELATIVE.search(point[: verb.start(1)])
