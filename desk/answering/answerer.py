"""From a question to a checked, cited answer.

    question ─► (follow-up? rewrite) ─► retrieve ─► relevance floor ─┬─► decline, and say why
                                                                     └─► numbered prompt ─► backend
    backend text ─► strip citations not issued ─► verify quotes ─► find uncited claims ─► Answer

A backend that errs, times out or answers with nothing citable never loses the question:
the extractive backend answers instead and the answer is flagged for review.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from desk.answering.checks import CheckedText, check
from desk.answering.prompt import build_prompt, rewrite_prompt
from desk.answering.scope import other_regime
from desk.backends import Backend, BackendError, BackendGarbage, Prompt
from desk.backends.extractive import ExtractiveBackend
from desk.retrieval import HybridRetriever, Retrieval
from desk.settings import Settings
from desk.timeline import Timeline, long_date
from desk.types import Answer, Flag

NOTICE = (
    "This answer is information drawn from the official texts, not legal advice. "
    "Check the cited provisions before you rely on them."
)
_FOLLOW_UP = re.compile(
    r"^(and|but|what about|how about|also|then|so|does (it|this|that)|is (it|this|that))\b", re.I
)
_PRONOUNS = re.compile(r"\b(it|its|this|that|these|those|they|them|such)\b", re.I)


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
        # CPU-bound steps (retrieval, extractive composing) take turns: under the GIL, threads
        # that all compute at once slow each other to the pace of the slowest, while taking
        # turns answers first come, first served. Waiting on an LLM happens outside the slots.
        self._cpu = threading.BoundedSemaphore(settings.answering.cpu_slots)

    @property
    def _extractive(self) -> bool:
        return isinstance(self.backend, ExtractiveBackend)

    # -- whole answers ---------------------------------------------------------------------
    def answer(self, question: str, *, conversation_id: str, history: list[tuple[str, str]] = ()) -> Answer:
        started = time.perf_counter()
        retrieval, prompt = self._prepare(question, list(history))
        if prompt is None:
            return self._declined(question, conversation_id, retrieval, started)
        text, backend, flags = self._generate(prompt)
        return self._finish(question, conversation_id, prompt, retrieval, text, backend, flags, started)

    def _generate(self, prompt: Prompt) -> tuple[str, str, list[Flag]]:
        if self._extractive:
            with self._cpu:
                return self.backend.generate(prompt).text, self.backend.name, []
        try:
            text = self.backend.generate(prompt).text
            if not check(text, prompt.passages).citations:
                raise BackendGarbage("the backend cited no passage")
            return text, self.backend.name, []
        except BackendGarbage:
            return self.fallback.generate(prompt).text, self.fallback.name, [Flag.BACKEND_GARBAGE]
        except BackendError:
            return self.fallback.generate(prompt).text, self.fallback.name, [Flag.BACKEND_FAILED]

    # -- streamed answers --------------------------------------------------------------------
    def stream(
        self, question: str, *, conversation_id: str, history: list[tuple[str, str]] = ()
    ) -> Iterator[StreamEvent]:
        started = time.perf_counter()
        retrieval, prompt = self._prepare(question, list(history))
        if prompt is None:
            answer = self._declined(question, conversation_id, retrieval, started)
            yield StreamEvent("delta", answer.text)
            yield StreamEvent("final", answer=answer)
            return
        pieces: list[str] = []
        backend, flags = self.backend.name, []
        try:
            for piece in self.backend.stream(prompt):
                pieces.append(piece)
                yield StreamEvent("delta", piece)
            if not self._extractive and not check("".join(pieces), prompt.passages).citations:
                raise BackendGarbage("the backend cited no passage")
        except BackendError as error:
            flags = [Flag.BACKEND_GARBAGE if isinstance(error, BackendGarbage) else Flag.BACKEND_FAILED]
            backend = self.fallback.name
            if pieces:
                yield StreamEvent("reset")
            pieces = [self.fallback.generate(prompt).text]
            yield StreamEvent("delta", pieces[0])
        answer = self._finish(
            question, conversation_id, prompt, retrieval, "".join(pieces), backend, flags, started
        )
        yield StreamEvent("final", answer=answer)

    # -- shared steps ----------------------------------------------------------------------
    def _prepare(self, question: str, history: list[tuple[str, str]]) -> tuple[Retrieval, Prompt | None]:
        """Retrieve for the question made standalone; no prompt when the desk declines it."""
        query = self.standalone(question, history)
        with self._cpu:
            retrieval = self.retriever.retrieve(query, self.settings.answering.passages)
        if self._declines(question, retrieval):
            return retrieval, None
        return retrieval, build_prompt(query, retrieval.passages, history)

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

    def _declined(self, question: str, conversation_id: str, retrieval: Retrieval, started: float) -> Answer:
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

    def _finish(self, question, conversation_id, prompt, retrieval, text, backend, flags, started) -> Answer:
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
        answer.notes = self._notes(checked.citations)
        return answer

    def _notes(self, citations) -> list[str]:
        """When each cited provision applies (Article 113), and whether the Omnibus amended it."""
        index = self.retriever.index
        today = date.today()
        applying: dict[str, list[str]] = {}  # one note per date rule, naming every provision it covers
        amended: dict[str, list[str]] = {}
        for citation in {c.anchor: c for c in citations}.values():
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
        return [f"{', '.join(labels)}: {rule}." for rule, labels in applying.items()] + [
            f"{', '.join(labels)}: as amended by {act}, in force since {since}."
            for act, labels in amended.items()
        ]

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


def _is_follow_up(question: str) -> bool:
    words = question.split()
    return len(words) <= 6 or bool(_FOLLOW_UP.match(question)) or bool(_PRONOUNS.search(question))
