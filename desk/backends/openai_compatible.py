"""Any OpenAI-compatible chat server: OpenAI, Mistral, vLLM, Ollama, llama.cpp, LM Studio.

Spoken to directly with httpx: the chat-completions protocol is small, and owning it keeps
timeouts, streaming and error mapping in one short file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx

from desk.backends.base import BackendError, BackendGarbage, Generation, Prompt
from desk.settings import BackendSettings


class OpenAICompatibleBackend:
    name = "openai"

    def __init__(self, settings: BackendSettings, *, transport: httpx.BaseTransport | None = None):
        if not settings.model:
            raise ValueError("the openai backend needs a model: set DESK_BACKEND__MODEL")
        headers = {}
        if settings.api_key is not None:
            headers["Authorization"] = f"Bearer {settings.api_key.get_secret_value()}"
        self.settings = settings
        self._client = httpx.Client(
            base_url=(settings.base_url or "https://api.openai.com/v1").rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(settings.timeout_s),
            transport=transport,
        )

    def _body(self, prompt: Prompt, *, stream: bool) -> dict:
        return {
            "model": self.settings.model,
            "messages": [{"role": m.role, "content": m.content} for m in prompt.messages],
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_tokens,
            "stream": stream,
        }

    def generate(self, prompt: Prompt) -> Generation:
        try:
            response = self._client.post("/chat/completions", json=self._body(prompt, stream=False))
            response.raise_for_status()
            payload = response.json()
        except httpx.HTTPError as error:
            raise BackendError(
                f"{self.name} backend at {self._client.base_url}: {_describe(error)}"
            ) from error
        except ValueError as error:
            raise BackendGarbage(f"{self.name} backend answered with something not JSON") from error
        try:
            text = payload["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as error:
            raise BackendGarbage(f"{self.name} backend answered without a message") from error
        if not isinstance(text, str) or not text.strip():
            raise BackendGarbage(f"{self.name} backend answered with an empty message")
        return Generation(text=text, model=str(payload.get("model", self.settings.model)))

    def stream(self, prompt: Prompt) -> Iterator[str]:
        try:
            with self._client.stream(
                "POST", "/chat/completions", json=self._body(prompt, stream=True)
            ) as response:
                response.raise_for_status()
                for line in response.iter_lines():
                    piece = _delta(line)
                    if piece is None:
                        break
                    if piece:
                        yield piece
        except httpx.HTTPError as error:
            raise BackendError(
                f"{self.name} backend at {self._client.base_url}: {_describe(error)}"
            ) from error


def _delta(line: str) -> str | None:
    """The text of one server-sent event line; None at the end of the stream."""
    if not line.startswith("data:"):
        return ""
    data = line.removeprefix("data:").strip()
    if data == "[DONE]":
        return None
    try:
        choice = json.loads(data)["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise BackendGarbage(f"malformed stream event: {data[:80]!r}") from error
    return (choice.get("delta") or {}).get("content") or ""


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return type(error).__name__
