"""Is it high-risk? Is it allowed? The Annex III point of a use (and its own exception) with
Article 6(2) and 6(3); Article 6(1) for products; Article 50 for chatbots and generated
content; the point of Article 5 whose own words the question shares."""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.answering.lead.law import Asked, Law
from desk.answering.lead.text import after_comma, and_, area_name, as_part, first_words, own_item
from desk.answering.verify import LeadSentence
from desk.citations import label_for, split_anchor
from desk.index.lexical import tokens
from desk.routing import (
    HIGH_RISK_BY_PRODUCT,
    HIGH_RISK_BY_USE,
    HIGH_RISK_EXCEPTION,
    about_products,
    transparency_duties,
)
from desk.statements import item_body, lower_first, sentence_case, statements
from desk.thesaurus import in_the_acts_words
from desk.types import Passage, Provision
from desk.understanding import Kind, Reading, annex_iii_area, kinds_of, last_question

NOT_AS_SUCH = "Not as such: "  # the verdict is in the words: kept when judged, else left out
_PRACTICES = "art-5.par-1"  # the prohibited practices, point by point
_NEW_PRACTICES = "art-5.par-1a"
_PROFILING = re.compile(r"\bprofil\w+", re.I)
_PROHIBITION_WORDS = re.compile(r"\b(prohibited|banned|forbidden|illegal|unlawful)\b", re.I)
_EXCEPTION = re.compile(r",?\s*(?:with the exception of|except(?: for)?|this does not include)\s+", re.I)
_ALIKE = {"annex", "iii", "list", "case", "relev", "purpos", "assess"}  # words every 6(3) condition shares


