"""A premise about the law that the law's own words show wrong: the lead says so first.

Three kinds of claim a question takes as given are checked against the statements the lead
quotes (and the other paragraphs of the articles it quotes):
    sweeping     "Since every deployer of high-risk AI must do a fundamental rights impact
                 assessment, …", "the AI Act bans all facial recognition": wrong when the
                 statement's subject is narrower ("deployers that are bodies governed by public
                 law …", "high-risk AI systems" for "every AI system"), a ban has its "unless",
                 or a claimed full exemption has its own exception
    one operator "Deep fake labelling is only a duty for the tool provider": wrong when the
                 statement lays the same rule on another ("Deployers … shall disclose …")
    deleted      "Since the Omnibus scrapped the AI literacy duty, is there still …?": answered
                 "Yes" with the law in force on it, unless the provision named was deleted
The first two open the lead with "Not as the question puts it:". Only a claim the question
makes about the law is read (a clause that speaks of the asker, "we use …", states the case),
and only a statement on the same rule counts: an exception to a rule the claim states rightly
("any deployer of an emotion recognition system must inform …") leaves it standing. A
question that asks whether a duty is "still" there gets no "no".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from desk.answering.checks import cited_numbers
from desk.answering.lead.figures import corrected, speaks_of_the_asker
from desk.answering.lead.law import Asked, Law
from desk.answering.lead.plain import plain_for
from desk.answering.verify import LeadSentence
from desk.citations import label_for
from desk.index.lexical import tokens
from desk.statements import lower_first, statements
from desk.thesaurus import in_the_acts_words
from desk.types import Authority

# The given a question builds on: "Since P, …", "Given that P, …", "Now that P, …", "We
# understand that P.", "P, so …?", or a first sentence stated before the question.
_GIVEN = (
    re.compile(r"(?:^|[.?!]\s+)(?:since|given that|now that|because)\s+(?P<claim>[^,?]+)", re.I),
    re.compile(
        r"\b(?:understand|were told|was told|read|heard|assume|believe) that\s+(?P<claim>[^.?,]+)", re.I
    ),
    re.compile(r"^\s*(?P<claim>[^.?]+?),?\s+so\b", re.I),
    re.compile(r"^\s*(?P<claim>[^.?]+)\.\s+\S[^.]*\?\s*$", re.I),
)
# What makes a claim sweeping: the words after it name what it sweeps over, up to its verb.
_SWEEPING = re.compile(r"\b(?:every|all|any|everyone|everybody|anyone)\b(?P<swept>(?:\s+[\w-]+){0,4})", re.I)
_EVERYONE = re.compile(r"\b(?:everyone|everybody|anyone)\b", re.I)
_EXEMPT = re.compile(
    r"^(?P<swept>(?:[\w-]+\s+){1,4}?)(?:are|is)\s+(?:fully |completely |entirely |totally )?exempt(?:ed)?"
    r"\s+from\s+all\b"
    r"|^(?P<swept2>(?:[\w-]+\s+){1,4}?)(?:are|is)\s+(?:fully|completely|entirely|totally)\s+exempt",
    re.I,
)
_ENDS_SUBJECT = re.compile(
    r"^(?:must|need|needs|counts?|is|are|has|have|shall|should|can|may|gets?|requires?|who|that|which|of|in"
    r"|under|from|to)$",
    re.I,
)
_STILL = re.compile(r"\bstill\b", re.I)
# The exceptions that make a ban narrower than "all".
_NARROWED = re.compile(
    r"\b(?:with the exception of|unless|except(?: where| for)?|shall not apply|does not apply|only where"
    r"|only if|in so far as|provided that)\b",
    re.I,
)
_EXCEPTED = re.compile(r"\b(?:unless|except|with the exception of)\b", re.I)
_NARROWED_SUBJECT = r"\w*\s+(?:that are|which are|who are|that is|which is|who is|referred to in|listed in)\b"
_QUALIFIERS = ("high-risk", "certain")  # "high-risk AI systems", not every AI system
_SHARED_AT_LEAST = 2  # rule words a statement shares with a claim, to speak of the same rule
# Words nearly every statement of the Act has: sharing them says nothing of the rule.
_TOO_COMMON = frozenset(tokens(["system natural person intended directly use content"])[0])
_GENERIC = frozenset(
    "the and of for that this those with a an its their any all every under act ai regulation must shall "
    "need needs have has are is be can may should to in on by it they them".split()
)
_GENERIC_STEMS = frozenset(tokens([" ".join(_GENERIC)])[0])


def premise(question: str) -> str | None:
    """The claim about the law the question takes as given, if it states one."""
    for pattern in _GIVEN:
        for found in pattern.finditer(question):
            if not speaks_of_the_asker(found["claim"]):
                return found["claim"].strip()
    return None


def _asked_after(question: str, claim: str) -> str:
    """What the question asks after the claim it takes as given."""
    return question[question.find(claim) + len(claim) :]


def swept(claim: str) -> list[str]:
    """The words for what a sweeping claim says a rule reaches: ["deployer"] for "every
    deployer of high-risk AI must …", ["person", "decision"] for "everyone has a right to an
    explanation of any AI decision"; [] when the claim does not sweep."""
    if exempt := _EXEMPT.search(claim):
        return _content(exempt["swept"] or exempt["swept2"] or "")
    words: list[str] = []
    for found in _SWEEPING.finditer(claim):
        subject = []
        for word in found["swept"].split():
            if _ENDS_SUBJECT.match(word):
                break
            subject.append(word)
        said = _content(" ".join(subject))
        words += said or (["person"] if _EVERYONE.match(found.group(0)) else [])
    return words


