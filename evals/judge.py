"""An LLM as judge: is each answer sentence supported by what it cites, does the answer agree
with the reference answer. Used by `desk eval run` when an LLM backend is configured.

The judge is asked through the desk's own backend interface, so any backend the desk can
answer with (an OpenAI-compatible server, a LangChain provider) can judge. Its verdicts are
read strictly: a reply that is not a clear "yes"/"no" or a number in range is not a verdict,
and is counted as such (`unread`) rather than guessed. A score is the mean of the verdicts
read; None when none could be read. A small model is a poor judge: the offline measures in
evals/metrics.py stay the ones the gate relies on.

RAGAS and DeepEval were considered: both need the judge to return structured JSON (which
small local models rarely manage) and pull in tokenizers that download encodings at run
time, which the offline machines this desk is built on cannot do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desk.backends import Backend, BackendError
from desk.backends.base import Message, Prompt
from evals.metrics import cited_sentences, without_citations

SUPPORT_SYSTEM = (
    "You check whether a statement is supported by a passage of law. "
    "Reply with one word: yes if the passage supports the statement, no if it does not."
)
AGREEMENT_SYSTEM = (
    "You grade an answer against a reference answer to the same question. Reply with one "
    "whole number from 0 to 10: 10 when the answer says what the reference says, 0 when it "
    "contradicts it or misses it entirely."
)
_VERDICT = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)
_GRADE = re.compile(r"^\D*?(\d{1,2})(?:\s*/\s*10)?\b")
_MAX_SENTENCES = 8  # per answer: a long answer is judged on its first claims


@dataclass
class Verdicts:
    scores: list[float] = field(default_factory=list)
    unread: int = 0  # replies that were no verdict (or a backend failure)

    @property
    def mean(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 4) if self.scores else None


class LLMJudge:
    def __init__(self, backend: Backend):
        self.backend = backend
        self.name = backend.name

    def faithfulness(self, answer: str, passages_by_number: dict[int, str]) -> Verdicts:
        """Each cited sentence, judged against the passages it cites; an uncited one is unsupported."""
        verdicts = Verdicts()
        for sentence, texts in cited_sentences(answer, passages_by_number)[:_MAX_SENTENCES]:
            if not texts:
                verdicts.scores.append(0.0)
                continue
            passage = "\n\n".join(texts)
            statement = without_citations(sentence).strip()
            reply = self._ask(SUPPORT_SYSTEM, f"Passage:\n{passage}\n\nStatement: {statement}\n\nSupported?")
            found = _VERDICT.match(reply or "")
            if found:
                verdicts.scores.append(1.0 if found.group(1).lower() == "yes" else 0.0)
            else:
                verdicts.unread += 1
        return verdicts

    def correctness(self, question: str, answer: str, reference: str) -> Verdicts:
        verdicts = Verdicts()
        answer = without_citations(answer)
        user = f"Question: {question}\n\nReference answer: {reference}\n\nAnswer: {answer}\n\nGrade:"
        reply = self._ask(AGREEMENT_SYSTEM, user)
        found = _GRADE.match(reply or "")
        if found and 0 <= int(found.group(1)) <= 10:
            verdicts.scores.append(int(found.group(1)) / 10)
        else:
            verdicts.unread += 1
        return verdicts

    def _ask(self, system: str, user: str) -> str | None:
        prompt = Prompt(
            question=user,
            passages=[],
            messages=[Message("system", system), Message("user", user)],
        )
        try:
            return self.backend.generate(prompt).text
        except BackendError:
            return None
