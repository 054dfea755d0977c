"""The `desk` command.

The desk's own commands live here; command groups of the other packages (`desk ingest`,
`desk corpus …`, `desk bench …`, `desk eval`) are added through the `desk.cli` entry-point
group, the way a plugin would add one, so `desk` never imports `ingest` or `evals`.
"""

from __future__ import annotations

import json
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
    k: int = typer.Option(5, "--k", "-k", min=1, max=50, help="How many passages to print."),
) -> None:
    """Print the passages that best answer a question, with their citations."""
    from desk.embedder import embedder_from_settings
    from desk.index import IndexUnavailable, LoadedIndex
    from desk.retrieval import HybridRetriever

    settings = Settings()
    if not question.strip():
        raise_error("the question is empty")
    try:
        index = LoadedIndex.open(settings)
    except IndexUnavailable as error:
        raise_error(str(error))
    embedder = embedder_from_settings(settings.embedding)
    for rank, passage in enumerate(HybridRetriever(index, embedder).search(question, k), start=1):
        console.print(
            f"[bold]{rank}. {passage.label}[/bold]  [dim]{passage.authority} · "
            f"{passage.source_id} {passage.version} · score {passage.score}[/dim]"
        )
        if passage.amended_by:
            console.print(f"   [italic]as amended by {passage.amended_by}[/italic]")
        console.print(f"   {passage.text}", highlight=False, markup=False)
        console.print(f"   [link={passage.deep_link}]{passage.deep_link}[/link]\n")


@app.command()
def config() -> None:
    """Print the settings in force (secrets never shown)."""
    console.print_json(json.dumps(Settings().model_dump(mode="json")))


def raise_error(message: str) -> None:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code=2)


def _add_plugin_commands() -> None:
    for entry in entry_points(group="desk.cli"):
        entry.load()(app)


_add_plugin_commands()