def high_risk(law: Law, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    reading, numbering = asked.reading, asked.numbering
    lowered = reading.question.lower()
    if reading.use:
        return _annex_iii_use(law, asked)
    if about_products(lowered) and (rule := law.provision(HIGH_RISK_BY_PRODUCT)) is not None:
        items = [item_body(s) for s in statements(rule.text) if s.lead_in][:2]
        sentence = (
            f"That depends on the product: {label_for(HIGH_RISK_BY_PRODUCT)} makes an AI system high-risk "
            f"where {' and '.join(items)}{numbering.marker(HIGH_RISK_BY_PRODUCT)}."
        )
        return [LeadSentence(sentence)], None
    if duties := transparency_duties(lowered)[:1]:
        written = [
            LeadSentence(
                f"{NOT_AS_SUCH}{label_for(HIGH_RISK_BY_USE)} makes the AI systems referred to in Annex III "
                "high-risk, and this use is not among them; it would be high-risk only if used for an "
                f"Annex III purpose{numbering.marker(HIGH_RISK_BY_USE)}."
            )
        ]
        for anchor in duties:
            if (provision := law.provision(anchor)) is not None:
                first = as_part(statements(provision.text)[0].text)
                written.append(
                    LeadSentence(f"What applies is {label_for(anchor)}: {first}{numbering.marker(anchor)}.")
                )
        return written, "no"
    exception = law.provision(HIGH_RISK_EXCEPTION)
    if exception is not None and (conditions := _exception_conditions(reading, exception)):
        # "Our Annex III tool only performs a narrow procedural task: still high-risk?": the
        # derogation the question describes, whichever use it is.
        profiling = performs_profiling(reading.question)
        return _the_exception(exception, asked, profiling, conditions), "yes" if profiling else "depends"
    rule = law.provision(HIGH_RISK_BY_USE)
    if rule is None:
        return [], None
    return [
        LeadSentence(
            f"That depends on its use: under {label_for(HIGH_RISK_BY_USE)}, {lower_first(as_part(rule.text))}"
            f"{numbering.marker(HIGH_RISK_BY_USE)}; so does a safety component of a product covered by "
            f"Annex I ({label_for(HIGH_RISK_BY_PRODUCT)}){numbering.marker(HIGH_RISK_BY_PRODUCT)}."
        )
    ], None


def _annex_iii_use(law: Law, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    reading, numbering = asked.reading, asked.numbering
    anchor = _listed_use(law, reading)
    point = law.provision(anchor or reading.use)
    if point is None:
        return [], None
    if anchor is None:  # an area named, none of its uses: the area's uses, no verdict
        name = area_name(point)
        listed = label_for(reading.use) + (f" ({lower_first(name)})" if name else "")
        uses = [
            f"({split_anchor(p.anchor)[1][-1][1]}) {first_words(own_item(p))}"
            for p in law.children(reading.use)
            if p.kind.value == "point"
        ]
        these = f"these uses: {'; '.join(uses)}" if uses else "the uses"
        marker = numbering.marker(reading.use, HIGH_RISK_BY_USE)
        return [
            LeadSentence(
                f"That depends on the use: {label_for(HIGH_RISK_BY_USE)} makes high-risk the AI systems "
                f"listed in Annex III, and {listed} lists {these}{marker}."
            )
        ], None
    use = own_item(point)
    marker = numbering.marker(anchor, HIGH_RISK_BY_USE)
    listed, excepted = _exception_clause(use)
    if excepted and _shares_words(reading.question, excepted, listed):
        # The point itself excepts what the question describes ("… except fraud detection").
        return [LeadSentence(f"{label_for(anchor)} lists {listed}, but not {excepted}{marker}.")], "no"
    exception = law.provision(HIGH_RISK_EXCEPTION)
    profiling = performs_profiling(reading.question)
    conditions = _exception_conditions(reading, exception)
    verdict = "yes" if profiling or not conditions else "depends"
    written = [
        LeadSentence(
            f"{sentence_case(use)} are high-risk under {label_for(HIGH_RISK_BY_USE)}, because "
            f"{label_for(anchor)} lists them{marker}."
        )
    ]
    if exception is None:
        return written, verdict
    return written + _the_exception(exception, asked, profiling, conditions), verdict


def _the_exception(
    exception: Provision, asked: Asked, profiling: bool, conditions: list[str]
) -> list[LeadSentence]:
    """Article 6(3) as it bears on the question: its "always high-risk" for profiling; its
    derogation with the conditions the question describes; else the derogation and its limit."""
    said = [s for s in statements(exception.text) if not s.lead_in]
    # "… not high-risk where it does not pose a significant risk of harm to …", without its
    # ", including by …" (the whole rule is quoted below).
    derogation = re.split(r",\s+including\b", after_comma(said[0].text))[0] if said else ""
    always = after_comma(said[-1].text) if len(said) > 1 else ""
    mark = asked.numbering.marker(HIGH_RISK_EXCEPTION)
    label = label_for(HIGH_RISK_EXCEPTION)
    if profiling and always:
        return [LeadSentence(f"Under {label}, {always}{mark}.")]
    if conditions:
        return [
            LeadSentence(
                f"Under {label}, {derogation}, for instance where {and_(conditions)}; but {always}{mark}."
            )
        ]
    if derogation:
        return [LeadSentence(f"The exception is {label}: {derogation}; but {always}{mark}.")]
    return []


def performs_profiling(question: str) -> bool:
    """The question says the system profiles people: Article 6(3) then makes an Annex III
    system high-risk always."""
    return bool(_PROFILING.search(question))


def _listed_use(law: Law, reading: Reading) -> str | None:
    """The Annex III point the question's use is: the one the use names, or, for an area
    ("education"), the point of it whose own words the question shares."""
    uses = [p for p in law.children(reading.use) if p.kind.value == "point"]
    if not uses:
        return reading.use
    asked = set(tokens([reading.question])[0])
    shared = {p.anchor: set(tokens([p.text])[0]) for p in uses}
    common = set.intersection(*shared.values()) if len(shared) > 1 else set()
    best = max(
        ((len(asked & (words - common)), anchor) for anchor, words in shared.items()), default=(0, None)
    )
    return best[1] if best[0] >= 2 else None


def _exception_conditions(reading: Reading, exception) -> list[str]:
    """The conditions of Article 6(3) the question's words describe ("a preparatory task")."""
    if exception is None:
        return []
    asked = set(tokens([reading.question])[0])
    bodies = [item_body(s) for s in statements(exception.text) if s.lead_in]
    words = [set(tokens([body])[0]) for body in bodies]
    found = []
    for body, own in zip(bodies, words, strict=True):
        others = set().union(*(w for w in words if w is not own))
        if len(asked & (own - others - _ALIKE)) >= 2:
            found.append(re.sub(r"^the ai system is intended to ", "it is intended to ", body, flags=re.I))
    return found


def _exception_clause(use: str) -> tuple[str, str]:
    """An Annex III point's use and what it excepts: ('AI systems … creditworthiness …',
    'AI systems used for the purpose of detecting financial fraud')."""
    found = _EXCEPTION.search(use)
    if found is None:
        return use, ""
    return use[: found.start()].strip(" ,;."), use[found.end() :].strip(" ,;.")


def _shares_words(question: str, excepted: str, listed: str) -> bool:
    """The question uses words the exception uses and the listed use does not."""
    own = set(tokens([excepted])[0]) - set(tokens([listed])[0]) - {"ai", "system", "use", "purpos", "intend"}
    return bool(own & set(tokens([question])[0]))


_COMMON_SHARE = 0.04  # of the Act's provisions: a word in more of them is too common to tell a practice
_SHARED_ENOUGH = 2  # of a practice's own words, for the question to be about it
_SETTING_OPENS = r"\b(?:for the purposes? of|in the areas? of|in publicly accessible spaces)\b"
# A setting runs to the next comma; what a system infers runs through its list ("their race,
# political opinions, trade union membership, …"), and so does whose images it makes.
_SETTING = re.compile(
    rf"{_SETTING_OPENS}(?:(?!{_SETTING_OPENS})[^,;:])*|\bto deduce or infer\b[^;:]*"
    # Of whom a realistic image is made: "an identifiable natural person’s intimate parts, or … an
    # identifiable natural person engaged in sexually explicit activities".
    r"|\bintimate parts\b[^;:]*?\bsexually explicit activities\b"
)
# Words that open a setting, or that every image-maker's question uses, not the setting.
_SETTING_WORDS = frozenset({"area", "purpos", "deduc", "infer", "identifi", "natur", "person", "engag"})


# How a question names the settings Article 5 speaks of: employees are at the workplace, the
# police are law enforcement. Read only here, to tell which ban and whether the question is in
# its setting; search is not widened by them.
_SETTING_SYNONYMS = (
    (
        re.compile(
            r"\b(employees?|staff|workers?|colleagues|hr|call[- ]cent(re|er) agents|at work|on the job"
            r"|(at|in) the office)\b",
            re.I,
        ),
        "workplace",
    ),
    (re.compile(r"\b(police|policing)\b", re.I), "law enforcement"),
    (re.compile(r"\b(schools?|universit\w+|students?|pupils?)\b", re.I), "education institutions"),
)


def _asked_with_settings(reading: Reading) -> set[str]:
    """The question's words, the Act's words for them, and the settings it names."""
    question = reading.question
    settings = " ".join(words for pattern, words in _SETTING_SYNONYMS if pattern.search(question))
    return set(tokens([f"{question} {in_the_acts_words(question)} {settings}"])[0])


def _before_exceptions(text: str) -> str:
    """A point's own opening, up to where its exceptions begin."""
    first = text.strip().split("\n")[0]
    return re.split(r"\b(?:unless|except|this prohibition does not)\b", first)[0]


# Words of a point that say nothing of its practice: its verdict ("prohibited"), and pronouns
# and fillers the index keeps.
_SAYS_NOTHING = frozenset({"prohibit", "like", "them", "they", "their", "such", "also", "whether"})


class Practices:
    """The points of Article 5(1), each with the words of its own that at most one other point uses."""

    def __init__(self, law: Law):
        # A point's own opening words (point (h)'s "'real-time' remote biometric identification
        # systems in publicly accessible spaces …", before its sub-points) and its first item.
        points = {
            p.anchor: set(
                tokens(
                    [
                        p.text.strip().split("\n")[0],
                        *[item_body(s) for s in statements(p.text) if s.lead_in][:1],
                    ]
                )[0]
            )
            for p in law.in_force
            if re.fullmatch(r"art-5\.par-1\.pt-[a-z]+", p.anchor)
        }
        spread: dict[str, int] = {}
        for words in points.values():
            for word in words:
                spread[word] = spread.get(word, 0) + 1
        # A word the whole Act uses often ("data", "based") says nothing of which practice is meant:
        # "may we process ethnicity data to test for bias?" is not asking about point (g).
        everywhere: dict[str, int] = {}
        for provision in law.in_force:
            for word in set(tokens([provision.text])[0]):
                everywhere[word] = everywhere.get(word, 0) + 1
        common = _COMMON_SHARE * max(len(law.in_force), 1)
        # Where and for what a practice is prohibited, when its own opening says ("in the areas
        # of workplace and education institutions"; "in publicly accessible spaces", "for the
        # purposes of law enforcement"; "to deduce or infer their race, political opinions …"):
        # each the words of one such phrase.
        self.settings = {
            p.anchor: [
                set(tokens([phrase])[0]) - _SETTING_WORDS
                for phrase in _SETTING.findall(_before_exceptions(p.text))
            ]
            for p in law.in_force
            if p.anchor in points
        }
        self.words = {
            anchor: {
                w
                for w in words
                if spread[w] <= 2 and len(w) > 3 and everywhere.get(w, 0) < common and w not in _SAYS_NOTHING
            }
            for anchor, words in points.items()
        }

    def in_its_setting(self, point: str, reading: Reading) -> bool:
        """The question says it is where and for what the practice is prohibited (or the
        practice is prohibited wherever it is used)."""
        return not self._settings(point) or self._names_setting(point, _asked_with_settings(reading))

    def prohibiting(self, reading: Reading, passages: Sequence[Passage]) -> str | None:
        """The point that prohibits what the question asks about, when what it asks is whether
        it is allowed: of the points found, the one that shares the most of its own words with
        the question (the best ranked of equals), and at least two of them. One word in common
        ("facial" of the scraping ban, for a shopping mall's face recognition) is a guess."""
        if Kind.ALLOWED not in kinds_of(last_question(reading.question)):
            return None  # the question's setting speaks of a ban; what it asks is something else
        asked = _asked_with_settings(reading)
        candidates = [p.anchor for p in passages] + list(reading.named)
        found = dict.fromkeys(
            ".".join(a.split(".")[:3])  # art-5.par-1.pt-h.pt-iii -> art-5.par-1.pt-h
            for a in candidates
            if a.startswith((_PRACTICES + ".pt-", _NEW_PRACTICES))
        )
        # A practice whose setting the question names ("employees": the workplace) before one
        # that shares as many words without it.
        shared = [
            (len(asked & self.words[point]), self._names_setting(point, asked), -rank, point)
            for rank, point in enumerate(found)
            if point in self.words
        ]
        best = max(shared, default=(0, False, 0, None))
        return best[3] if best[0] >= _SHARED_ENOUGH else None

    def _settings(self, point: str) -> list[set[str]]:
        return [words for words in self.settings.get(point, []) if words]

    def _names_setting(self, point: str, asked: set[str]) -> bool:
        """The question names each of the point's settings (and it has some)."""
        settings = self._settings(point)
        return bool(settings) and all(asked & words for words in settings)


def allowed(law: Law, practices: Practices, asked: Asked) -> tuple[list[LeadSentence], str | None]:
    if asks_for_the_list(asked.question):
        return prohibited_practices(law, asked), None
    practice = practices.prohibiting(asked.reading, asked.numbering.passages)
    if practice is None and asked.reading.use and annex_iii_area(last_question(asked.question).lower()):
        # "Is using AI to screen job applicants prohibited?": no ban is found for it, and the use
        # it asks about is one Annex III lists; what the law says of it, with no verdict. (Not
        # "We build a hiring model. May we process ethnicity data for it?": the use is the setting.)
        return _annex_iii_use(law, asked)[0], None
    if practice is None:  # not one Article 5 names: no verdict the law's structure gives
        return [], None
    body = _practice_words(law.provision(practice))
    verdict = "yes" if _PROHIBITION_WORDS.search(last_question(asked.question)) else "no"
    if not practices.in_its_setting(practice, asked.reading):
        # "Real-time face recognition in our shopping mall?": point (h) prohibits it for law
        # enforcement; whether it is prohibited here depends on what the question leaves out.
        verdict = "depends"
    return [
        LeadSentence(
            f"{label_for(practice)} lists among the prohibited AI practices {body}"
            f"{asked.numbering.marker(practice)}."
        )
    ], verdict


def _practice_words(point) -> str:
    """What an Article 5 point prohibits, in its own words: a point with sub-points whole
    (point (c)'s social score "based on their social behaviour …", then its two outcomes), not
    its first sub-point alone."""
    said = statements(point.text)
    own = " ".join(point.text.split())
    if said and said[0].lead_in and own.startswith(" ".join(said[0].lead_in.split())[:60]):
        return as_part(own)
    return own_item(point)


# "Which AI practices are prohibited?", "What is banned under the AI Act?", "list the bans".
_ASKS_FOR_THE_LIST = re.compile(
    r"^\s*(which|what)\b(?:(?!\b(our|my|this|that|it|its|we|us)\b)[^?]){0,50}"
    r"\b(are|is|were|get|gets|be)\s+(now\s+)?(prohibited|banned|forbidden|outlawed|not allowed)\b"
    r"|\b(list|overview|summary|all)\b[^?]{0,30}\b(prohibited|banned|forbidden)\b[^?]{0,20}\b(practices|uses|ai)\b"
    r"|^\s*what (does|do) (the ai act|the act|article 5|the regulation) (ban|prohibit)\b",
    re.I,
)
_PRACTICE_OPENING = re.compile(
    r"^the placing on the market, the putting into service(?: for this specific purpose,)? or the use of ",
    re.I,
)


def asks_for_the_list(question: str) -> bool:
    """The question asks which practices Article 5 prohibits, not whether one practice is."""
    return bool(_ASKS_FOR_THE_LIST.search(last_question(question)))


def prohibited_practices(law: Law, asked: Asked) -> list[LeadSentence]:
    """Each prohibited practice in the first words of its own point, each point cited: the
    answer to "which practices are prohibited?" is the list, not one of its points."""
    points = [p for p in law.under(_PRACTICES) if re.fullmatch(r"art-5\.par-1\.pt-[a-z]+", p.anchor)]
    if not points:
        return []
    named = []
    for point in points:
        first_line = point.text.strip().splitlines()[0]  # its own words, before any sub-points
        words = _PRACTICE_OPENING.sub("", re.sub(r"^\([a-z]{1,2}\)\s+", "", first_line.strip()))
        words = re.sub(r"^the use of ", "", words)
        named.append(
            f"{label_for(point.anchor).split(', ')[-1].removeprefix('Article 5(1)')} "
            f"{_short(words)}{asked.numbering.marker(point.anchor)}"
        )
    return [
        LeadSentence(
            f"{label_for(_PRACTICES)} prohibits placing on the market, putting into service or using "
            f"{len(points)} kinds of AI practice: {'; '.join(named)}."
        )
    ]


def _short(words: str) -> str:
    """A practice up to where its own conditions begin (', with the objective …', ', unless …',
    '; this prohibition …'), marked as cut: the point is quoted whole below the lead."""
    cut = re.split(r",\s+(?:with the (?:objective|effect|social score)|unless)\b|;", words)[0].rstrip(" ;,.")
    return cut if cut == words.rstrip(" ;,.") else f"{cut} …"
