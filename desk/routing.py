"""The provisions that govern each kind of question, weighed first by retrieval.

    how much    Article 99's tier for the breach (3: Article 5; 4: other duties; 5: wrong
                information; 6: SMEs), Article 101 for providers of general-purpose AI models;
                Article 100 only for Union institutions, bodies, offices and agencies
    high-risk?  Article 6(1) for products under Annex I; for chatbots, deep fakes and generated
                content, Article 50 and Article 6(2) (they are not an Annex III use as such); the
                Annex III point of a use and Article 6(2) are recognised by retrieval itself
    allowed?    chatbots and generated content: Article 50
    duties      the asker's role's duty provisions (desk.roles), Articles 53 to 55 for models
    any kind    what it asks about: telling people an AI system is used on them (Article 26(11);
                workers, 26(7)), registering (49(1)), who enforces (70(1)), who must assess the
                impact on fundamental rights (27(1)), own use (3(11))

A reviewed table (consolidated text of 27 July 2026); tests/desk/test_routing.py checks that
each anchor exists and says what this table takes it to say.
"""

from __future__ import annotations

import re

from desk.understanding import GPAI, Kind, Reading, kinds_of, last_question

FINE_TIERS = {
    "prohibited": "art-99.par-3",  # Article 5 practices
    "other": "art-99.par-4",  # the duties of operators and notified bodies it lists
    "information": "art-99.par-5",  # incorrect, incomplete or misleading information
    "sme": "art-99.par-6",  # SMEs: whichever of amount and percentage is lower
    "smc": "art-99.par-6a",  # small mid-caps (Regulation (EU) 2026/1744)
    "gpai": "art-101.par-1",  # the Commission's fines on providers of general-purpose AI models
    "union": "art-100.par-2",  # Union institutions, bodies, offices and agencies
}
UNION_FINES = "art-100"
PROHIBITIONS = "art-5"
HIGH_RISK_BY_USE = "art-6.par-2"  # Annex III uses are high-risk
HIGH_RISK_EXCEPTION = "art-6.par-3"  # ... unless no significant risk of harm; always, if profiling
HIGH_RISK_BY_PRODUCT = "art-6.par-1"  # safety components of products under Annex I
TRANSPARENCY_DUTIES = ("art-50.par-1", "art-50.par-2", "art-50.par-4")

_PROHIBITED = re.compile(r"\bprohibit\w*|\bbann?ed\b|\bban\b|\barticle 5\b|\bforbidden\b|\bunacceptable\b")
_INFORMATION = re.compile(
    r"\b(incorrect|incomplete|misleading|false|wrong) (information|data|answers?|reply)"
)
_SME = re.compile(r"\bsmes?\b|\bstart-?ups?\b|\bsmall (and medium|company|companies|firms?|business\w*)")
_UNION_AS_ASKER = re.compile(
    r"\b(we are|we're|as) an? (eu|union) (institution|body|agency|office)|\bunion institutions?, bod"
)
_SMC = re.compile(r"\bsmall mid-?caps?\b|\bsmcs?\b")
_UNION_BODY = re.compile(
    r"\bunion (institution|bod(y|ies)|agenc)|\beu (institution|bod(y|ies)|agenc)|\bedps\b"
)
_PRODUCT = re.compile(
    r"\bannex i\b(?! ?i)|\bsafety component\b|\bmachinery\b|\bmedical devices?\b|\btoys?\b|\blifts?\b"
    r"|\bvehicles?\b|\bradio equipment\b|\bpressure equipment\b|\baviation\b|\bmarine equipment\b"
)
_CHATBOT = re.compile(
    r"\bchat ?bots?\b|\bvirtual assistants?\b|\bconversational\b"
    r"|\b(support|service|customer|website|help ?desk|ai) bots?\b|\bchatting with (a|an|the) (bot|ai)\b"
)
_GENERATED = re.compile(
    r"\bdeep ?fakes?\b|\bsynthetic\b|\bgenerat\w+ (content|text|images?|videos?|audio)\b|\bwatermark"
)


def fine_tiers(lowered: str) -> list[str]:
    """The paragraphs of Articles 99 to 101 whose fines fit the breach a question describes."""
    if _UNION_AS_ASKER.search(lowered):
        return [FINE_TIERS["union"]]  # "we are an EU agency": Article 100 is the asker's
    tiers = []
    if re.search(r"\bgeneral[- ]purpose ai model|\bgpai\b|\bfoundation model|\bllms?\b", lowered):
        tiers.append(FINE_TIERS["gpai"])
    if _PROHIBITED.search(lowered):
        tiers.append(FINE_TIERS["prohibited"])
    if _INFORMATION.search(lowered):
        tiers.append(FINE_TIERS["information"])
    if not tiers:  # "what are the fines?": the two main tiers
        tiers += [FINE_TIERS["prohibited"], FINE_TIERS["other"]]
    if _UNION_BODY.search(lowered):
        tiers.append(FINE_TIERS["union"])
    # An SME's or SMC's own cap is what it asks about: said first, the tiers it caps after.
    if _SMC.search(lowered):
        tiers.insert(0, FINE_TIERS["smc"])
    elif _SME.search(lowered):
        tiers.insert(0, FINE_TIERS["sme"])
    return tiers


