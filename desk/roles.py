"""Who is asking: the asker's role under the AI Act, and the provisions that set its duties.

Firms ask "what must *we* do?", and the answer depends on the part they play: a provider's
duties for a high-risk system are in Article 16, a deployer's in Article 26. The role comes
from the request (the widget's role picker), from the question's own words ("we use a
CV-screening tool", "as an importer"), or from earlier questions of the conversation.

A duty question with no role gets a question back. A question about rebranding or
substantially modifying a high-risk system is an Article 25 question: the deployer, importer
or distributor who does that becomes the system's provider.

The table of duty provisions was reviewed against the consolidated text (2026-07-27); a test
checks that every anchor exists and is headed as expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desk.types import Role

# The provisions that set each role's own duties, the main one first.
ROLE_DUTIES: dict[Role, tuple[str, ...]] = {
    Role.PROVIDER: ("art-16", "art-50.par-1", "art-50.par-2"),
    Role.DEPLOYER: ("art-26", "art-27", "art-50.par-3", "art-50.par-4"),
    Role.IMPORTER: ("art-23",),
    Role.DISTRIBUTOR: ("art-24",),
    Role.AUTHORISED_REPRESENTATIVE: ("art-22", "art-54"),
    Role.PRODUCT_MANUFACTURER: ("art-25.par-3",),
    Role.GPAI_PROVIDER: ("art-53",),
    Role.GPAI_SYSTEMIC_PROVIDER: ("art-55", "art-53"),
}

ROLE_NAMES: dict[Role, str] = {
    Role.PROVIDER: "provider",
    Role.DEPLOYER: "deployer",
    Role.IMPORTER: "importer",
    Role.DISTRIBUTOR: "distributor",
    Role.AUTHORISED_REPRESENTATIVE: "authorised representative",
    Role.PRODUCT_MANUFACTURER: "product manufacturer",
    Role.GPAI_PROVIDER: "provider of a general-purpose AI model",
    Role.GPAI_SYSTEMIC_PROVIDER: "provider of a general-purpose AI model with systemic risk",
}

# Article 25(1): the three ways a deployer, importer, distributor or other third party becomes
# the provider of a high-risk AI system.
ROLE_SWITCH_ANCHOR = "art-25.par-1"

_GPAI = r"(general[- ]purpose ai models?|gpai( models?)?|foundation models?|large language models?|llms?)"
_ORGANISATION = (
    r"((hr|human resources|it|sales|marketing|recruitment|legal|compliance) (department|team)|company|bank"
    r"|firm|hospital|clinic|school|university|municipality|city|council|agency|insurer|employer|ministry|authority"
    r"|retailer|shop|store|call cent(re|er)|group|subsidiary|organi[sz]ation|business|department|team|police)"
)
# What a role's own name, or what a firm says it does, tells of its role. Checked in this
# order; the first pattern of a role that matches counts for that role.
_ROLE_WORDS: list[tuple[Role, re.Pattern[str]]] = [
    (Role.GPAI_SYSTEMIC_PROVIDER, re.compile(rf"\bsystemic risks?\b.*{_GPAI}|{_GPAI}.*\bsystemic risks?\b")),
    (
        Role.GPAI_PROVIDER,
        re.compile(
            rf"\b(provider|providers) of (an? |the )?{_GPAI}"
            rf"|\bwe (develop|train|release|publish|build|provide|fine[- ]tune|place)\b.{{0,60}}{_GPAI}"
            rf"|\bour (own )?{_GPAI}|\b{_GPAI} providers?\b"
        ),
    ),
    (Role.AUTHORISED_REPRESENTATIVE, re.compile(r"\bauthori[sz]ed representatives?\b")),
    (
        Role.PRODUCT_MANUFACTURER,
        re.compile(
            r"\bproduct manufacturers?\b|\bwe (manufacture|make|build) (machines|machinery|toys|"
            r"medical devices|lifts|vehicles|products)\b|\bmanufacturers? of (machinery|toys|medical devices)"
        ),
    ),
    (
        Role.IMPORTER,
        re.compile(r"\bimporters?\b|\bwe import\b|\bimporting\b|\bbring .{0,40} into the (eu|union)\b"),
    ),
    (Role.DISTRIBUTOR, re.compile(r"\bdistributors?\b|\bwe (distribute|resell)\b|\bresell(er|ers|ing)?\b")),
    (
        Role.DEPLOYER,
        re.compile(
            r"\bdeployers?\b|\bwe (use|deploy|are using|'re using|want to use|plan to use|bought|purchased|"
            r"licen[cs]e)\b|\bwe have (bought|purchased|licen[cs]ed|deployed)\b|\busing (an?|the) .{0,60}"
            r"(we|our company) (bought|purchased|licen[cs]ed)\b|\b(we are|we're|as) an employer\b"
            r"|\bwe (are about to|plan to|want to|will) (introduce|roll out|implement|adopt)\b"
            # "We're a retail bank about to deploy …": who is about to deploy it deploys it.
            r"|\b(about|going|planning|set) to (deploy|roll out|start using)\b"
            # "Our bank deploys …", "our HR department uses …": the organisation named, not "we"
            # ("our model uses …" is the system, not its user).
            rf"|\bour {_ORGANISATION} (uses|deploys|is using|is deploying|wants to use|plans to use|will use"
            r"|has deployed|has bought|bought|licenses|licences)\b"
        ),
    ),
    (
        Role.PROVIDER,
        re.compile(
            r"\bproviders?\b|\bwe (develop|build|sell|make|train|market|place .{0,40} on the market"
            r"|put .{0,40} into service)\b|\bwe are developing\b|\bwe have (developed|built)\b"
            r"|\bour (own )?(product|software) "
        ),
    ),
]
DUTY_QUESTION = re.compile(
    r"\b(obligations?|dut(y|ies)|responsibilit(y|ies)|requirements? (for|on) (us|me)|must (we|i)|do (we|i) "
    r"(have|need) to|are (we|i) (required|obliged)|have to do|need to do|comply|compliance|what do (we|i) "
    r"need|what (must|should|shall)|who (must|has to)|requires? (from|of|us|me)|required of"
    r"|(have|need) to (tell|inform|disclose|label|notify)"
    # "What documentation must a GPAI provider keep?": a role's duty, asked in the third person.
    r"|what \w+( \w+)? (must|should|shall|do|does|has to|have to) (an? |the )?[\w -]{0,30}"
    r"(providers?|deployers?"
    r"|importers?|distributors?|manufacturers?|representatives?))\b"
)
_ROLE_SWITCH = re.compile(
    r"\b(our|my|own) (name|brand|trade ?mark|label)\b|\brebrand|\bwhite[- ]label|\bsubstantial(ly)? modif"
    r"|\b(modify|modified|modifying|change|changed|changing|alter) (the |its |an? )?(intended purpose|"
    r"high[- ]risk)|\brepurpos|\bbecome (the |a )?provider\b|\bbecomes? (the |a )?provider\b"
)


_SELF_NAMED = re.compile(r"\b(as|we are|we're|i am|i'm|we act as|acting as|our company is)\s+(an?|the)\s+")


@dataclass(frozen=True)
class RoleReading:
    """What a question says about its asker's role."""

    role: Role | None  # the one role the answer is for, if one is known
    mentioned: tuple[Role, ...]  # every role the question names ("deployers and providers")
    about_duties: bool  # the answer depends on a role
    role_switch: bool  # Article 25: doing this makes one a provider
    source: str | None = None  # where the role came from: "question", "given" or "conversation"

    @property
    def needs_role(self) -> bool:
        return self.about_duties and self.role is None and not self.mentioned

    def duty_anchors(self) -> list[str]:
        """The provisions an answer on duties must weigh first: the role's main duty provision,
        or, for an Article 25 question, Article 25(1) and then the provider's."""
        anchors: list[str] = []
        if self.role_switch:
            anchors += [ROLE_SWITCH_ANCHOR, ROLE_DUTIES[Role.PROVIDER][0]]
        if self.about_duties:
            # An unknown role weighs nothing first: the answer asks back instead of guessing.
            roles = [self.role] if self.role else list(self.mentioned)
            anchors += [ROLE_DUTIES[role][0] for role in roles[:2]]
        return list(dict.fromkeys(anchors))

    def others_duties(self) -> list[str]:
        """The main duty provisions of the roles the answer is not for: a deployer asking what
        it must do is not answered with Article 16. None when the role is unknown or changes."""
        if not (self.about_duties and self.role) or self.role_switch:
            return []
        own = set(ROLE_DUTIES[self.role])
        return [duties[0] for role, duties in ROLE_DUTIES.items() if duties[0] not in own]


