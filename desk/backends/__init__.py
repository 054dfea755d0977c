"""LLM backends, chosen by name in the settings.

The built-ins are registered in the `desk.backends` entry-point group of this project's own
pyproject.toml, exactly as a third party registers one in theirs: a name and a factory that
takes `BackendSettings`.
"""

from __future__ import annotations

from importlib.metadata import entry_points

from desk.backends.base import Backend, BackendError, BackendGarbage, Generation, Message, Prompt
from desk.settings import BackendSettings

GROUP = "desk.backends"


class UnknownBackend(ValueError):
    """The settings name a backend no installed package registers."""


def available_backends() -> list[str]:
    return sorted(entry.name for entry in entry_points(group=GROUP))


def get_backend(settings: BackendSettings) -> Backend:
    """The backend the settings name, built from its registered factory."""
    for entry in entry_points(group=GROUP):
        if entry.name == settings.name:
            return entry.load()(settings)
    raise UnknownBackend(
        f"no backend named {settings.name!r}; installed: {', '.join(available_backends())} "
        "(set DESK_BACKEND__NAME)"
    )


__all__ = [
    "Backend",
    "BackendError",
    "BackendGarbage",
    "Generation",
    "Message",
    "Prompt",
    "UnknownBackend",
    "available_backends",
    "get_backend",
]
