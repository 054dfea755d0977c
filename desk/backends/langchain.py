"""Any LangChain chat-model provider, by `provider:model` (LangChain's `init_chat_model`)."""

from __future__ import annotations

from collections.abc import Iterator

from desk.backends.base import BackendError, BackendGarbage, Generation, Prompt
from desk.settings import BackendSettings


class LangChainBackend:
    name = "langchain"

    def __init__(self, settings: BackendSettings):
        if not settings.model or ":" not in settings.model:
            raise ValueError("the langchain backend needs DESK_BACKEND__MODEL=provider:model")
        from langchain.chat_models import init_chat_model

        options: dict = {"temperature": settings.temperature, "timeout": settings.timeout_s}
        options["max_tokens"] = settings.max_tokens
        if settings.base_url:
            options["base_url"] = settings.base_url
        if settings.api_key is not None:
            options["api_key"] = settings.api_key.get_secret_value()
        elif settings.model.startswith("openai:"):
            options["api_key"] = "not-needed"  # a local OpenAI-compatible server takes any key
        self.model_name = settings.model
        self._model = init_chat_model(settings.model, **options)

    def _messages(self, prompt: Prompt) -> list[tuple[str, str]]:
        return [(message.role, message.content) for message in prompt.messages]

    def generate(self, prompt: Prompt) -> Generation:
        try:
            reply = self._model.invoke(self._messages(prompt))
        except Exception as error:  # providers raise their own error types
            raise BackendError(f"langchain {self.model_name}: {type(error).__name__}") from error
        text = reply.content if isinstance(reply.content, str) else ""
        if not text.strip():
            raise BackendGarbage(f"langchain {self.model_name} answered with an empty message")
        return Generation(text=text, model=self.model_name)

    def stream(self, prompt: Prompt) -> Iterator[str]:
        try:
            for chunk in self._model.stream(self._messages(prompt)):
                if isinstance(chunk.content, str) and chunk.content:
                    yield chunk.content
        except Exception as error:  # providers raise their own error types
            raise BackendError(f"langchain {self.model_name}: {type(error).__name__}") from error