def read_role(question: str, given: Role | None = None, earlier: list[str] = ()) -> RoleReading:
    """The role an answer is for: said in the question, else given, else said earlier."""
    lowered = question.lower()
    mentioned = _roles_in(lowered)
    role = mentioned[0] if len(mentioned) == 1 else None
    source = "question" if role else None
    if role is None and not mentioned and given is not None:
        role, source = given, "given"
    if role is None and not mentioned:
        for previous in reversed(list(earlier)):
            found = _roles_in(previous.lower())
            if len(found) == 1:
                role, source = found[0], "conversation"
                break
    return RoleReading(
        role=role,
        mentioned=tuple(mentioned),
        about_duties=bool(DUTY_QUESTION.search(lowered)),
        role_switch=bool(_ROLE_SWITCH.search(lowered)),
        source=source,
    )


def _roles_in(lowered: str) -> list[Role]:
    """The roles a question names; the one its asker says it plays ("as an importer", "we are
    the provider") alone, when it says so."""
    for said in _SELF_NAMED.finditer(lowered):
        own = _roles_named(re.split(r"[;,.?!:]", lowered[said.end() : said.end() + 60])[0])
        if len(own) == 1:
            return own
    return _roles_named(lowered)


def _roles_named(lowered: str) -> list[Role]:
    found = [role for role, pattern in _ROLE_WORDS if pattern.search(lowered)]
    # A GPAI model's provider is a provider: the plainer reading goes when the precise one holds.
    if Role.GPAI_SYSTEMIC_PROVIDER in found or Role.GPAI_PROVIDER in found:
        found = [r for r in found if r is not Role.PROVIDER]
    if Role.GPAI_SYSTEMIC_PROVIDER in found:
        found = [r for r in found if r is not Role.GPAI_PROVIDER]
    return found


def clarifying_question() -> str:
    return (
        "Your duties depend on the role you play for this AI system. Are you its provider (you develop "
        "it, or have it developed, and place it on the market or put it into service under your own "
        "name: Article 16), its deployer (you use it under your authority: Article 26), or an importer "
        "(Article 23), a distributor (Article 24) or an authorised representative (Article 22)? Say so "
        "in your question or choose your role, and the answer will cite your duties."
    )
