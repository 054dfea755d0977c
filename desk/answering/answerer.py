"""From a question to a checked, cited answer.

    question ─► understand (kind, subject, premises, another law?, follow-up?) ─► another law: redirect
             ─► (elliptical follow-up? rewrite) ─► retrieve, routed by kind ─► unrelated: decline
             ─► compose the lead from the law's structure ─► verify it ─► numbered prompt ─► backend
    backend text ─► its lead verified ─► strip citations not issued ─► verify quotes ─► Answer

A backend that errs, times out or answers with nothing citable never loses the question:
the extractive backend answers instead and the answer is flagged for review.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from desk import routing
from desk.answering.checks import CheckedText, check
from desk.answering.language import NOTE_ENGLISH_ONLY, UNRELATED, glossed_in_english, language_of
from desk.answering.lead import Composer, Lead
from desk.answering.prompt import build_prompt, repeats_instructions, rewrite_prompt
from desk.answering.scope import (
    OtherRegime,
    Redirects,
    asks_for_other_work,
    mentions_ai,
    names_the_acts_own,
    redirect_lead,
    without_overrides,
)
from desk.answering.verify import verify, verify_text
from desk.backends import Backend, BackendError, BackendGarbage, Prompt
from desk.backends.extractive import HEADINGS, ExtractiveBackend, with_quotes
from desk.citations import label_for
from desk.history import asks_about_earlier, compose_changes, earlier_passages, is_earlier
from desk.links import Links
from desk.retrieval import HybridRetriever, Retrieval
from desk.roles import (
    ROLE_DUTIES,
    ROLE_NAMES,
    ROLE_SWITCH_ANCHOR,
    RoleReading,
    clarifying_question,
    read_role,
)
from desk.settings import Settings
from desk.timeline import Timeline, long_date
from desk.types import Answer, Authority, Citation, Flag, Passage, Role, Scope
from desk.understanding import Kind, Reading, read_question

log = logging.getLogger("desk.answering")

NOTICE = (
    "This answer is information drawn from the official texts, not legal advice. "
    "Check the cited provisions before you rely on them."
)
_A_SYSTEM = re.compile(
    r"\b(tool|system|software|app|platform|solution|model|algorithm\w*|automat\w+)s?\b", re.I
)


@dataclass(frozen=True)
class Asking:
    """A question understood: the query retrieval reads (a follow-up made whole), what it asks,
    for whom, and in which language."""

    question: str
    query: str
    reading: Reading  # of the query: kinds and subject
    role: RoleReading
    language: str = "en"


@dataclass(frozen=True)
class _Asked:
    """A question made ready to answer: what was found, the prompt (None: declined), the lead."""

    asking: Asking
    retrieval: Retrieval
    prompt: Prompt | None
    lead: Lead | None = None
    compared: tuple[str, ...] = ()  # provisions whose 2024 text the prompt holds too
    retrieval_ms: float = 0.0
    scope: Scope | None = None


@dataclass(frozen=True)
class StreamEvent:
    kind: str  # "delta": more text; "reset": discard the text so far; "final": the Answer
    text: str = ""
    answer: Answer | None = None


# What asks about a duty: with a term the Act defines, a question on the Act ("What must be in
# the instructions for use?"), however far its similarity ("the instructions for use of
# ibuprofen" asks nothing of the kind).
_DUTY_WORDS = re.compile(
    r"\b(must|shall|required|requires?|obliged|obligations?|need to|have to|mandatory)\b", re.I
)


_EVERYDAY_TERMS = frozenset(
    {
        "personal data", "non-personal data", "biometric data", "special categories of personal data",
        "law enforcement", "law enforcement authority", "critical infrastructure", "informed consent",
        "input data", "training data", "testing data", "validation data", "validation data set",
        "publicly accessible space", "safety component", "intended purpose", "placing on the market",
        "making available on the market", "putting into service",
    }
)  # fmt: skip


class Answerer:
    def __init__(self, retriever: HybridRetriever, backend: Backend, settings: Settings, corpus_version: str):
        self.retriever = retriever
        self.backend = backend
        self.settings = settings
        self.corpus_version = corpus_version
        self.fallback = ExtractiveBackend(sentences=settings.answering.extractive_sentences)
        self.settings_hash = settings.fingerprint()
        self.timeline = Timeline.from_index(retriever.index)
        self.links = Links(retriever.index, terms=retriever.definitions)
        self.composer = Composer(retriever.index, self.timeline)
        self._redirects = Redirects(retriever.index)
        self._known = frozenset(retriever.index.anchors())
        # Questions recur (a desk is asked the same things again), and reading one is pure.
        self._read = lru_cache(maxsize=4096)(
            lambda question, history: read_question(question, self._known, history=history)
        )
        # CPU-bound steps (retrieval, extractive composing) take turns: under the GIL, threads
        # that all compute at once slow each other to the pace of the slowest, while taking
        # turns answers first come, first served. Waiting on an LLM happens outside the slots.
        self._cpu = threading.BoundedSemaphore(settings.answering.cpu_slots)

    @property
    def _extractive(self) -> bool:
        return isinstance(self.backend, ExtractiveBackend)

    # -- whole answers ---------------------------------------------------------------------
    def answer(
        self,
        question: str,
        *,
        conversation_id: str,
        history: list[tuple[str, str]] = (),
        role: Role | None = None,
    ) -> Answer:
        started = time.perf_counter()
        asked = self._prepare(question, list(history), role)
        if asked.prompt is None or asked.scope is not None:
            return self._declined(question, conversation_id, asked, started)
        generating = time.perf_counter()
        text, backend, flags = self._generate(asked)
        generation_ms = round((time.perf_counter() - generating) * 1000, 1)
        answer = self._finish(question, conversation_id, asked, text, backend, flags, started)
        answer.timings_ms["generation"] = generation_ms
        return answer

    def _generate(self, asked: _Asked) -> tuple[str, str, list[Flag]]:
        prompt = asked.prompt
        if self._extractive:
            with self._cpu:
                return self._extracted(asked), self.backend.name, []
        try:
            text = self.backend.generate(prompt).text
            _usable(text, prompt)
            return text, self.backend.name, []
        except BackendGarbage as error:
            log.warning(
                "backend answered with nothing usable; extractive fallback", extra={"reason": str(error)}
            )
            return self._extracted(asked), self.fallback.name, [Flag.BACKEND_GARBAGE]
        except BackendError as error:
            log.warning("backend failed; extractive fallback", extra={"reason": str(error)})
            return self._extracted(asked), self.fallback.name, [Flag.BACKEND_FAILED]

    def _extracted(self, asked: _Asked) -> str:
        """The extractive answer: the lead, then what the law says; for "what did it say before?",
        the changed sentences side by side."""
        if asked.compared and (text := compose_changes(self.retriever.index, asked.prompt.passages)):
            return with_quotes(asked.prompt.lead, text, asked.prompt.passages)
        return self.fallback.generate(asked.prompt).text

    # -- streamed answers --------------------------------------------------------------------
    def stream(
        self,
        question: str,
        *,
        conversation_id: str,
        history: list[tuple[str, str]] = (),
        role: Role | None = None,
    ) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        asked = self._prepare(question, list(history), role)
        prompt = asked.prompt
        if prompt is None or asked.scope is not None:
            answer = self._declined(question, conversation_id, asked, started)
            yield StreamEvent("lead", answer.lead)
            yield StreamEvent("delta", answer.text)
            yield StreamEvent("final", answer=answer)
            return
        if prompt.lead:  # the direct answer, as composed and checked, before anything is written
            yield StreamEvent("lead", prompt.lead)
        pieces: list[str] = []
        backend, flags = self.backend.name, []
        try:
            if self._extractive:
                with self._cpu:
                    written = self._extracted(asked).splitlines(keepends=True)
            else:
                written = self.backend.stream(prompt)
            for piece in written:
                pieces.append(piece)
                if not self._extractive and repeats_instructions("".join(pieces[-40:])):
                    raise BackendGarbage("the backend recited its instructions")
                yield StreamEvent("delta", piece)
            if not self._extractive:
                _usable("".join(pieces), prompt)
        except BackendError as error:
            flags = [Flag.BACKEND_GARBAGE if isinstance(error, BackendGarbage) else Flag.BACKEND_FAILED]
            backend = self.fallback.name
            if pieces:
                yield StreamEvent("reset")
            pieces = [self._extracted(asked)]
            yield StreamEvent("delta", pieces[0])
        answer = self._finish(question, conversation_id, asked, "".join(pieces), backend, flags, started)
        yield StreamEvent("final", answer=answer)

    # -- shared steps ----------------------------------------------------------------------
    def understand(self, question: str, history: list[tuple[str, str]], role: Role | None = None) -> Asking:
        """What a question asks, for whom; a follow-up that leans on the last turn made whole.
        A question that stands on its own is read on its own: no earlier question, no earlier role."""
        language = language_of(question)
        glossed = glossed_in_english(question) if language != "en" else question
        own = self._read(glossed, bool(history))
        query = self.standalone(glossed, history, own)
        reading = own if query == glossed else self._read(query, False)
        if reading is not own:  # the premises are the question's own, the kinds those of the whole
            reading = replace(reading, missing=own.missing)
        earlier = [q for q, _ in history] if own.elliptical else []
        return Asking(question, query, reading, read_role(glossed, given=role, earlier=earlier), language)

    def _prepare(self, question: str, history: list[tuple[str, str]], role: Role | None) -> _Asked:
        """Retrieve for the question made standalone, routed by what it asks; compose and check
        its lead; no prompt when the desk declines it."""
        asking = self.understand(question, history, role)
        regime = asking.reading.regime
        with self._cpu:
            started = time.perf_counter()
            retrieval = self.retrieve(asking, self.settings.answering.passages)
            retrieval_ms = round((time.perf_counter() - started) * 1000, 1)
        found = {"passages": len(retrieval.passages), "best_similarity": round(retrieval.best_similarity, 3)}
        log.info(
            "retrieved",
            extra={**found, "cited": retrieval.cited, "role": asking.role.role, "kinds": asking.reading.kinds,
                   "ms": retrieval_ms},
        )  # fmt: skip
        if regime is not None and not asking.reading.missing:
            return self._redirected(asking, retrieval, regime, retrieval_ms)
        if self._unrelated(asking, retrieval):
            return _Asked(asking, retrieval, None, retrieval_ms=retrieval_ms, scope=Scope.UNRELATED)
        passages, compared = retrieval.passages, []
        if asking.reading.missing and not asking.reading.own_words:
            passages = []  # "What does Article 999 say?": the correction, and nothing else to quote
        elif retrieval.cited and asks_about_earlier(question):
            # "What did Article 113 say before?": the 2024 text beside the text in force.
            earlier = earlier_passages(self.retriever.index, retrieval.cited)
            passages = _beside(passages, earlier)
            compared = [p.anchor for p in earlier]
        with self._cpu:
            lead = self.compose(asking, passages, retrieval)
        return _Asked(
            asking,
            retrieval,
            build_prompt(asking.query, lead.passages, history, lead=lead.text),
            lead,
            tuple(compared),
            retrieval_ms=retrieval_ms,
        )

    def compose(self, asking: Asking, passages: list[Passage], retrieval: Retrieval) -> Lead:
        """The lead from the law's structure, each sentence checked against what it cites."""
        try:
            lead = self.composer.compose(
                asking.reading, asking.role, passages, retrieval.dated, recognised=retrieval.recognised
            )
        except Exception:  # a fault in composing costs the lead, never the answer (it is flagged)
            log.exception("composing the lead failed")
            return Lead([], list(passages), dropped=["the lead could not be composed"])
        kept, dropped = verify(lead.sentences, lead.passages, self.retriever.index)
        for sentence, reason in dropped:
            log.warning("lead sentence dropped", extra={"sentence": sentence.text[:200], "reason": reason})
        lead.sentences, lead.dropped = kept, [s.text for s, _ in dropped]
        return lead

    def retrieve(self, asking: Asking, k: int) -> Retrieval:
        """The passages for a question understood: what governs its kind, and its role's duty
        provisions, weigh first; Article 100's fines, or another role's duties, are left out."""
        first = [*routing.governing(asking.reading), *asking.role.duty_anchors()]
        avoid = [*routing.avoided(asking.reading), *asking.role.others_duties()]
        return self.retriever.retrieve(asking.query, k, first=list(dict.fromkeys(first)), avoid=avoid)

    def standalone(
        self, question: str, history: list[tuple[str, str]], reading: Reading | None = None
    ) -> str:
        """An elliptical follow-up made to stand on its own: rewritten by an LLM, or carried context."""
        reading = reading or self._read(question, bool(history))
        if not history or not reading.elliptical:
            return question
        if not self._extractive:
            try:
                rewritten = (
                    self.backend.generate(
                        Prompt(question=question, passages=[], messages=rewrite_prompt(question, history))
                    )
                    .text.strip()
                    .splitlines()[0]
                )
                if 8 <= len(rewritten) <= self.settings.answering.max_question_chars:
                    return rewritten
            except (BackendError, IndexError):
                pass
        return f"{history[-1][0]} {question}"

    def _unrelated(self, asking: Asking, retrieval: Retrieval) -> bool:
        """Nothing in the question speaks of AI or of the Act, and nothing in the texts comes
        close: another subject. A genuine AI Act question is never declined for a score."""
        reading = asking.reading
        if retrieval.named_provision or reading.missing:
            return False
        if asks_for_other_work(asking.question):
            return True  # "write a poem for our AI launch": AI in passing, a task not a question
        asked = without_overrides(asking.query)  # "Forget the AI Act. …" does not ask about it
        if mentions_ai(asked) or names_the_acts_own(asked):
            return False
        if asked != asking.query:  # told to be something else, and then asked nothing of AI or the Act
            return True
        if _DUTY_WORDS.search(asking.query) and self._names_a_defined_term(asking.query):
            return False  # "What must be in the instructions for use?": a term of the Act, and a duty
        if Kind.POLICY in reading.kinds:
            return False  # the AI Continent Action Plan and its initiatives are the desk's texts
        if reading.use and (asking.role.role or asking.role.mentioned or _A_SYSTEM.search(asking.query)):
            return False  # "our CV-screening tool": an Annex III use of a system
        if asking.role.role and asking.role.about_duties:
            return False  # "What must we do?", asked as a deployer
        floor = self.settings.answering.relevance_floor
        return not retrieval.passages or retrieval.best_similarity < floor

    def _names_a_defined_term(self, question: str) -> bool:
        """The question uses a term of two or more words that Article 3 defines, other than
        those in everyday use outside the Act ("personal data", "law enforcement")."""
        lowered = question.lower()
        return any(
            len(term.split()) >= 2 and term not in _EVERYDAY_TERMS and term in lowered
            for term in self.retriever.definitions
        )

    def _redirected(
        self, asking: Asking, retrieval: Retrieval, regime: OtherRegime, retrieval_ms: float
    ) -> _Asked:
        """A question about another law: named, and the AI Act's own provisions that refer to it."""
        touches = self._redirects.touches(regime)
        prompt = build_prompt(asking.query, touches, [], lead=redirect_lead(regime, asking.question, touches))
        return _Asked(asking, retrieval, prompt, retrieval_ms=retrieval_ms, scope=Scope.OTHER_REGIME)

    def _declined(self, question: str, conversation_id: str, asked: _Asked, started: float) -> Answer:
        """Another law (named, with the AI Act's provisions on it) or another subject (a short
        decline in the asker's language). Neither is a review item: they are counted."""
        if asked.scope is Scope.OTHER_REGIME and asked.prompt is not None:
            prompt = asked.prompt
            quotes = self.fallback.generate(replace(prompt, lead="")).text if prompt.passages else ""
            text = with_quotes(prompt.lead, quotes, prompt.passages)
            checked = check(text, prompt.passages, require_citations=False)
            answer = self._answer(
                question, conversation_id, checked.text, checked.citations, prompt.passages, [],
                self.backend.name, started, declined=True,
            )  # fmt: skip
            answer.lead = prompt.lead
            answer.citations = [self.link(citation) for citation in answer.citations]
        else:
            language = asked.asking.language
            text = UNRELATED.get(language, UNRELATED["en"])
            if language != "en":
                text = f"{text}\n\n{UNRELATED['en']}"
            answer = self._answer(question, conversation_id, text, [], [], [], self.backend.name, started,
                                  declined=True)  # fmt: skip
            answer.lead = text.split("\n\n")[0]
        answer.scope = asked.scope or Scope.UNRELATED
        answer.timings_ms = {"retrieval": asked.retrieval_ms}
        return answer

    def _finish(self, question, conversation_id, asked: _Asked, text, backend, flags, started) -> Answer:
        prompt, retrieval, reading = asked.prompt, asked.retrieval, asked.asking.role
        lead, text, lead_flags = self._checked_lead(asked, text, backend)
        checked: CheckedText = check(text, prompt.passages, require_citations=backend != "extractive")
        flags = [*flags, *lead_flags, *checked.flags]
        if (
            retrieval.best_similarity < self.settings.answering.weak_retrieval
            and not retrieval.named_provision
        ):
            flags.append(Flag.WEAK_RETRIEVAL)
        answer = self._answer(
            question,
            conversation_id,
            checked.text,
            checked.citations,
            prompt.passages,
            flags,
            backend,
            started,
        )
        answer.lead = lead
        answer.citations = [self.link(citation) for citation in answer.citations]
        answer.notes = (
            self._role_notes(reading) + self._notes(checked.citations) + _history_notes(asked.compared)
        )
        if asked.asking.language in NOTE_ENGLISH_ONLY:
            answer.notes.insert(0, NOTE_ENGLISH_ONLY[asked.asking.language])
        # The role the answer is for, when it matters to it: given, or read in a question on duties.
        if reading.source == "given" or reading.about_duties or reading.role_switch:
            answer.role, answer.role_source = reading.role, reading.source
        answer.timings_ms = {"retrieval": asked.retrieval_ms}
        log.info(
            "answered",
            extra={
                "backend": backend,
                "flags": [f.value for f in answer.flags],
                "citations": len(answer.citations),
            },
        )
        if reading.needs_role and not retrieval.cited:  # a named provision says whose duty it is
            answer.clarify = clarifying_question()
        return answer

    def _checked_lead(self, asked: _Asked, text: str, backend: str) -> tuple[str, str, list[Flag]]:
        """(the lead, the whole text, flags): an LLM's lead is checked as the composed one was;
        what does not hold is dropped, and when nothing holds the composed lead stands in."""
        composed = asked.lead
        flags = [Flag.LEAD_UNVERIFIED] if composed and composed.dropped else []
        if backend == self.fallback.name:  # the extractive text opens with the composed lead
            return (composed.text if composed else ""), text, flags
        written, _, rest = text.partition("\n\n")
        if any(heading in written for heading in HEADINGS) or not rest:
            written, rest = "", text
        kept, dropped = verify_text(written, asked.prompt.passages, self.retriever.index)
        if dropped:
            flags = [*flags, Flag.LEAD_UNVERIFIED]
        if not kept and composed is not None and composed.text:
            kept = composed.text
        return kept, f"{kept}\n\n{rest}" if kept else rest, list(dict.fromkeys(flags))

    def link(self, citation: Citation) -> Citation:
        """The citation with what a reader may open next: the provisions its passage refers to
        and the Article 3 definitions of the terms it uses."""
        references, definitions = self.links.of(citation.anchor, citation.passage_id)
        return citation.model_copy(update={"references": references, "definitions": definitions})

    def _role_notes(self, reading: RoleReading) -> list[str]:
        """Whose duties the answer gives, and when doing something makes one a provider."""
        index = self.retriever.index
        notes = []
        if reading.role_switch:
            notes.append(
                f"{label_for(ROLE_SWITCH_ANCHOR)}: a distributor, importer, deployer or other third party "
                "that puts its name or trademark on a high-risk AI system already on the market, makes a "
                "substantial modification to it, or changes an AI system's intended purpose so that it "
                "becomes high-risk, is considered its provider and takes on the provider's obligations "
                f"under {label_for(ROLE_DUTIES[Role.PROVIDER][0])}."
            )
        if reading.role and reading.about_duties:
            duties = [label_for(a) for a in ROLE_DUTIES[reading.role] if index.provision(a) is not None]
            why = {
                "question": "as your question reads; choose another role to change it",
                "conversation": "as an earlier question read; choose another role to change it",
            }.get(reading.source or "", "the role you chose")
            who = ROLE_NAMES[reading.role]
            notes.append(f"Answered for a {who} ({why}): its own duties are set by {', '.join(duties)}.")
        return notes

    def _notes(self, citations) -> list[str]:
        """When each cited provision applies (Article 113), and whether the Omnibus amended it."""
        index = self.retriever.index
        today = date.today()
        applying: dict[str, list[str]] = {}  # one note per date rule, naming every provision it covers
        amended: dict[str, list[str]] = {}
        for citation in {c.anchor: c for c in citations if not is_earlier(c.passage_id)}.values():
            provision = index.provision(citation.anchor)
            entries = self.timeline.applying_to(citation.anchor, provision.heading_path) if provision else []
            if entries:
                set_by = index.provision(entries[0].set_by)
                when = " and ".join(entry.status(today) for entry in entries)
                rule = f"{when} ({set_by.label if set_by else entries[0].set_by})"
                applying.setdefault(rule, []).append(citation.label)
            if citation.amended_by:
                amended.setdefault(citation.amended_by, []).append(citation.label)
        since = long_date(date.fromisoformat(self.corpus_version))
        return (
            [f"{', '.join(labels)}: {rule}." for rule, labels in applying.items()]
            + [
                f"{', '.join(labels)}: as amended by {act}, in force since {since}."
                for act, labels in amended.items()
            ]
            + _standing_notes(citations)
        )

    def _answer(
        self, question, conversation_id, text, citations, passages, flags, backend, started, declined=False
    ):
        return Answer(
            id=uuid.uuid4().hex,
            conversation_id=conversation_id,
            question=question,
            text=text,
            citations=citations,
            passages=passages,
            flags=list(dict.fromkeys(flags)),
            backend=backend,
            settings_hash=self.settings_hash,
            corpus_version=self.corpus_version,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            notice=NOTICE,
            declined=declined,
        )


