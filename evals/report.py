"""The HTML report of a run: metric bars, recall@k curve, per-kind breakdown, latency
histogram, and the worst cases with what was retrieved for them (matplotlib, inline PNG)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: figures are rendered to PNG
import matplotlib.pyplot as plt

HEADLINE = (
    "retrieval.recall@5.loose",
    "retrieval.recall@5.strict",
    "retrieval.mrr.strict",
    "citations.precision.strict",
    "citations.recall.strict",
    "abstention.oos_declined",
    "abstention.false_refusals",
    "review.queued",
    "faithfulness.offline",
    "correctness.offline",
)
_WORST = 12


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def _bars(summary: dict) -> str:
    names = [n for n in HEADLINE if summary["metrics"].get(n) is not None]
    figure, axes = plt.subplots(figsize=(8, 3.6))
    axes.barh(names[::-1], [summary["metrics"][n] for n in names[::-1]], color="#2f5d8a")
    axes.set_xlim(0, 1)
    axes.set_title("Headline metrics")
    return _png(figure)


def _recall_curve(summary: dict) -> str:
    figure, axes = plt.subplots(figsize=(5, 3.4))
    recalls = {
        name: value for name, value in summary["metrics"].items()
        if name.startswith("retrieval.recall@") and value is not None
    }  # fmt: skip

    def cut(name: str) -> int:  # "retrieval.recall@5.loose" -> 5
        return int(name.split("@")[1].split(".")[0])

    for level, style in (("loose", "-o"), ("strict", "--s")):
        points = sorted((cut(name), value) for name, value in recalls.items() if name.endswith(f".{level}"))
        if points:
            axes.plot(*zip(*points, strict=True), style, label=level)
    cuts = sorted({cut(name) for name in recalls})
    axes.set_xscale("log")  # k runs from 1 to 50: the first ranks, where answers come from, get room
    axes.set_xticks(cuts, [str(c) for c in cuts])
    axes.minorticks_off()
    axes.set_xlabel("k")
    axes.set_ylabel("recall@k")
    axes.set_ylim(0, 1.02)
    axes.legend()
    axes.set_title("Recall@k")
    return _png(figure)


def _per_kind(summary: dict) -> str:
    kinds = list(summary["by_kind"])
    k = summary["run"]["k"]
    figure, axes = plt.subplots(figsize=(8, 3.4))
    width = 0.4
    for offset, level in ((-width / 2, "loose"), (width / 2, "strict")):
        values = [summary["by_kind"][kind].get(f"retrieval.recall@{k}.{level}") or 0 for kind in kinds]
        axes.bar([i + offset for i in range(len(kinds))], values, width, label=f"recall@{k} {level}")
    axes.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    axes.set_ylim(0, 1.02)
    axes.legend()
    axes.set_title("By kind of question")
    return _png(figure)


def _latency(results) -> str:
    figure, axes = plt.subplots(figsize=(5, 3.4))
    axes.hist([r.latency_ms for r in results], bins=30, color="#8a5d2f")
    axes.set_xlabel("ms")
    axes.set_title("Latency per case")
    return _png(figure)


def worst_cases(results, k: int):
    """Cases ranked worst first: strict recall, then faithfulness (declines that should not be)."""

    def badness(result) -> tuple:
        recall = result.scores.get(f"retrieval.recall@{k}.strict")
        faithful = result.scores.get("faithfulness.offline")
        return (recall if recall is not None else 1.0, faithful if faithful is not None else 1.0)

    return sorted(results, key=badness)[:_WORST]


def write_report(out_dir: Path, summary: dict, results) -> Path:
    run = summary["run"]
    k = run["k"]
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{value if value is not None else '—'}</td></tr>"
        for name, value in sorted(summary["metrics"].items())
    )
    worst = "".join(_case_html(result, k) for result in worst_cases(results, k))
    images = "".join(
        f'<img alt="{alt}" src="data:image/png;base64,{data}">'
        for alt, data in (
            ("headline metrics", _bars(summary)),
            ("recall at k", _recall_curve(summary)),
            ("by kind", _per_kind(summary)),
            ("latency", _latency(results)),
        )
    )
    page = f"""<!doctype html><html lang="en"><meta charset="utf-8">
<title>Eval run: {html.escape(run["config"])} on {html.escape(Path(run["dataset"]).name)}</title>
<style>body{{font:14px system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left}}
img{{max-width:100%;margin:8px 0}}.case{{border-top:1px solid #ccc;padding:8px 0}}code{{background:#f4f4f4}}</style>
<h1>Eval run: {html.escape(run["config"])} ({html.escape(run["backend"])})</h1>
<p>{run["cases"]} cases from <code>{html.escape(run["dataset"])}</code> (sha256 {run["dataset_sha256"][:12]}),
law as of {html.escape(str(run["corpus_version"]))}, settings {run["settings_hash"]}, index {html.escape(str(run["index"]))}.</p>
{images}
<h2>All metrics</h2><table><tr><th>metric</th><th>value</th></tr>{rows}</table>
<h2>Worst cases</h2>{worst}</html>"""
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _case_html(result, k: int) -> str:
    retrieved = "".join(f"<li>{html.escape(label)}</li>" for label in result.retrieved_labels[:k])
    return (
        f'<div class="case"><b>{html.escape(result.id)}</b> ({html.escape(result.kind)}): '
        f"{html.escape(result.question)}<br>gold: <code>{html.escape(', '.join(result.gold) or 'decline')}</code>"
        f" · recall@{k} strict {result.scores.get(f'retrieval.recall@{k}.strict')}"
        f" · faithfulness {result.scores.get('faithfulness.offline')}"
        f"<br>retrieved:<ol>{retrieved}</ol>answer: {html.escape(result.answer[:600])}</div>"
    )