def _bans_all(claim: str) -> bool:
    return re.search(r"\bbans?\s+all\b|\bprohibits?\s+all\b", claim, re.I) is not None


def _content(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w-]+", text.lower()) if len(w) > 2 and w not in _GENERIC]


def _words(text: str) -> set[str]:
    """A text's words as the lexical index reads them (stemmed, no stop words), less the
    words every claim about the Act uses: "deployers" and "deployer" are one word."""
    return set(tokens([text])[0]) - _GENERIC_STEMS


def _stem(word: str) -> str:
    stems = tokens([word])[0]
    return stems[0] if stems else word


def narrows(statement: str, claim: str, words: Sequence[str]) -> bool:
    """The statement speaks of what the claim sweeps over and of what it says of it, and its
    subject is only part of that: "deployers that are bodies governed by public law", "a
    decision which is taken …", "high-risk AI systems" for "every AI system". A ban with
    exceptions ("unless …") is narrower than "bans all", an exemption with its own exception
    narrower than "fully exempt". An exception to a rule ("shall not apply to …") is not:
    "any deployer must inform …" stays true of the rule it states."""
    lowered = statement.lower()
    acts = f"{claim} {in_the_acts_words(claim)}".lower()
    said = _words(statement)
    subject = [w for w in [*words, *_content(in_the_acts_words(" ".join(words)))] if _stem(w) in said]
    rule = [w for w in _content(acts) if w not in words and _stem(w) in said]
    if not subject or not rule:
        return False
    if _bans_all(claim) and _NARROWED.search(statement):
        return True
    if _EXEMPT.search(claim) and _EXCEPTED.search(statement):
        return True  # "fully exempt": the exemption's own exception ("… unless they are …")
    if any(re.search(rf"\b{re.escape(_stem(w))}{_NARROWED_SUBJECT}", lowered) for w in subject):
        return True
    claimed = claim.lower()
    return any(
        re.search(rf"\b{q}\s+(?:ai\s+)?{re.escape(_stem(w))}", lowered) and q not in claimed
        for q in _QUALIFIERS
        for w in subject
    )


# "Deep fake labelling is only a duty for the tool provider", "the simplified QMS is only for
# microenterprises": a rule said to bind one kind of operator alone.
_ONLY = re.compile(
    r"\bonly\s+(?:(?:a|an)\s+(?:duty|obligation|requirement|option)\s+)?"
    r"(?:for|of|on|binds|applies to|apply to)\s+(?:the\s+)?(?P<who>[\w-]+(?:\s+[\w-]+){0,2})",
    re.I,
)
# The operators a rule may bind, by the stems their names share.
_OPERATORS = (
    ("provider", r"providers?"),
    ("deployer", r"deployers?"),
    ("importer", r"importers?"),
    ("distributor", r"distributors?"),
    ("authorised representative", r"authori[sz]ed representatives?"),
    ("notified body", r"notified bod(?:y|ies)"),
    ("microenterprise", r"micro-?enterprises?"),
    ("SME", r"smes?|small and medium-sized enterprises?"),
    ("SMC", r"smcs?|small mid-caps?"),
)
_BINDS = re.compile(r"\b(?:shall|may|must)\b", re.I)


def _operator(text: str) -> str | None:
    """The first operator a text names."""
    found = [
        (m.start(), name)
        for name, pattern in _OPERATORS
        for m in re.finditer(rf"\b(?:{pattern})\b", text, re.I)
    ]
    return min(found)[1] if found else None


def binds_another(statement: str, claim: str) -> bool:
    """The claim says a rule binds one operator only; the statement, on the same rule, binds
    another ("Deployers of an AI system that generates … a deep fake, shall disclose …")."""
    only = _ONLY.search(claim)
    claimed = _operator(only["who"]) if only else None
    if claimed is None:
        return False
    binds = _BINDS.search(statement)
    bound = _operator(statement[: binds.start()]) if binds else None
    if bound is None or bound == claimed:
        return False
    said = claim[: only.start()]
    own = _words(said) - _TOO_COMMON
    rule = own | (_words(in_the_acts_words(said)) - _TOO_COMMON)
    shared = rule & _words(statement)
    # The claim's own words, not only the Act's for them: "transparency for chatbots" is not
    # what Article 50(4) on published text speaks of, though both say "inform".
    return len(shared) >= _SHARED_AT_LEAST and bool(shared & own)