def _usable(text: str, prompt: Prompt) -> None:
    """What an LLM wrote can be an answer: it cites a passage it was given, and it does not
    recite the desk's instructions (what a prompt injection asks for)."""
    if repeats_instructions(text):
        raise BackendGarbage("the backend recited its instructions")
    if not check(text, prompt.passages).citations:
        raise BackendGarbage("the backend cited no passage")


def _standing_notes(citations: list[Citation]) -> list[str]:
    """Where the law and texts that are not law are cited together, which is which."""
    by_authority: dict[Authority, list[str]] = {}
    for citation in {c.anchor: c for c in citations}.values():
        by_authority.setdefault(citation.authority, []).append(citation.label)
    if Authority.BINDING not in by_authority or len(by_authority) == 1:
        return []
    notes = [f"{', '.join(by_authority[Authority.BINDING])}: the law (binding)."]
    if labels := by_authority.get(Authority.INTERPRETIVE):
        notes.append(f"{', '.join(labels)}: recitals, which explain the law but do not bind.")
    if labels := by_authority.get(Authority.GUIDANCE):
        notes.append(
            f"{', '.join(labels)}: Commission guidance, which is not binding; "
            "only the Court of Justice interprets the Act authoritatively."
        )
    if labels := by_authority.get(Authority.POLICY):
        notes.append(f"{', '.join(labels)}: a policy document, which sets no legal obligation.")
    return notes


def _beside(passages: list[Passage], earlier: list[Passage]) -> list[Passage]:
    """Each earlier version right after the last passage of the same provision."""
    ordered = list(passages)
    for old in earlier:
        same = [
            i
            for i, p in enumerate(ordered)
            if p.anchor == old.anchor or p.anchor.startswith(old.anchor + ".")
        ]
        ordered.insert(same[-1] + 1 if same else min(1, len(ordered)), old)
    return ordered


def _history_notes(anchors: tuple[str, ...]) -> list[str]:
    return [
        f"{label_for(anchor)} before and after Regulation (EU) 2026/1744, word by word: "
        f"/api/provisions/{anchor}/history."
        for anchor in anchors
    ]
