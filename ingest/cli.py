"""`desk ingest`, `desk corpus fetch|stats` and `desk bench ingest`, added to the `desk` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from desk.cli import bench_app, print_figures
from desk.settings import Settings
from desk.sources import SourceError, load_manifest
from ingest.fetch import FetchError, fetch_all
from ingest.parse import ParseError

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

console = Console()
err = Console(stderr=True, soft_wrap=True)  # an error stays one line, whatever the width

_USER_ERRORS = (FetchError, ParseError, SourceError, OSError)


@contextmanager
def _one_line_errors():
    """Errors a user can act on are one line naming the file, never a traceback."""
    try:
        yield
    except _USER_ERRORS as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(code=2) from None


class _BarProgress:
    """Ingest progress drawn as one bar per stage."""

    def __init__(self, bars: Progress):
        self._bars = bars
        self._task = None

    def stage(self, name: str, total: int | None = None) -> None:
        if self._task is not None:
            self._bars.update(
                self._task,
                completed=self._bars.tasks[self._task].total or 1,
                total=self._bars.tasks[self._task].total or 1,
            )
        self._task = self._bars.add_task(name, total=total)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._bars.advance(self._task, amount)

    def note(self, message: str) -> None:
        self._bars.console.print(f"[yellow]{message}[/yellow]", highlight=False)


def ingest_command(
    force: bool = typer.Option(False, "--force", help="Rebuild even when the index is up to date."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    packaged_first: bool = typer.Option(
        False,
        "--packaged-first",
        help="While no index of the adapted model is served, index with the packaged model (minutes, "
        "not the adaptation's): `desk serve` then adapts it in the background and swaps it in.",
    ),
    keep_previous: bool = typer.Option(
        False, "--keep-previous", help="Keep the index served until now (a running desk may still read it)."
    ),
) -> None:
    """Fetch, parse, chunk, embed and index the official texts (a no-op when up to date)."""
    from desk.embedder import embedder_from_settings
    from ingest.pipeline import ingest  # chromadb and the model: only for the commands that index

    settings = Settings()
    from desk.index.layout import IndexLayout

    if (
        packaged_first
        and settings.embedding.adapt
        and not IndexLayout(settings.index_root).serves_adapted_model()
    ):
        settings = settings.model_copy(
            update={"embedding": settings.embedding.model_copy(update={"adapt": False})}
        )

    def embedder():
        return embedder_from_settings(settings.embedding)

    with _one_line_errors():
        if as_json:
            report = ingest(settings, embedder, force=force, keep_previous=keep_previous)
        else:
            columns = (
                TextColumn("{task.description:>6}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=err, transient=False) as bars:
                report = ingest(
                    settings, embedder, progress=_BarProgress(bars), force=force, keep_previous=keep_previous
                )
    if as_json:
        console.print_json(json.dumps(_report_dict(report)))
    else:
        _print_summary(report)


def _report_dict(report: IngestReport) -> dict:
    return {
        "index": report.index_name,
        "built": report.built,
        "passages": report.passages,
        "embedded": report.embedded,
        "reused": report.reused,
        "model": report.model,
        "adapted": report.adapted,
        "seconds": round(report.seconds, 2),
        "stage_seconds": report.stage_seconds,
        "skipped": report.skipped,
        "sources": {k: v.model_dump() for k, v in report.sources.items()},
    }


def _print_summary(report: IngestReport) -> None:
    if not report.built:
        console.print(
            f"Index [bold]{report.index_name}[/bold] is up to date "
            f"({report.passages} passages, {report.seconds:.1f} s)."
        )
        return
    table = Table(title=f"Index {report.index_name}")
    for column in ("source", "version", "uses", "provisions by kind", "passages"):
        table.add_column(column)
    for source_id, record in report.sources.items():
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(record.provisions.items()))
        table.add_row(source_id, record.version, record.uses, kinds, str(record.passages))
    console.print(table)
    if report.adapted:
        console.print(f"Embedding model adapted to the corpus, kept in {report.model}")
    console.print(
        f"{report.passages} passages ({report.embedded} embedded, {report.reused} reused) "
        f"in {report.seconds:.1f} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.stage_seconds.items())
    )


corpus_app = typer.Typer(help="The official texts: fetch them, count what was parsed.", no_args_is_help=True)


@corpus_app.command("fetch")
def corpus_fetch(
    from_dir: Path | None = typer.Option(
        None, "--from", help="Take local copies from this folder (default: ../shared/corpus where it exists)."
    ),
    only: list[str] | None = typer.Option(None, "--only", help="Fetch only these source ids."),
) -> None:
    """Download the official texts into the cache and verify their sha256."""
    settings = Settings()
    local_dir = from_dir or settings.corpus.local_dir
    with _one_line_errors():
        manifest = load_manifest(settings.corpus.sources_file)
        fetched = fetch_all(
            manifest, cache_dir=settings.download_cache, local_dir=local_dir, only=only,
            timeout=settings.corpus.download_timeout_s,
            on_skip=lambda source, reason: err.print(f"[yellow]skipped:[/yellow] {reason}", highlight=False),
        )  # fmt: skip
    for item in fetched:
        for file in item.files:
            console.print(
                f"{item.source.id:22} {file.origin:8} {file.sha256[:16]}…  {file.path}", highlight=False
            )
        for warning in item.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


@corpus_app.command("stats")
def corpus_stats(as_json: bool = typer.Option(False, "--json", help="One object per source.")) -> None:
    """Count provisions and passages per source in the current index."""
    from desk.index import IndexUnavailable
    from desk.index.layout import IndexLayout

    settings = Settings()
    layout = IndexLayout(settings.index_root)
    name = layout.current_name()
    if name is None:
        err.print(f"[red]error:[/red] {IndexUnavailable.__doc__}", highlight=False)
        raise typer.Exit(code=2)
    manifest = layout.manifest(name)
    stats = {}
    for source_id, record in manifest.sources.items():
        kinds = record.provisions
        entry = {"recitals": kinds.get("recital", 0), "articles": kinds.get("article", 0),
                 "annexes": kinds.get("annex", 0), "paragraphs": kinds.get("paragraph", 0),
                 "points": kinds.get("point", 0), "sections": kinds.get("section", 0),
                 "items": kinds.get("item", 0), "boxes": kinds.get("box", 0),
                 "figures": kinds.get("figure", 0)}  # fmt: skip
        if entry["items"]:  # a communication: its printed units are its headings, paragraphs and items
            entry["units"] = entry["sections"] + entry["paragraphs"] + entry["items"]
        stats[source_id] = {k: v for k, v in entry.items() if v} | {
            "passages": record.passages,
            "version": record.version,
        }
    if as_json:
        console.print_json(json.dumps(stats))
        return
    table = Table(title=f"Index {name} (law as of {manifest.corpus_version})")
    columns = [
        "recitals",
        "articles",
        "annexes",
        "paragraphs",
        "points",
        "sections",
        "items",
        "boxes",
        "passages",
    ]
    table.add_column("source")
    for column in columns:
        table.add_column(column, justify="right")
    for source_id, entry in stats.items():
        table.add_row(source_id, *(str(entry.get(c, "")) for c in columns))
    console.print(table)


@bench_app.command("ingest")
def bench_ingest(
    keep: Path | None = typer.Option(None, help="Use this data folder (kept) instead of a temporary one."),
) -> None:
    """Cold ingest, then a no-op ingest, each in its own process: seconds, passages/s, peak RSS.
    The models folder is the settings' own, as the packaged model is: an adapted model kept
    there is reused, and `adapt_s` shows the seconds a run spent adapting one."""
    data_dir = keep or Path(tempfile.mkdtemp(prefix="desk-bench-"))
    models_dir = Settings().adapted_models.resolve()
    results = [_timed_ingest(data_dir, models_dir, "cold"), _timed_ingest(data_dir, models_dir, "no-op")]
    print_figures(
        f"desk bench ingest ({os.cpu_count()} cores)",
        ("run", "seconds", "adapt_s", "passages", "embedded", "passages_per_s", "peak_rss_mb"),
        results,
    )
    console.print_json(json.dumps(results))


def _timed_ingest(data_dir: Path, models_dir: Path, run: str) -> dict:
    env = {**os.environ, "DESK_DATA_DIR": str(data_dir), "DESK_MODELS_DIR": str(models_dir)}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "desk", "ingest", "--json"], env=env, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read()
    # wait4 gives this child's own peak RSS (ru_maxrss, KiB on Linux).
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err.print(
            f"[red]error:[/red] ingest ({run}) failed with exit code {os.waitstatus_to_exitcode(status)}"
        )
        raise typer.Exit(code=1)
    report = json.loads(output)
    peak_kib = usage.ru_maxrss
    return {
        "run": run,
        "seconds": round(seconds, 2),
        "adapt_s": report["stage_seconds"].get("adapt", 0.0) if report["adapted"] else 0.0,
        "passages": report["passages"],
        "embedded": report["embedded"],
        "passages_per_s": round(report["passages"] / seconds, 1),
        "peak_rss_mb": round(peak_kib / 1024, 1),
    }


def tune_command(
    out: Path = typer.Option(..., help="Folder for the adapted model (sentence-transformers format)."),
    epochs: int = typer.Option(1, min=1, max=10, help="Passes over the corpus' pairs."),
    seed: int = typer.Option(0, help="Seed of the shuffle and the training."),
) -> None:
    """Adapt the embedding model to the corpus into a folder of your choosing, with your own
    epochs and seed (ingest does this by default, with the recipe of ingest/tune.py); then
    DESK_EMBEDDING__MODEL=FOLDER DESK_EMBEDDING__ADAPT=false desk ingest."""
    from desk.embedder import embedder_from_settings
    from desk.index import IndexUnavailable, LoadedIndex
    from ingest.tune import corpus_pairs, probe_similarities, similarity_scale, tune

    settings = Settings()
    try:
        index = LoadedIndex.open(settings)
    except IndexUnavailable as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    pairs = corpus_pairs(index)
    model = embedder_from_settings(settings.embedding).model
    before = probe_similarities(model, index)  # the settings' model, measured before it is trained
    columns = (TextColumn("{task.description:>6}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bars:
        task = bars.add_task("tune", total=None)
        report = tune(
            model, pairs, out, epochs=epochs, seed=seed,
            progress=lambda step, steps, loss: bars.update(task, completed=step, total=steps),
        )  # fmt: skip
    similarity_scale(probe_similarities(model, index), before).save(out)
    console.print(
        f"{report.pairs} pairs, {report.steps} steps, "
        f"loss {report.first_loss:.3f} -> {report.last_loss:.3f}; model in {report.folder}\n"
        f"use it: DESK_EMBEDDING__MODEL={report.folder} DESK_EMBEDDING__ADAPT=false desk ingest"
    )


models_app = typer.Typer(
    help="Embedding models adapted to the corpus, kept in the models folder.", no_args_is_help=True
)


@models_app.command("list")
def models_list() -> None:
    """The kept adapted models, their size, and whether an index of this data folder uses each."""
    from ingest.tune import kept_models

    settings = Settings()
    models = kept_models(settings)
    if not models:
        console.print(f"no adapted model in {settings.adapted_models}")
        return
    table = Table(title=str(settings.adapted_models))
    for column in ("model", "MB", "used here"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for model in models:
        table.add_row(model.folder.name, f"{model.size_bytes / 1e6:.0f}", "yes" if model.in_use else "no")
    console.print(table)


@models_app.command("prune")
def models_prune(
    dry_run: bool = typer.Option(False, "--dry-run", help="Name what would go; remove nothing."),
) -> None:
    """Remove the adapted models no index of this data folder uses. A models folder shared by
    several data folders (DESK_MODELS_DIR) may hold models the others use: a data folder whose
    model is gone needs `desk ingest` again, which trains it anew."""
    from ingest.tune import prune_models

    settings = Settings()
    try:
        unused = prune_models(settings, dry_run=dry_run)
    except ValueError as error:
        err.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(code=2) from None
    verb = "would remove" if dry_run else "removed"
    for model in unused:
        console.print(
            f"{verb} {model.folder} ({model.size_bytes / 1e6:.0f} MB)", highlight=False, soft_wrap=True
        )
    freed = sum(model.size_bytes for model in unused) / 1e6
    console.print(f"{len(unused)} unused model(s), {freed:.0f} MB {'to free' if dry_run else 'freed'}")


def register(app: typer.Typer) -> None:
    """Entry point of the `desk.cli` group."""
    app.command("ingest")(ingest_command)
    app.command("tune")(tune_command)
    app.add_typer(corpus_app, name="corpus")
    app.add_typer(models_app, name="models")