def correcting(asked: Asked, sentences: Sequence[LeadSentence]) -> list[LeadSentence] | None:
    """The lead with the statement that shows the question's premise wrong said first: one of
    its own sentences, else one of the law's passages found for the question. The premise is
    a sweeping claim the statement narrows, or a rule said to bind one operator only that the
    statement lays on another. None when the question states no such premise, asks whether
    something is "still" required, or nothing found shows it wrong."""
    claim = premise(asked.question)
    if claim is None or _STILL.search(_asked_after(asked.question, claim)):
        return None
    words = swept(claim)
    if not words and not _ONLY.search(claim):
        return None

    def shows_wrong(statement: str) -> bool:
        return (bool(words) and narrows(statement, claim, words)) or binds_another(statement, claim)

    for position, sentence in enumerate(sentences):
        if shows_wrong(sentence.text):
            return [corrected(sentence), *sentences[:position], *sentences[position + 1 :]]
    # Else the article the lead answers from may say it in another paragraph ("Under Article
    # 27(5), the AI Office shall develop a template …": Article 27(1) says who must assess).
    passages = asked.numbering.passages
    cited = {n for sentence in sentences for n in cited_numbers(sentence.text)}
    articles = {passages[n - 1].anchor.split(".")[0] for n in cited if 0 < n <= len(passages)}
    for passage in passages:
        if passage.authority is not Authority.BINDING or passage.anchor.split(".")[0] not in articles:
            continue
        for statement in statements(passage.text):
            said = plain_for(statement, claim)
            if shows_wrong(said):
                # A sentence of a point's lead-in is its paragraph's ("deployers that are … shall
                # perform an assessment" is Article 27(1)'s, not point (b)'s).
                anchor = passage.anchor
                if statement.lead_in and said in " ".join(statement.lead_in.split()):
                    anchor = anchor.rsplit(".", 1)[0]
                marker = asked.numbering.marker(anchor)
                written = f"Under {label_for(anchor)}, {lower_first(said.rstrip('.'))}{marker}."
                return [corrected(LeadSentence(written)), *sentences]
    return None


# "Since the Omnibus scrapped the AI literacy duty, is there still …?": what a claim says is gone.
_GONE = re.compile(
    r"\b(?:scrapped|deleted|removed|abolished|repealed|dropped|eliminated|struck out|did away with"
    r"|got rid of)\s+(?P<what>.+)$"
    r"|^(?P<subject>.+?)\s+(?:was|were|has been|have been|is|are)\s+(?:now\s+)?"
    r"(?:scrapped|deleted|removed|abolished|repealed|gone)\b",
    re.I,
)
# What such a claim calls the thing that is gone: a duty, a permission; a sentence of the law
# in force that still imposes or allows it says "shall" or "may".
_LEGAL_NOUNS = frozenset(tokens(["duty obligation requirement permission rule basis"])[0])
_IMPOSES = re.compile(r"\b(?:shall|may|must)\b", re.I)
_ASKS_YES_OR_NO = re.compile(
    r"^\W*(?:is|are|do|does|did|can|could|must|should|will|would|may|has|have)\b", re.I
)
_NOTES_DELETION = re.compile(r"\b(?:deleted|no longer applies)\b", re.I)


def still_in_force(law: Law, asked: Asked, sentences: Sequence[LeadSentence]) -> list[LeadSentence] | None:
    """For "Since the Omnibus deleted X, is there still …?": the lead's sentence that quotes
    the law in force on X, opened with "Yes"; None when the question makes no such claim, does
    not ask what is "still" there, or the lead quotes nothing in force on X. A provision the
    claim names that the law did delete leaves the claim standing."""
    claim = premise(asked.question)
    gone = _GONE.search(claim) if claim else None
    asked_after = _asked_after(asked.question, claim) if claim else ""
    if gone is None or not _STILL.search(asked_after) or not _ASKS_YES_OR_NO.match(asked_after):
        return None
    if any(not provision.in_force for a in asked.reading.named if (provision := law.provision(a))):
        return None
    said_gone = gone["what"] or gone["subject"]
    what = _words(f"{said_gone} {in_the_acts_words(said_gone)}") - _LEGAL_NOUNS
    for position, sentence in enumerate(sentences):
        if _NOTES_DELETION.search(sentence.text) or not _IMPOSES.search(sentence.text) or not what:
            continue
        if len(what & _words(sentence.text)) >= min(_SHARED_AT_LEAST, len(what)):
            opened = LeadSentence(f"Yes: {sentence.text}", sentence.denies)
            return [opened, *sentences[:position], *sentences[position + 1 :]]
    return None
