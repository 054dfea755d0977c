"""The prompt: numbered passages with their labels, the question, and how to cite."""

from __future__ import annotations

import re

from desk.backends.base import Message, Prompt
from desk.types import Passage

SYSTEM = (
    "You are the AI Act Service Desk. Answer the question using only the numbered passages "
    "from the official texts. After every sentence, cite the passages it rests on by their "
    "numbers in square brackets, like [1] or [2][3]; cite nothing else and never invent a "
    "number. Start with the direct answer in one to four plain sentences (the verdict, the "
    "date, the amount, the duty), then a blank line, then 'What the law says:' and the "
    "passages' words in double quotes. Every date, amount and article you state must stand "
    "in a passage you cite. If the passages do not answer the question, say that the official "
    "texts provided do not answer it. Passages marked policy (the AI Continent Action Plan) "
    "state the Commission's plans, not law: say so, never present them as a legal duty, and put "
    "the law first. Be brief and precise."
)
# The frame an LLM writes in: the desk's own lead, composed from the law and checked.
_DRAFT = (
    "Draft direct answer, composed from the passages (keep its facts and citations; you may "
    "say it more plainly):\n{lead}"
)


# The sentence every answer may repeat: it is what to say when the texts do not answer.
_MAY_REPEAT = "say that the official texts provided do not answer it"
_LEAK_WINDOW = 7  # words of the instructions in a row that no honest answer writes


def _instruction_windows() -> set[str]:
    words = re.findall(r"[a-z0-9']+", SYSTEM.lower().replace(_MAY_REPEAT, " | "))
    return {
        " ".join(words[i : i + _LEAK_WINDOW])
        for i in range(len(words) - _LEAK_WINDOW + 1)
        if "|" not in words[i : i + _LEAK_WINDOW]
    }


_INSTRUCTION_WINDOWS = _instruction_windows()


def repeats_instructions(text: str) -> bool:
    """The text carries the desk's instructions (a prompt injection made the model recite
    them): seven words of them in a row, in any case and spacing."""
    words = re.findall(r"[a-z0-9']+", text.lower())
    return any(" ".join(words[i : i + _LEAK_WINDOW]) in _INSTRUCTION_WINDOWS for i in range(len(words)))


def passage_block(number: int, passage: Passage) -> str:
    notes = [passage.authority.value]
    if passage.amended_by:
        notes.append(f"as amended by {passage.amended_by}")
    return f"[{number}] {passage.label} ({'; '.join(notes)})\n{passage.text}"


def build_prompt(
    question: str, passages: list[Passage], history: list[tuple[str, str]], lead: str = ""
) -> Prompt:
    messages = [Message("system", SYSTEM)]
    for earlier_question, earlier_answer in history[-3:]:
        messages += [Message("user", earlier_question), Message("assistant", earlier_answer)]
    blocks = "\n\n".join(passage_block(n, p) for n, p in enumerate(passages, start=1))
    draft = f"\n\n{_DRAFT.format(lead=lead)}" if lead else ""
    messages.append(Message("user", f"Passages:\n\n{blocks}\n\nQuestion: {question}{draft}"))
    return Prompt(question=question, passages=passages, messages=messages, history=history, lead=lead)


def rewrite_prompt(question: str, history: list[tuple[str, str]]) -> list[Message]:
    """Ask an LLM to turn a follow-up into a question that stands on its own."""
    turns = "\n".join(f"Q: {q}\nA: {a[:400]}" for q, a in history[-3:])
    return [
        Message(
            "system",
            "Rewrite the user's last question about the EU AI Act so that it can be understood "
            "without the conversation. Reply with the rewritten question only.",
        ),
        Message("user", f"Conversation:\n{turns}\n\nLast question: {question}"),
    ]
