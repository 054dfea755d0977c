"""The LLM backends against a real OpenAI-compatible server: llama.cpp serving SmolLM2-135M.

The model is tiny: these tests exercise the real path (HTTP, streaming, LangChain, citation
checking, fallback), not answer quality. Whatever it writes, no question may be lost.
"""

from __future__ import annotations

import pytest

from desk.answering.answerer import Answerer
from desk.backends import BackendError, get_backend
from desk.backends.base import Message, Prompt
from desk.settings import AnsweringSettings, BackendSettings
from desk.types import Flag

pytestmark = pytest.mark.llm


def _settings(url: str, name: str = "openai", **changes) -> BackendSettings:
    model = "openai:smollm2" if name == "langchain" else "smollm2"
    return BackendSettings(
        **({"name": name, "model": model, "base_url": url, "max_tokens": 60, "timeout_s": 60} | changes)
    )


_PROMPT = Prompt(
    question="What is the capital of the EU?",
    passages=[],
    messages=[Message("system", "Answer in one short sentence."), Message("user", "Say hello.")],
)


@pytest.mark.parametrize("name", ["openai", "langchain"])
def test_generates_and_streams_through_the_real_server(llm_url, name):
    backend = get_backend(_settings(llm_url, name))
    assert backend.generate(_PROMPT).text.strip()
    pieces = list(backend.stream(_PROMPT))
    assert len(pieces) > 1 and "".join(pieces).strip()


def test_a_timeout_is_a_backend_error(llm_url):
    backend = get_backend(_settings(llm_url, timeout_s=0.001))
    with pytest.raises(BackendError):
        backend.generate(_PROMPT)


@pytest.fixture(scope="module")
def llm_answerer(corpus_settings, embedder, llm_url):
    from desk.index import LoadedIndex
    from desk.retrieval import HybridRetriever

    settings = corpus_settings.model_copy(
        update={"backend": _settings(llm_url), "answering": AnsweringSettings(passages=3)}
    )
    index = LoadedIndex.open(settings)
    return Answerer(HybridRetriever(index, embedder), get_backend(settings.backend), settings, "2026-07-27")


@pytest.mark.corpus
@pytest.mark.parametrize("question", ["Which AI practices are prohibited?", "What must deployers do?"])
def test_the_answer_is_checked_or_falls_back_but_never_lost(llm_answerer, question):
    answer = llm_answerer.answer(question, conversation_id="c")
    assert answer.text.strip()
    if answer.backend == "openai":
        numbers = {c.number for c in answer.citations}
        # Only numbers the desk issued survive: one per passage of the prompt (the three found,
        # and any the composed lead needed).
        assert numbers and numbers <= set(range(1, len(answer.passages) + 1))
        assert answer.lead  # the model's lead where it holds, else the desk's own
    else:
        assert answer.backend == "extractive"
        assert {Flag.BACKEND_GARBAGE, Flag.BACKEND_FAILED} & set(answer.flags)
        assert answer.citations


@pytest.mark.corpus
def test_streaming_through_the_real_server(llm_answerer):
    events = list(llm_answerer.stream("Which AI practices are prohibited?", conversation_id="c"))
    assert events[-1].kind == "final"
    assert any(e.kind == "delta" and e.text for e in events)
    assert events[-1].answer.text.strip()


@pytest.mark.corpus
def test_a_follow_up_is_rewritten_by_the_model(llm_answerer):
    history = [("What obligations do providers of general-purpose AI models have?", "They must [1].")]
    answer = llm_answerer.answer("And when do they apply?", conversation_id="c", history=history)
    assert answer.text.strip()
