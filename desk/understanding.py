"""What a question asks: its kind, its subject, what it takes for granted, what it leans on.

    question ─► kinds      when · allowed? · high-risk? · covered? · how much · what is ·
                           what must we do · what changed · what does provision X say · policy
             ─► subject    an Annex III use, a general-purpose AI model, a transparency case
                           (chatbots, deep fakes, generated content), the provisions it names
             ─► premises   a provision it names that the law does not have ("Article 160")
             ─► leaning    whether it only makes sense with the turn before ("and for deployers?")

Retrieval routes by the reading (the provisions that govern the kind come first) and the
composer writes the direct answer from it. Everything here reads the question's own words,
never earlier turns: a question that stands on its own is answered on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from desk.answering.scope import OtherRegime, other_regime
from desk.citations import CitationError, find_citations, find_named, label_for, resolve, split_anchor
from desk.roles import DUTY_QUESTION
from desk.thesaurus import FINES


class Kind(StrEnum):
    WHEN = "when"  # from when something applies
    HIGH_RISK = "high_risk"  # is it a high-risk AI system?
    ALLOWED = "allowed"  # is it allowed / prohibited?
    COVERED = "covered"  # does the Act apply to it at all?
    HOW_MUCH = "how_much"  # fines
    WHAT_IS = "what_is"  # a definition
    DUTIES = "duties"  # what must we do?
    CHANGED = "changed"  # what the amending act changed
    PROVISION = "provision"  # what does Article X say?
    POLICY = "policy"  # the Commission's policy (AI Continent Action Plan)


# Each kind's words, checked in this order: a question may be of several kinds ("is our CV
# tool high-risk, and what must we do?"); the first is the one its verdict answers.
_DATE_QUESTION = re.compile(
    r"\b(from|since|by|until|as of) (what|which) date\b|\b(from|since|by|until) when\b|\bwhat date\b"
    r"|\bapplication date|\bappl(y|ies|icable) from\b|\bstarts? to apply\b|\bapply when\b"
    r"|\bwhen\b.{0,80}\b(appl(y|ies|icable)|bind|binds|take effect|in effect|in force|into force|kicks? in"
    r"|start|begin|enforce\w*|fine)\b|\balready (in effect|in force|appl\w+|live|binding)\b|\btakes? effect\b"
    r"|\b(is|are|has|have)\b[^?.]{0,60}\b(in force|entered into force)\b"
    # A reporting deadline is a time limit the duty sets (Article 73), not a date of application.
    r"|(?<!reporting )\bdeadlines?\b(?! (to|for) (report|notif))|\btimeline\b"
)
_CLASSIFICATION_QUESTION = re.compile(
    r"\b(is|are|be|count|counts|qualif\w*|considered|classed|make|makes)\b"
    # "What are our obligations for a high-risk AI system?" asks the duties, not the class.
    r"(?:(?!obligations?|duties|requirements?|rules)[^.?!]){0,80}\bh[ig]{2}h[- ]?risk\b"
    r"(?!\s+(requirements?|obligations?|rules|regime|provisions?|duties))"
    # "classified as having systemic risk" is Article 51's question, not Article 6's.
    r"|\bh[ig]{2}h[- ]?risk\?|\bclassif(?![^.?!]{0,40}systemic)|\bannex iii (use|area|case|categor)"
    r"|\bh[ig]{2}h[- ]?risk (or not|yes or no)\b"
)
_ALLOWED_QUESTION = re.compile(
    r"\b(allowed|permitted|permissible|prohibited|prohibition|banned|bans?|forbidden|illegal|unlawful|lawful"
    r"|legal to)\b|\bcan (we|i|you|companies|employers|a company|an employer|they) (still )?(use|deploy|sell|"
    r"run|put|place|offer|market)\b|\bmay (we|i) (use|deploy|sell)\b|\bis it (ok|okay|legal)\b"
    # "… is fine under the AI Act, isn't it?"
    r"|\b(is|are|be)\s+(fine|ok|okay|acceptable|alright|all right)\s+(under|according to|with)\b"
)
_COVERED_QUESTION = re.compile(
    r"\b(does|do|will|would) (the )?(ai act|act|regulation|it|this|these rules) (still )?(apply|cover)"
    r"|\b(in|out of|outside( of)?) (the |its )?scope\b|\bcovered by\b|\bfalls? (under|within|outside)"
    r"|\bexempt\w*|\bexclu(ded|sion|des)\b|\bsubject to the (ai )?act\b"
)
_FINE_QUESTION = re.compile(
    rf"{FINES}|\b(penalt(y|ies)|sanctions?)\b|\bhow much\b.{{0,40}}\b(pay|cost|fined?)\b"
    # "What happens if we don't comply?": the penalties are what happens.
    r"|\bwhat happens if (we|i|they|you|a company|companies|a provider|providers) (do not|don't|fail to"
    r"|does not|doesn't|are not|aren't|is not|isn't) (comply|compliant)"
    r"|\bconsequences? of (non-?compliance|not complying)"
)
_CHANGE_QUESTION = re.compile(
    r"\bomnibus\b|2026/1744|\bamend(ed|ment|ments|s)?\b|\bwhat (has|have|did) changed?\b|\bchanged?\b"
    r"|\bno longer\b|\b(newly )?(added|inserted|deleted|replaced)\b"
)
_DEFINITION_QUESTION = re.compile(
    r"(^|[.?!]\s)\s*(what|who) (is|are|counts as) (an? |the )?|\b(meaning|definition) of\b|\bdefine\b"
)
_POLICY_QUESTION = re.compile(
    r"\baction plan\b|\bai continent\b|\b(ai )?giga ?factor(y|ies)\b|\bai factor(y|ies)\b|\binvestai\b"
    r"|\bcloud and ai development act\b|\bdata union strategy\b|\bdata labs?\b|\bapply ai strategy\b"
    r"|\bai skills academy\b|\bedihs?\b|\bdigital innovation hubs?\b|\bgenai4eu\b|\beurohpc\b"
    r"|\bai in science strategy\b|\bai research council\b|\bresource for ai science\b|\bgovtech\b"
    r"|\bkey commission actions?\b|\bai act service desk\b|\bcom\(2025\) ?165\b"
)
# A system or model already on the market before the rules applied: Article 111 gives it time.
ALREADY_PLACED = re.compile(
    r"\b(already|previously) (on the|placed|put|in service|in use|deployed|sold|released)"
    r"|\b(placed|put)\b[^.?!]{0,80}\bon the (eu |union )?market (before|in|since)"
    r"|\bon the (eu |union )?market since"
    r"|\b(in service|in operation|in use) since|\bgrace period|\bgrandfather|\blegacy (system|model)"
    r"|\bexisting (ai )?(system|model)s?\b|\breleased\b.{0,60}\bbefore\b"
)
GPAI = re.compile(
    r"\bgeneral[- ]purpose ai\b|\bgpai\b|\bfoundation models?\b|\blarge language models?\b|\bllms?\b"
)
# Article 50's cases: what firms call the systems whose users must be told.
TRANSPARENCY = re.compile(
    r"\bchat ?bots?\b|\bvirtual assistants?\b|\bconversational (ai|agents?|assistants?)\b|\bdeep ?fakes?\b"
    r"|\b(support|service|customer|website|help ?desk|ai) bots?\b|\bchatting with (a|an|the) (bot|ai)\b"
    r"|\bsynthetic (content|media|audio|images?|videos?|text)\b|\b(ai[- ])?generated (content|text|images?|"
    r"videos?|audio)\b|\bwatermark\w*|\bgenerative ai\b"
)
# How firms name the Annex III areas (reviewed against Annex III of the consolidated text).
_ANNEX_III_AREAS = [
    (re.compile(rf"\b({words})"), anchor)
    for words, anchor in (
        # Credit and insurance before employment: "loan applicants" are not job applicants.
        ("credit ?worth|credit scor|loan|lending|mortgage", "anx-III.pt-5.pt-b"),
        ("life insurance|health insurance|insurance premium|insurer|premiums", "anx-III.pt-5.pt-c"),
        ("cv|résumé|resume|recruit|hiring|job applica|applicant|candidate|job advert", "anx-III.pt-4.pt-a"),
        (
            "promotion|terminat|dismiss|task allocation|shift|monitor(ing)? (of )?(employees|workers|staff)",
            "anx-III.pt-4.pt-b",
        ),
        ("emergency call|dispatch|triage", "anx-III.pt-5.pt-d"),
        ("benefit|social assistance|public assistance|welfare", "anx-III.pt-5.pt-a"),
        ("admission|exam|student|pupil|grading|proctor|school|universit", "anx-III.pt-3"),
        ("water|gas|heating|electricity|road traffic|critical infrastructure", "anx-III.pt-2"),
        ("border|visa|asylum|migra|residence permit", "anx-III.pt-7"),
        ("police|law enforcement|crime|criminal|offend|evidence", "anx-III.pt-6"),
        ("court|judge|judicial|dispute resolution|election|voting|referendum", "anx-III.pt-8"),
        ("biometric|fingerprint|face recognition|facial recognition|emotion recognition", "anx-III.pt-1"),
    )
]

# Follow-ups: a question that opens by joining on to the last one, or that points back to it
# and says next to nothing of its own ("when does it apply?", "does this cover importers?").
_JOINS_ON = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|same for|what if|and what about|and if|or)\b", re.I
)
_POINTS_BACK = re.compile(r"\b(it|its|this|that|these|those|they|them|such|there|above)\b", re.I)
_EMPTY_WORDS = frozenset(
    """what when which who whom whose how why where does do did doing done is are was were be been being
    will would shall should can could may might must have has had the for our ours we you your they them
    their this that these those there here about also still then same case apply applies applied
    applicable rule rules obligation obligations duty duties requirement requirements required need needs
    mean means say says tell please more explain start starts begin begins from since until into onto
    with without under over any all some such it its and but not yes really exactly again too well
    article articles annex annexes recital recitals point points paragraph paragraphs subparagraph""".split()
)


@dataclass(frozen=True)
class MissingProvision:
    """A provision the question names that the law does not have, and the nearest one it has."""

    label: str  # as the question names it, rendered: "Article 160", "Article 5(1)(z)"
    anchor: str
    nearest: str | None  # the enclosing provision that exists (Article 5(1) for 5(1)(z))


@dataclass(frozen=True)
class Reading:
    question: str
    kinds: tuple[Kind, ...]
    named: tuple[str, ...] = ()  # anchors of the provisions it names that exist
    missing: tuple[MissingProvision, ...] = ()
    regime: OtherRegime | None = None
    use: str | None = None  # the Annex III point of the use it names
    gpai: bool = False
    transparency: bool = False
    elliptical: bool = False
    own_words: tuple[str, ...] = field(default=(), repr=False)

    @property
    def kind(self) -> Kind | None:
        return self.kinds[0] if self.kinds else None


def read_question(
    question: str, known: set[str] | frozenset[str] = frozenset(), *, history: bool = False
) -> Reading:
    """What a question asks. `known`: the anchors the law has (to tell a provision that does not
    exist); `history`: whether there are earlier turns it could lean on."""
    lowered = f" {' '.join(question.lower().split())} "
    named, missing = _provisions_named(question, known)
    own = _own_words(question)
    kinds = _kinds(lowered, named, own)
    if Kind.POLICY not in kinds and _PLAN_ACRONYMS.search(question):
        kinds = (*kinds, Kind.POLICY)
    return Reading(
        question=question,
        kinds=kinds,
        named=tuple(named),
        missing=tuple(missing),
        regime=_regime_asked(question),
        use=annex_iii_area(lowered),
        gpai=bool(GPAI.search(lowered)),
        transparency=bool(TRANSPARENCY.search(lowered)),
        elliptical=history and _leans_on_earlier(question, own, named),
        own_words=tuple(own),
    )


def _regime_asked(question: str) -> OtherRegime | None:
    """The other law a question asks about: named in what it asks, not only in its setting
    ("… the risk management we run under the MDR. Will the Commission publish guidance?")."""
    regime = other_regime(question)
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", question.strip()) if s]
    asking = [s for s in sentences if s.endswith("?")] or sentences
    if regime is None or any(other_regime(s) is not None for s in asking):
        return regime
    # A name that runs into what is asked ("… in New York City. Do we need a bias audit?").
    named = regime.pattern.search(question)
    starts = [question.find(s) for s in asking]
    if named and any(
        start <= named.end() - 1 and named.start() < start + len(s)
        for start, s in zip(starts, asking, strict=True)
    ):
        return regime
    return None


def annex_iii_area(lowered: str) -> str | None:
    """The Annex III point for the use a (lower-cased) question names, if it names one."""
    return next((anchor for pattern, anchor in _ANNEX_III_AREAS if pattern.search(lowered)), None)


# What a "when" question names by a word of its own ("the bans", "the high-risk requirements"),
# and the provision that stands for it in the timeline.
_DATED_SUBJECTS = (
    (re.compile(r"\b(bans?|banned|prohibitions?|prohibited (ai )?practices)\b"), "art-5"),
    (
        re.compile(
            r"\bhigh[- ]risk (requirements|rules|obligations|regime|provisions)\b"
            r"|\b(requirements|rules|obligations) (for|on) high[- ]risk\b"
        ),
        "art-9",
    ),
)


def subject_named_by_word(lowered: str) -> str | None:
    return next((anchor for pattern, anchor in _DATED_SUBJECTS if pattern.search(lowered)), None)


# "What must be in the instructions for use?", "what should the technical documentation contain?"
_ASKS_CONTENTS = re.compile(
    r"\bwhat (?:must|should|has to|needs to|goes|go|do we put|does it take to put) (?:be )?in(?:to)? "
    r"(?:the |a |an |our )?([\w -]{3,60}?)\s*\?"
    r"|\bwhat (?:must|should|does|do|shall|has to) (?:the |a |an |our )?([\w -]{3,60}?) (?:contain|include)\b"
    r"|\b(?:contents?|content requirements) (?:of|for) (?:the |a |an |our )?([\w -]{3,60}?)\s*\?",
    re.I,
)
# A list's opening line: "The instructions for use shall contain …:", "… an assessment consisting of:".
_STATES_CONTENTS = r"\b(?:shall (?:contain|include|state|comprise|set out)|consisting of)\b"
_LIST_OPENING = re.compile(rf"{_STATES_CONTENTS}[^\n]*:\s*$", re.I)
_NOT_NAMING = frozenset("the a an of for on our its their to and or".split())


def opens_a_list(line: str) -> bool:
    """The line states what something holds and ends in a colon: the list follows."""
    return bool(_LIST_OPENING.search(line))


def opens_list_of(document: str, line: str) -> bool:
    """The line opens the law's list of what the document holds, naming the document in its
    own words, in any order ("an assessment of the impact on fundamental rights … consisting
    of:" opens the fundamental rights impact assessment's)."""
    if not opens_a_list(line):
        return False
    lowered = line.lower()
    words = [w for w in re.findall(r"[a-z]+", document.lower()) if w not in _NOT_NAMING]
    return bool(words) and all(re.search(rf"\b{w}", lowered) for w in words)


def document_asked_about(question: str) -> str | None:
    """The document whose contents a question asks for: 'instructions for use'."""
    asked = _ASKS_CONTENTS.search(question)
    return next(g for g in asked.groups() if g).strip() if asked else None


def asks_when(lowered: str) -> bool:
    return bool(_DATE_QUESTION.search(lowered))


# Words that ask when the Act as a whole applies and say nothing of a part of it.
_THE_WHOLE_ACT = frozenset(
    "act fully full applicable apply applies applied enter enters entered force enforce enforced enforceable "
    "effect start starts begin begins live date dates entire whole regulation rules law take takes become "
    "becomes come comes completely eu".split()
)


def asks_about_the_whole_act(question: str) -> bool:
    """'When will the AI Act be fully applicable?': a question of when, about nothing narrower."""
    own = _own_words(question)
    return (
        asks_when(f" {question.lower()} ")
        and not find_citations(question)
        and all(w in _THE_WHOLE_ACT for w in own)
    )


def asks_classification(lowered: str) -> bool:
    return bool(_CLASSIFICATION_QUESTION.search(lowered))


@lru_cache(maxsize=4096)
def kinds_of(text: str) -> tuple[Kind, ...]:
    """The kinds a piece of a question asks, on its own words (no provisions looked up)."""
    lowered = f" {' '.join(text.lower().split())} "
    named = [found.anchor for found in find_named(text)]
    return _kinds(lowered, named, _own_words(text))


def _kinds(lowered: str, named: list[str], own: list[str]) -> tuple[Kind, ...]:
    """The kinds a question is of, those its last question asks first: "… unpaid library fines
    … Is that allowed?" asks whether it is allowed, not how much."""
    asked = last_question(lowered)
    found = _kinds_in(asking_sentences(lowered), named, own)
    return tuple(sorted(found, key=lambda kind: kind not in _kinds_in(asked, named, own)))


def asking_sentences(lowered: str) -> str:
    """The sentences of a question that ask something: its setting says what the asker does,
    not what is asked ("We deploy an AI that is not high-risk. Can we process religious data?"
    asks nothing about classification). All of it, when no sentence ends with a question mark."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", lowered.strip()) if s]
    asking = [s for s in sentences if s.endswith("?")]
    return f" {' '.join(asking)} " if asking else lowered


# The plan's initiatives known by their acronyms, in capitals as the plan writes them.
_PLAN_ACRONYMS = re.compile(r"\b(?:RAISE|EDIHs?|IPCEIs?|EIBG)\b")


def asks_about_the_plan(question: str) -> bool:
    """Whether a question names the AI Continent Action Plan or one of its initiatives."""
    return bool(_POLICY_QUESTION.search(question.lower()) or _PLAN_ACRONYMS.search(question))


# What the EU does, plans or offers: the law answers first, and the plan has its part.
_EU_ACTION = re.compile(
    r"\b(?:what|how) (?:does|will|is|can|do) (?:the )?(?:eu|european union|union|commission|member states)"
    r"(?: and (?:the )?(?:eu|member states|commission))? (?:do|doing|plan|planning|offer|support|help|invest)"
    r"|\b(?:support|help|funding|investment) (?:for|to) "
    r"(?:smes|start-?ups|small (?:companies|firms|businesses))\b"
)


def asks_about_eu_action(question: str) -> bool:
    """Whether a question asks what the EU does or offers ("What does the EU do to help SMEs
    comply?"): a question for the law and for the AI Continent Action Plan after it."""
    return asks_about_the_plan(question) or bool(_EU_ACTION.search(question.lower()))


def last_question(lowered: str) -> str:
    """The question's last sentence that asks something (its last sentence, if none does)."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", lowered.strip()) if s]
    questions = [s for s in sentences if s.endswith("?")]
    return f" {(questions or sentences or [lowered])[-1]} "


def _kinds_in(lowered: str, named: list[str], own: list[str]) -> tuple[Kind, ...]:
    kinds = []
    checks = (
        (Kind.WHEN, _DATE_QUESTION),
        (Kind.HIGH_RISK, _CLASSIFICATION_QUESTION),
        (Kind.HOW_MUCH, _FINE_QUESTION),
        (Kind.ALLOWED, _ALLOWED_QUESTION),
        (Kind.COVERED, _COVERED_QUESTION),
        (Kind.DUTIES, DUTY_QUESTION),
        (Kind.CHANGED, _CHANGE_QUESTION),
        (Kind.POLICY, _POLICY_QUESTION),
    )
    kinds += [kind for kind, pattern in checks if pattern.search(lowered)]
    if _DEFINITION_QUESTION.search(lowered):
        kinds.append(Kind.WHAT_IS)
    # The question is the provision itself ("What does Article 26 say?"); after what it asks of
    # the provision, if it asks something ("When does Article 50 apply?": the date first).
    if named and len(own) <= 2:
        kinds.append(Kind.PROVISION)
    return tuple(dict.fromkeys(kinds))


def _provisions_named(
    question: str, known: set[str] | frozenset[str]
) -> tuple[list[str], list[MissingProvision]]:
    """The AI Act provisions a question names: those the law has, and those it does not."""
    named: list[str] = []
    missing: list[MissingProvision] = []
    for found in find_named(question):
        if not known:
            named.append(found.anchor)
            continue
        anchor = resolve(found.anchor, known, nearest=False)
        if anchor is not None:
            named.append(anchor)
            continue
        try:
            label = label_for(found.anchor)
            split_anchor(found.anchor)
        except CitationError:
            continue
        missing.append(MissingProvision(label, found.anchor, resolve(found.anchor, known, nearest=True)))
    return list(dict.fromkeys(named)), missing


def _own_words(question: str) -> list[str]:
    """The words that say what the question is about, beyond asking, pointing and naming."""
    text = question
    for found in reversed(find_citations(question)):
        text = text[: found.start] + " " + text[found.end :]
    words = re.findall(r"[a-zà-ÿ][a-zà-ÿ'-]{2,}", text.lower())
    return [w for w in words if w not in _EMPTY_WORDS]


def _leans_on_earlier(question: str, own: list[str], named: list[str]) -> bool:
    """A follow-up that needs the turn before: it joins on ("and for deployers?", "what about
    Article 27?"), or points back and says too little of its own ("when does it apply?")."""
    words = question.split()
    if _JOINS_ON.match(question) and len(words) <= 10:
        return True
    if not own and not named:
        return True
    return bool(_POINTS_BACK.search(question)) and len(own) < 3 and not named
