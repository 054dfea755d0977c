"""`desk eval run|compare|check|gate`, added to the `desk` command as a plugin."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from desk.settings import Settings
from evals.dataset import load_dataset

console = Console()
err = Console(stderr=True, soft_wrap=True)
eval_app = typer.Typer(help="The answer-quality benchmark.", no_args_is_help=True)


@eval_app.command("run")
def run_command(
    dataset: Path = typer.Option(..., exists=True, dir_okay=False, help="A JSONL dataset."),
    out: Path = typer.Option(..., help="Folder for the run: cases/, summary.json, report.html."),
    config: str = typer.Option("desk", help="desk, bm25-naive or langchain-naive."),
    backend: str | None = typer.Option(None, help="Answering backend (default: the settings')."),
    k: int = typer.Option(5, min=1, max=50, help="The k of recall@k and nDCG@k."),
    judge: str | None = typer.Option(
        None,
        help="Backend that judges faithfulness and correctness (default: the answering backend "
        "when it is an LLM; 'none' for no judge).",
    ),
) -> None:
    """Run a dataset through a configuration and write its per-case results and report."""
    from desk.backends import UnknownBackend, get_backend
    from desk.embedder import embedder_from_settings
    from evals.judge import LLMJudge
    from evals.runner import run

    settings = Settings()
    if backend:
        settings = settings.model_copy(
            update={"backend": settings.backend.model_copy(update={"name": backend})}
        )
    judge_name = judge or settings.backend.name
    llm_judge = None
    if judge_name not in {"none", "extractive"}:
        try:
            llm_judge = LLMJudge(get_backend(settings.backend.model_copy(update={"name": judge_name})))
        except UnknownBackend as error:
            err.print(f"[red]error:[/red] {error}", highlight=False)
            raise typer.Exit(code=2) from None
    loaded = load_dataset(dataset)
    for problem in loaded.errors:
        err.print(f"[yellow]{dataset}: {problem} (skipped)[/yellow]", highlight=False)
    embedder = embedder_from_settings(settings.embedding)
    columns = (TextColumn("eval {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bars:
        task = bars.add_task(config, total=len(loaded.cases))
        try:
            summary = run(
                loaded, settings, config_name=config, k=k, out_dir=out, embedder=embedder,
                progress=lambda done, total: bars.update(task, completed=done), judge=llm_judge,
            )  # fmt: skip
        except ValueError as error:
            err.print(f"[red]error:[/red] {error}", highlight=False)
            raise typer.Exit(code=2) from None
    _print_summary(summary)
    console.print(f"report: {out / 'report.html'}")


def _print_summary(summary: dict) -> None:
    table = Table(title=f"{summary['run']['config']} · {summary['run']['cases']} cases")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in sorted(summary["metrics"].items()):
        table.add_row(name, "—" if value is None else str(value))
    console.print(table)


@eval_app.command("compare")
def compare_command(
    run_a: Path = typer.Argument(..., exists=True), run_b: Path = typer.Argument(..., exists=True)
) -> None:
    """Metric deltas between two runs, and the cases that improved and regressed."""
    from evals.compare import compare

    comparison = compare(run_a, run_b)
    for reason in comparison.reasons:
        err.print(f"[yellow]not comparable: {reason}[/yellow]")
    table = Table(title=f"{run_a} → {run_b}")
    for column in ("metric", "A", "B", "Δ", "95% interval of Δ"):
        table.add_column(column, justify="right" if column != "metric" else "left")
    for name, (a, b, delta) in comparison.deltas.items():
        interval = comparison.intervals.get(name)
        spread = ""
        if interval is not None and delta is not None and (interval.low, interval.high) != (0, 0):
            verdict = "[bold]clear[/bold]" if interval.clear else "[dim]within noise[/dim]"
            spread = f"{interval.low:+.3f} … {interval.high:+.3f} {verdict}"
        elif interval is not None:
            spread = "no case changed"
        table.add_row(name, str(a), str(b), "" if delta is None else f"{delta:+}", spread)
    console.print(table)
    console.print(
        "[dim]An interval that holds 0 is within the spread of the cases (paired bootstrap over the"
        " cases both runs scored).[/dim]"
    )
    console.print(
        f"improved ({len(comparison.improved)}): "
        + ", ".join(f"{i} {a:.2f}→{b:.2f}" for i, a, b in comparison.improved)
    )
    console.print(
        f"regressed ({len(comparison.regressed)}): "
        + ", ".join(f"{i} {a:.2f}→{b:.2f}" for i, a, b in comparison.regressed)
    )


@eval_app.command("check")
def check_command(dataset: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Report malformed lines and gold citations that name no provision of the index."""
    from evals.check import main

    raise typer.Exit(code=main([str(dataset)]))


@eval_app.command("gate")
def gate_command(
    run_dir: Path = typer.Argument(..., exists=True),
    thresholds: Path = typer.Option(Path("evals/thresholds.toml"), exists=True, help="Floors per metric."),
) -> None:
    """Fail (exit 1) when a metric of a run falls below its recorded floor."""
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    failures = below_floor(summary["metrics"], tomllib.loads(thresholds.read_text(encoding="utf-8")))
    for failure in failures:
        err.print(f"[red]{failure}[/red]")
    if failures:
        raise typer.Exit(code=1)
    console.print("all metrics at or above their floors")


def below_floor(values: dict, thresholds: dict) -> list[str]:
    """Metrics that miss their floor (`min`) or exceed their ceiling (`max`)."""
    failures = []
    for name, value in thresholds.get("min", {}).items():
        if values.get(name) is None or values[name] < value:
            failures.append(f"{name} = {values.get(name)} is below its floor {value}")
    for name, value in thresholds.get("max", {}).items():
        if values.get(name) is None or values[name] > value:
            failures.append(f"{name} = {values.get(name)} is above its ceiling {value}")
    return failures


def register(app: typer.Typer) -> None:
    """Entry point of the `desk.cli` group."""
    app.add_typer(eval_app, name="eval")
