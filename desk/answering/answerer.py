"""From a question to a checked, cited answer.

    question ─► (follow-up? rewrite) ─► retrieve ─► relevance floor ─┬─► decline, and say why
                                                                     └─► numbered prompt ─► backend
    backend text ─► strip citations not issued ─► verify quotes ─► find uncited claims ─► Answer

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
from dataclasses import dataclass
from datetime import date

from desk.answering.checks import CheckedText, check
from desk.answering.prompt import build_prompt, repeats_instructions, rewrite_prompt
from desk.answering.scope import other_regime
from desk.backends import Backend, BackendError, BackendGarbage, Prompt
from desk.backends.extractive import ExtractiveBackend
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
from desk.types import Answer, Authority, Citation, Flag, Passage, Role

log = logging.getLogger("desk.answering")

NOTICE = (
    "This answer is information drawn from the official texts, not legal advice. "
    "Check the cited provisions before you rely on them."
)
_FOLLOW_UP = re.compile(
    r"^(and|but|what about|how about|also|then|so|does (it|this|that)|is (it|this|that))\b", re.I
)
_PRONOUNS = re.compile(r"\b(it|its|this|that|these|those|they|them|such)\b", re.I)


@dataclass(frozen=True)
class _Asked:
    """A question made ready to answer: what was found, the prompt (None: declined), the role."""

    retrieval: Retrieval
    prompt: Prompt | None
    reading: RoleReading
    compared: tuple[str, ...] = ()  # provisions whose 2024 text the prompt holds too
    retrieval_ms: float = 0.0


@dataclass(frozen=True)
class StreamEvent:
    kind: str  # "delta": more text; "reset": discard the text so far; "final": the Answer
    text: str = ""
    answer: Answer | None = None


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
        if asked.prompt is None:
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
        """The extractive answer; for "what did it say before?", the changed sentences side by side."""
        if asked.compared and (text := compose_changes(self.retriever.index, asked.prompt.passages)):
            return text
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
        if prompt is None:
            answer = self._declined(question, conversation_id, asked, started)
            yield StreamEvent("delta", answer.text)
            yield StreamEvent("final", answer=answer)
            return
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
    def _prepare(self, question: str, history: list[tuple[str, str]], role: Role | None) -> _Asked:
        """Retrieve for the question made standalone, weighing first the duty provisions of the
        asker's role; no prompt when the desk declines it."""
        query = self.standalone(question, history)
        reading = read_role(question, given=role, earlier=[q for q, _ in history])
        with self._cpu:
            started = time.perf_counter()
            retrieval = self.retrieve(query, reading, self.settings.answering.passages)
            retrieval_ms = round((time.perf_counter() - started) * 1000, 1)
        found = {"passages": len(retrieval.passages), "best_similarity": round(retrieval.best_similarity, 3)}
        log.info(
            "retrieved", extra={**found, "cited": retrieval.cited, "role": reading.role, "ms": retrieval_ms}
        )
        if self._declines(question, retrieval):
            return _Asked(retrieval, None, reading, retrieval_ms=retrieval_ms)
        passages, compared = retrieval.passages, []
        if retrieval.cited and asks_about_earlier(question):
            # "What did Article 113 say before?": the 2024 text beside the text in force.
            earlier = earlier_passages(self.retriever.index, retrieval.cited)
            passages = _beside(passages, earlier)
            compared = [p.anchor for p in earlier]
        return _Asked(
            retrieval,
            build_prompt(query, passages, history),
            reading,
            tuple(compared),
            retrieval_ms=retrieval_ms,
        )

    def retrieve(self, query: str, reading: RoleReading, k: int) -> Retrieval:
        """The passages for a standalone question: its role's duty provisions weigh first."""
        return self.retriever.retrieve(query, k, first=reading.duty_anchors(), avoid=reading.others_duties())

    def standalone(self, question: str, history: list[tuple[str, str]]) -> str:
        """A follow-up made to stand on its own: rewritten by an LLM, or carried context."""
        if not history or not _is_follow_up(question):
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

    def _declines(self, question: str, retrieval: Retrieval) -> bool:
        if other_regime(question) is not None:
            return True
        floor = self.settings.answering.relevance_floor
        return not retrieval.named_provision and (not retrieval.passages or retrieval.best_similarity < floor)

    def _declined(self, question: str, conversation_id: str, asked: _Asked, started: float) -> Answer:
        retrieval = asked.retrieval
        texts = (
            "The official texts this desk answers from (the AI Act as amended by Regulation (EU) "
            "2026/1744, its recitals and the Commission's guidelines) do not answer this question: "
        )
        regime = other_regime(question)
        if regime is not None:
            reason = f"it is about {regime.matter}, which other law governs, not the AI Act."
        else:
            reason = (
                f"no passage comes close enough to it (best similarity {retrieval.best_similarity:.2f}, "
                f"below the floor of {self.settings.answering.relevance_floor:.2f}). "
                "If it is about the AI Act, try naming the provision or rephrasing."
            )
        text = texts + reason
        return self._answer(
            question,
            conversation_id,
            text,
            [],
            [],
            [Flag.OUT_OF_SCOPE],
            self.backend.name,
            started,
            declined=True,
        )

    def _finish(self, question, conversation_id, asked: _Asked, text, backend, flags, started) -> Answer:
        prompt, retrieval, reading = asked.prompt, asked.retrieval, asked.reading
        checked: CheckedText = check(text, prompt.passages, require_citations=backend != "extractive")
        flags = [*flags, *checked.flags]
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
        answer.citations = [self.link(citation) for citation in answer.citations]
        answer.notes = (
            self._role_notes(reading) + self._notes(checked.citations) + _history_notes(asked.compared)
        )
        answer.role = reading.role
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
            notes.append(
                f"Answered for a {ROLE_NAMES[reading.role]}: its own duties are set by {', '.join(duties)}."
            )
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


def _is_follow_up(question: str) -> bool:
    words = question.split()
    return len(words) <= 6 or bool(_FOLLOW_UP.match(question)) or bool(_PRONOUNS.search(question))
