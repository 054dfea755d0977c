"""The `desk` command.

The desk's own commands live here; command groups of the other packages (`desk ingest`,
`desk corpus …`, `desk bench …`, `desk eval`) are added through the `desk.cli` entry-point
group, the way a plugin would add one, so `desk` never imports `ingest` or `evals`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points

import typer
from rich.console import Console

from desk.settings import Settings

app = typer.Typer(help="The AI Act Service Desk.", no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays one line, whatever the width


@app.command()
def ask(
    question: str = typer.Argument(..., help="A question about the AI Act."),
    k: int = typer.Option(5, "--k", "-k", min=1, max=50, help="How many passages to show with --passages."),
    passages: bool = typer.Option(
        False, "--passages", help="Print the retrieved passages instead of an answer."
    ),
) -> None:
    """Answer a question in the terminal, citing the provisions."""
    from desk.answering.answerer import Answerer
    from desk.backends import UnknownBackend, get_backend
    from desk.embedder import EmbedderError, embedder_for_index
    from desk.index import IndexUnavailable, LoadedIndex
    from desk.index.layout import ENCODER_DIR
    from desk.retrieval import HybridRetriever

    settings = Settings()
    if not question.strip():
        raise_error("the question is empty")
    try:
        index = LoadedIndex.open(settings)
        backend = get_backend(settings.backend)
    except (IndexUnavailable, UnknownBackend, ValueError) as error:
        raise_error(str(error))
    try:
        embedder = embedder_for_index(
            index.manifest.embedding_model, settings.embedding, encoder=index.folder / ENCODER_DIR
        )
    except EmbedderError as error:
        raise_error(str(error))
    retriever = HybridRetriever(index, embedder)
    if passages:
        _print_passages(retriever.search(question, k))
        return
    answer = Answerer(retriever, backend, settings, index.manifest.corpus_version).answer(
        question, conversation_id="cli"
    )
    console.print(answer.text, highlight=False, markup=False)
    console.print()
    for citation in answer.citations:
        note = f" · as amended by {citation.amended_by}" if citation.amended_by else ""
        console.print(
            f"[{citation.number}] {citation.label} ({citation.authority}{note}) {citation.deep_link}",
            highlight=False,
            markup=False,
        )
    for note in answer.notes:
        console.print(f"[cyan]{note}[/cyan]", highlight=False)
    if answer.flags:
        console.print(f"[yellow]flags: {', '.join(answer.flags)}[/yellow]")
    console.print(
        f"[dim]{answer.backend} · law as of {answer.corpus_version} · {answer.latency_ms:.0f} ms · "
        f"{answer.notice}[/dim]"
    )


def _print_passages(found) -> None:
    for rank, passage in enumerate(found, start=1):
        console.print(
            f"[bold]{rank}. {passage.label}[/bold]  [dim]{passage.authority} · "
            f"{passage.source_id} {passage.version} · score {passage.score}[/dim]"
        )
        if passage.amended_by:
            console.print(f"   [italic]as amended by {passage.amended_by}[/italic]")
        console.print(f"   {passage.text}", highlight=False, markup=False)
        console.print(f"   [link={passage.deep_link}]{passage.deep_link}[/link]\n")


_THREAD_POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(
        min(2, os.cpu_count() or 1), min=1, help="Worker processes (each holds the model, about 650 MB)."
    ),
    adapt_in_background: bool = typer.Option(
        True,
        help="When the index served was built with the packaged model, adapt the model and index "
        "again in a background process; the workers swap the new index in when it is published.",
    ),
) -> None:
    """Serve the desk's HTTP API (uvicorn) on the settings from the environment."""
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from desk.api.logs import log_config
    from desk.store import Store

    # Migrate once here, so a database that cannot be reached fails now with its reason
    # rather than in every worker; the workers then find the schema current.
    settings = Settings()
    share = str(max(1, (os.cpu_count() or 1) // workers))
    if settings.embedding.threads is None:
        # The workers inherit the environment: each takes its share of the cores for torch.
        os.environ["DESK_EMBEDDING__THREADS"] = share
    for pool in _THREAD_POOLS:
        # And for the BLAS and OpenMP pools numpy and torch start at import, which otherwise
        # take every core in every worker and spin against each other: 8 clients got 33
        # questions a second with them, 60 with one thread each (`desk bench api --unique`,
        # 2 cores). An operator's own setting stands.
        os.environ.setdefault(pool, share)
    # The workers share one listening socket, and their event loop (uvloop's libuv) accepts
    # every connection waiting when it wakes: one worker took a whole burst of kept-alive
    # connections while the other idled (8 clients: 83 questions a second in half the runs,
    # 135 in the others). One accept per wake-up lets the other worker take its turn (131 to
    # 146 in 4 runs out of 4). An operator's own setting stands.
    os.environ.setdefault("UV_TCP_SINGLE_ACCEPT", "1")
    store = Store(settings.database_url)
    try:
        store.migrate()
    except SQLAlchemyError as error:
        raise_error(f"the database cannot be migrated: {getattr(error, 'orig', None) or error}")
    finally:
        store.close()
    if adapt_in_background:
        _adapt_in_background(settings)
    uvicorn.run(
        "desk.api.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # One rule decides whose X-Forwarded-For names the client: the desk's own
        # (`DESK_RATE_LIMIT__TRUSTED_PROXIES`, desk/ratelimit.py). uvicorn's default trusts the
        # header from loopback (127.0.0.1, ::1) and rewrites the client before the desk sees it,
        # so anything on loopback could pick its address and escape the rate limit and the
        # login throttle (issue 19).
        proxy_headers=False,
        # An idle kept-alive connection is closed after 5 s. uvicorn has no timeout on reading a
        # request body: the desk's own deadline (DESK_BODY_TIMEOUT_S, desk/api/body_deadline.py)
        # answers a body sent byte by byte with 408 and closes its connection (issue 19).
        timeout_keep_alive=5,
        log_config=log_config(json_lines=settings.log_format == "json", level=settings.log_level),
    )


def _adapt_in_background(settings: Settings) -> None:
    """Start `desk ingest --keep-previous` (which adapts the model) beside the server, at low
    priority, when the index served is the packaged model's and the settings adapt it. Its
    output goes to `logs/adapt.log` in the data folder; it ends on its own."""
    from desk.index.layout import IndexLayout

    layout = IndexLayout(settings.index_root)
    if not settings.embedding.adapt or layout.current_name() is None or layout.serves_adapted_model():
        return
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / "adapt.log", "ab") as log_file:
        subprocess.Popen(
            [sys.executable, "-m", "desk", "ingest", "--keep-previous"],
            stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,  # not stopped by the terminal's Ctrl-C with the server
            preexec_fn=lambda: os.nice(10),  # the server's requests come first
        )  # fmt: skip
    typer.echo(
        f"The index served was built with the packaged embedding model: adapting the model in the "
        f"background (log: {logs / 'adapt.log'}); the desk swaps the new index in when it is ready."
    )


bench_app = typer.Typer(help="Benchmarks that print figures (speed and memory targets are checked here).")
app.add_typer(bench_app, name="bench")


@bench_app.command("api")
def bench_api(
    url: str | None = typer.Option(None, help="A running desk (loopback); default: start `desk serve`."),
    concurrency: list[int] = typer.Option([1, 8, 32], "--concurrency", "-c", help="Concurrent clients."),
    requests: int = typer.Option(200, min=1, max=20000, help="Requests per concurrency level."),
    unique: bool = typer.Option(False, help="Make every question unique (no query cache hits)."),
    port: int = typer.Option(8765, help="Port of the server the benchmark starts."),
) -> None:
    """Latency p50/p95 and throughput of POST /api/chat at 1, 8 and 32 clients, and the server's RSS."""

    from desk.bench import run

    if url and not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise_error("the benchmark only drives a desk on this machine (loopback)")
    try:
        results, memory = run(url, concurrency, requests, unique, port)
    except RuntimeError as error:
        raise_error(str(error))
    print_figures(
        f"desk bench api ({'unique' if unique else 'repeated'} questions)",
        ("concurrency", "requests", "errors", "p50_ms", "p95_ms", "throughput_rps"),
        results,
    )
    if memory is not None:
        console.print(f"server RSS after the run: {memory} MB")
    console.print_json(data={"levels": results, "server_rss_mb": memory})


@bench_app.command("load")
def bench_load(
    url: list[str] = typer.Option(..., "--url", help="A running replica (loopback); repeat for several."),
    requests: int = typer.Option(10_000, min=1, max=100_000, help="Requests in all."),
    concurrency: int = typer.Option(16, min=1, max=256, help="Concurrent clients."),
    max_seconds: float = typer.Option(1800, min=1, help="Stop sending after this long."),
    database_url: str | None = typer.Option(
        None, help="The replicas' database, to check every answer was kept (default: DESK_DATABASE_URL)."
    ),
) -> None:
    """Sustained load on the chat API across replicas: throughput, p50/p95/p99, errors, and a
    check that every answered question is in the database. Exits 1 on any error or loss."""
    from desk.loadtest import run as run_load

    try:
        report = run_load(url, requests, concurrency, max_seconds, database_url or Settings().database_url)
    except ValueError as error:
        raise_error(str(error))
    figures = report.figures
    print_figures(
        "desk bench load",
        (
            "requests",
            "concurrency",
            "seconds",
            "throughput_rps",
            "p50_ms",
            "p95_ms",
            "p99_ms",
            "errors",
            "lost",
        ),
        [figures],
    )
    console.print_json(data=figures)
    if figures["errors"] or figures["lost"]:
        raise typer.Exit(code=1)


@app.command()
def timeline(
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD; default today."),
) -> None:
    """When each part of the AI Act applies (Article 113 as amended; Article 111 deadlines)."""
    from datetime import date

    from desk.index import IndexUnavailable, LoadedIndex
    from desk.timeline import Timeline

    try:
        today = date.fromisoformat(as_of) if as_of else date.today()
        index = LoadedIndex.open(Settings())
    except ValueError:
        raise_error(f"--as-of takes a date as YYYY-MM-DD, not {as_of!r}")
    except IndexUnavailable as error:
        raise_error(str(error))
    for entry in Timeline.from_index(index).entries:
        provision = index.provision(entry.set_by)
        console.print(
            f"[bold]{entry.date.isoformat()}[/bold]  {entry.status(today)}  [dim]({provision.label})[/dim]"
        )
        console.print(f"    {entry.covers}", highlight=False)


@app.command()
def config() -> None:
    """Print the settings in force (secrets never shown)."""
    console.print_json(json.dumps(Settings().model_dump(mode="json")))


def print_figures(title: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    """A benchmark's rows as a table, one column per figure."""
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(str(row[column]) for column in columns))
    console.print(table)


def raise_error(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _add_plugin_commands() -> None:
    for entry in entry_points(group="desk.cli"):
        entry.load()(app)


_add_plugin_commands()
