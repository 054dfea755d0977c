"""The whole surface of an LLM backend: one prompt in, text out (at once or streamed).

A backend never sees anything but the prompt: numbered passages and the question. It
writes text that cites passages as [1], [2]; the answerer checks every number and quote
afterwards, so a backend need not be trusted.

    BackendError            the backend failed (unreachable, timed out, refused)
     └── BackendGarbage     it answered, but with nothing usable
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from desk.types import Passage


class BackendError(RuntimeError):
    """The backend could not answer; the desk falls back to the extractive backend."""


class BackendGarbage(BackendError):
    """The backend answered with nothing usable (empty, or not text)."""


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Prompt:
    """What a backend is asked: the chat messages, and the same content as data."""

    question: str
    passages: list[Passage]  # passage n is cited as [n], counting from 1
    messages: list[Message]
    history: list[tuple[str, str]] = field(default_factory=list)  # earlier (question, answer)
    lead: str = ""  # the direct answer the desk composed from the passages, with their [n]


@dataclass(frozen=True)
class Generation:
    text: str
    model: str


class Backend(Protocol):
    name: str

    def generate(self, prompt: Prompt) -> Generation:
        """The whole answer at once."""
        ...

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """The answer in pieces as they are written."""
        ...