def transparency_duties(lowered: str) -> list[str]:
    """Article 50's paragraphs for the kind of system a question names."""
    found = []
    if _CHATBOT.search(lowered):
        found.append(TRANSPARENCY_DUTIES[0])
    if _GENERATED.search(lowered):
        found += [TRANSPARENCY_DUTIES[1], TRANSPARENCY_DUTIES[2]]
    return found


# Article 50(3): deployers of an emotion recognition or biometric categorisation system inform
# the persons exposed to it (the system is also an Annex III use, so Article 26 applies too).
RECOGNITION_DUTY = "art-50.par-3"
_RECOGNITION = re.compile(
    r"\bemotion recognition|\bbiometric categori[sz]ation|\binfer\w* (the )?emotions?\b"
)


def recognition_duty(lowered: str) -> list[str]:
    """Article 50(3), for a question about an emotion recognition or biometric categorisation system."""
    return [RECOGNITION_DUTY] if _RECOGNITION.search(lowered) else []


def about_products(lowered: str) -> bool:
    """The question is about a product under Annex I (a safety component, a machine, a toy)."""
    return bool(_PRODUCT.search(lowered))


# What a question asks about, whatever its kind, and the provision that governs it.
_GOVERNED_SUBJECTS = tuple(
    (re.compile(pattern), anchors)
    for pattern, anchors in (
        # Telling people an AI system is used on them: workers before a workplace system
        # (Article 26(7)), persons an Annex III system decides about (Article 26(11)).
        (r"\b(tell|inform|notify)\b[^.?!]{0,30}\b(employees|workers|staff)\b", ("art-26.par-7",)),
        (
            r"\b(tell|inform|notify)\b[^.?!]{0,30}\b(candidates|applicants|people|persons|individuals|customers"
            r"|patients|students|tenants|borrowers|clients)\b",
            ("art-26.par-11",),
        ),
        # Registering: before placing on the market (Article 49(1)). A real-world test is
        # registered under its own rules (Article 60(4)(c)).
        (
            r"^(?![^?]*\btest)[^?]*\b(must|need to|have to|required to|should|when|how|who|do we|does)\b"
            r"[^.?!]{0,40}\bregist(er|ered|ering|ration)\b",
            ("art-49.par-1",),
        ),
        # Who enforces: the national competent authorities (Article 70(1)); the AI Office's own
        # competences for general-purpose AI models and the systems built on them are left to search.
        (
            r"\bwho (enforces|supervises|polices|oversees|regulates|is in charge of)\b"
            r"|\bwhich (regulator|watchdog|authorit(y|ies))\b[^.?!]{0,40}"
            r"\b(enforce|supervis|competent|in charge)",
            ("art-70.par-1",),
        ),
        # Who must assess the impact on fundamental rights: the deployers Article 27(1) names
        # (not the DPIA it may reuse, Article 27(4)).
        (
            r"^(?![^?]*\b(dpia|data protection impact))[^?]*\b(who|which deployers?|do we"
            r"|does (our|a|the|every)|must (we|every|all)|every deployer|all deployers|need|needs|required"
            r"|have to)\b[^.?!]{0,80}"
            r"\b(fundamental rights impact assessments?|fria)\b",
            ("art-27.par-1",),
        ),
        # A system made for the firm's own use is put into service (Article 3, point (11)).
        (
            r"\b(internal(ly)?|in-house|in house) (use|tools?|systems?|only)\b"
            r"|\b(use|used|using) (it |them )?(only )?internally\b|\bown (internal )?use\b",
            ("art-3.pt-11",),
        ),
    )
)


def governed_subjects(lowered: str) -> list[str]:
    """The provisions that govern what the question asks about, whatever its kind (telling
    people, registering, who enforces, who must assess fundamental rights, own use)."""
    anchors = [a for pattern, found in _GOVERNED_SUBJECTS if pattern.search(lowered) for a in found]
    if GPAI.search(lowered) or re.search(r"\bgeneral[- ]purpose\b", lowered):
        anchors = [a for a in anchors if a != "art-70.par-1"]
    return anchors


def governing(reading: Reading) -> list[str]:
    """The provisions retrieval weighs first for a question of this reading."""
    lowered = " ".join(reading.question.lower().split())
    asked = kinds_of(last_question(reading.question))  # what is asked, not the setting's words
    anchors: list[str] = []
    if Kind.HOW_MUCH in asked:
        anchors += fine_tiers(lowered)
    # An Annex III use and Article 6(2) retrieval recognises itself; the other high-risk questions:
    if Kind.HIGH_RISK in asked and not reading.use:
        if about_products(lowered):
            anchors += [HIGH_RISK_BY_PRODUCT]
        elif reading.transparency:
            anchors += [*transparency_duties(lowered)[:1], HIGH_RISK_BY_USE]
    if reading.transparency and (Kind.ALLOWED in asked or Kind.DUTIES in asked):
        anchors += transparency_duties(lowered)[:2]
    anchors += governed_subjects(lowered)
    return list(dict.fromkeys(anchors))


def avoided(reading: Reading) -> list[str]:
    """Provisions that answer another question: Article 100's fines are for Union institutions;
    a chatbot's classification is not a prohibition."""
    lowered = reading.question.lower()
    asked = kinds_of(last_question(reading.question))
    avoid = []
    if Kind.HOW_MUCH in asked and not _UNION_BODY.search(lowered):
        avoid.append(UNION_FINES)
    if Kind.HIGH_RISK in asked and reading.transparency and not reading.named:
        avoid.append(PROHIBITIONS)  # a chatbot is asked about as a use, not as a ban (Article 50)
    return avoid
