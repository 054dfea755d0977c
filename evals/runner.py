"""Run a dataset through a configuration and measure every case.

    dataset ─► config (the desk's own Answerer, or a naive baseline) ─► per-case record
            ─► metrics (evals.metrics) ─► DIR/cases/*.json, DIR/summary.json, DIR/report.html

The desk configuration uses the same answering code as the API. A run records the settings
hash, corpus version, backend and dataset hash, so two runs say whether they compare.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from desk.answering.answerer import Answerer
from desk.backends import get_backend
from desk.backends.base import Prompt
from desk.backends.extractive import ExtractiveBackend
from desk.citations import resolve
from desk.embedder import embedder_for_index
from desk.index import LoadedIndex
from desk.index.layout import ENCODER_DIR
from desk.retrieval import HybridRetriever
from desk.settings import Settings
from desk.types import Authority, Passage, Role
from evals import facts, metrics
from evals.dataset import Case, Dataset
from evals.judge import LLMJudge
from evals.metrics import Level

CONFIGS = ("desk", "bm25-naive", "langchain-naive")
# Recall at 20 and 50 (or as deep as a configuration's candidates run) is the ceiling of any
# reordering of them: a gold citation missing there is one no reranker on top could bring
# into the top k, so evaluators see whether a miss is one of ranking or of finding.
RECALL_KS = (1, 3, 5, 10, 20, 50)


@dataclass
class CaseResult:
    id: str
    kind: str
    question: str
    gold: list[str]
    retrieved: list[list[str]]  # the anchors of each retrieved unit, best first
    retrieved_labels: list[str]
    answer: str
    cited: list[str]
    declined: bool
    flags: list[str]
    latency_ms: float
    lead: str = ""
    scores: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Answered:
    """What a configuration gives for one question."""

    retrieved: list[list[str]]
    retrieved_labels: list[str]
    answer: str
    cited: list[str]
    passages_by_number: dict[int, str]
    declined: bool
    flags: list[str]
    lead: str = ""  # the direct answer; what key facts are looked for in
    lead_cited: list[str] = field(default_factory=list)  # the anchors the lead cites
    anchors_by_number: dict[int, str] = field(default_factory=dict)
    references_by_number: dict[int, list[str]] = field(default_factory=dict)


class DeskConfig:
    """The desk itself: the Answerer the API uses, and its retriever for the ranking."""

    name = "desk"

    def __init__(self, index: LoadedIndex, embedder, settings: Settings):
        self.retriever = HybridRetriever(index, embedder)
        self.answerer = Answerer(
            self.retriever, get_backend(settings.backend), settings, index.manifest.corpus_version
        )
        self.backend = settings.backend.name

    def ask(
        self, question: str, history: list[tuple[str, str]], k: int, role: Role | None = None
    ) -> Answered:
        answer = self.answerer.answer(question, conversation_id="eval", history=history, role=role)
        asking = self.answerer.understand(question, history, role)
        # The ranking begins with the passages the answer was given, in their order (how many
        # a question names first depends on how many are asked for), then goes deeper.
        shown = self.answerer.retrieve(asking, self.answerer.settings.answering.passages).passages
        deeper = self.answerer.retrieve(asking, max(k, max(RECALL_KS))).passages
        ranking = shown + [p for p in deeper if p.id not in {s.id for s in shown}]
        index = self.retriever.index
        lead = answer.lead
        by_number = {c.number: c.anchor for c in answer.citations}
        return Answered(
            retrieved=[[p.anchor] for p in ranking],
            retrieved_labels=[p.label for p in ranking],
            answer=answer.text,
            cited=[c.anchor for c in answer.citations],
            # A passage reads under its headings: a lead may name the chapter or article title.
            passages_by_number={n: p.embedded_text for n, p in enumerate(answer.passages, start=1)},
            declined=answer.declined,
            flags=[f.value for f in answer.flags],
            lead=lead,
            lead_cited=[by_number[int(n)] for n in _numbers(lead) if int(n) in by_number],
            anchors_by_number={n: p.anchor for n, p in enumerate(answer.passages, start=1)},
            references_by_number={
                n: _references(index, p.anchor) for n, p in enumerate(answer.passages, start=1)
            },
        )


def _references(index: LoadedIndex, anchor: str) -> list[str]:
    """The provisions a passage's provision refers to."""
    provision = index.provision(anchor)
    return [r.anchor for r in provision.references if r.anchor] if provision else []


class BaselineConfig:
    """A naive pipeline: its chunks, answered by the same extractive composer."""

    def __init__(self, baseline, index: LoadedIndex):
        self.baseline = baseline
        self.name = baseline.name
        self.index = index
        self.backend = "extractive"

    def ask(
        self, question: str, history: list[tuple[str, str]], k: int, role: Role | None = None
    ) -> Answered:
        chunks = self.baseline.retrieve(question, max(k, max(RECALL_KS)))
        # The naive pipeline answers from its own top four chunks, as such pipelines do.
        shown = chunks[:4]
        passages = [_chunk_passage(n, chunk) for n, chunk in enumerate(shown, start=1)]
        text = ExtractiveBackend().generate(Prompt(question=question, passages=passages, messages=[])).text
        numbers = sorted({int(n) for n in _numbers(text)})
        return Answered(
            retrieved=[list(chunk.anchors) for chunk in chunks],
            retrieved_labels=[", ".join(chunk.anchors[:3]) for chunk in chunks],
            answer=text,
            cited=[anchor for n in numbers if 1 <= n <= len(shown) for anchor in shown[n - 1].anchors],
            passages_by_number={n: chunk.text for n, chunk in enumerate(shown, start=1)},
            declined=False,  # a naive pipeline always answers
            flags=[],
        )


def _numbers(text: str) -> list[str]:
    return re.findall(r"\[(\d+)\]", text)


def _chunk_passage(number: int, chunk) -> Passage:
    anchor = chunk.anchors[0] if chunk.anchors else "rct-1"
    return Passage(
        id=f"chunk:{number}", anchor=anchor, label=f"chunk {number}", source_id="baseline", version="",
        authority=Authority.BINDING, deep_link="", text=chunk.text,
    )  # fmt: skip


def build_config(name: str, index: LoadedIndex, embedder, settings: Settings):
    if name == "desk":
        return DeskConfig(index, embedder, settings)
    if name in CONFIGS:
        from evals.baselines import build_baseline

        return BaselineConfig(build_baseline(name, index, embedder, settings.data_dir / "baselines"), index)
    raise ValueError(f"no configuration {name!r}; known: {', '.join(CONFIGS)}")


def run_case(
    config,
    case: Case,
    k: int,
    known: set[str],
    embed: Callable[[list[str]], list],
    holder: Callable[[str], str] = lambda anchor: anchor,
    judge: LLMJudge | None = None,
) -> CaseResult:
    history: list[tuple[str, str]] = []
    for turn in case.turns:  # earlier questions of the conversation, asked first
        earlier = config.ask(turn, history, k, case.role)
        history.append((turn, earlier.answer))
    started = time.perf_counter()
    answered = config.ask(case.question, history, k, case.role)
    latency = (time.perf_counter() - started) * 1000
    gold = [holder(resolve(anchor, known) or anchor) for anchor in case.gold_anchors]
    result = CaseResult(
        id=case.id, kind=case.kind, question=case.question, gold=gold,
        retrieved=answered.retrieved, retrieved_labels=answered.retrieved_labels, answer=answered.answer,
        cited=answered.cited, declined=answered.declined, flags=answered.flags, latency_ms=round(latency, 1),
        lead=answered.lead,
    )  # fmt: skip
    result.scores = score_case(case, answered, gold, k, known, embed, holder)
    if judge is not None:
        result.scores.update(judge_case(judge, case, answered))
    return result


def judge_case(judge: LLMJudge, case: Case, answered: Answered) -> dict:
    """The LLM judge's scores, and how many of its replies were no verdict."""
    if answered.declined or not answered.answer:
        return {"faithfulness.llm_judge": None, "correctness.llm_judge": None, "judge.unread": 0}
    faithful = judge.faithfulness(answered.answer, answered.passages_by_number)
    correct = (
        judge.correctness(case.question, answered.answer, case.reference_answer)
        if case.reference_answer
        else None
    )
    return {
        "faithfulness.llm_judge": faithful.mean,
        "correctness.llm_judge": correct.mean if correct else None,
        "judge.unread": faithful.unread + (correct.unread if correct else 0),
    }


def passage_holder(index: LoadedIndex) -> Callable[[str], str]:
    """Maps a gold anchor to the passage that holds its words, for strict matching.

    Strict matching is containment along anchors ("art-5.par-1" holds "art-5.par-1.pt-f"). A
    short list is one passage under its paragraph's anchor, and the anchors of its points do
    not show that paragraph: Article 113's points (a) to (d) are "art-113.pt-a" ... inside the
    passage "art-113.sub-3". Such a gold anchor is read as the passage that contains it."""

    def holder(anchor: str) -> str:
        passages = index.passages_under(anchor)
        if not passages or any(metrics.matches(p.anchor, anchor, Level.STRICT) for p in passages):
            return anchor
        return passages[0].anchor

    return lru_cache(maxsize=None)(holder)


def score_case(
    case: Case, answered: Answered, gold: list[str], k: int, known: set[str], embed, holder=lambda a: a
) -> dict:
    scores: dict[str, float | None] = {}
    for level in Level:
        for cut in sorted({*RECALL_KS, k}):
            scores[f"retrieval.recall@{cut}.{level}"] = metrics.recall_at_k(
                answered.retrieved, gold, cut, level
            )
        scores[f"retrieval.mrr.{level}"] = metrics.reciprocal_rank(answered.retrieved, gold, level)
        scores[f"retrieval.ndcg@{k}.{level}"] = metrics.ndcg_at_k(answered.retrieved, gold, k, level)
        scores[f"citations.precision.{level}"] = metrics.citation_precision(answered.cited, gold, level)
        scores[f"citations.recall.{level}"] = metrics.citation_recall(answered.cited, gold, level)
    scores["citations.nonexistent"] = metrics.nonexistent(answered.cited, known)
    scores["abstention.declined"] = float(answered.declined)
    # An answer with any flag goes to the staff review queue: the share is the review work a
    # configuration makes, which a change to the flags' thresholds or the model moves.
    scores["review.queued"] = float(bool(answered.flags))
    scores["faithfulness.offline"] = (
        None if answered.declined else metrics.faithfulness(answered.answer, answered.passages_by_number)
    )
    scores.update(score_lead(case, answered, holder))
    if case.reference_answer and answered.answer and not answered.declined:
        answer_vector, reference_vector = embed([answered.answer, case.reference_answer])
        scores["correctness.offline"] = round(metrics.similarity(answer_vector, reference_vector), 4)
    else:
        scores["correctness.offline"] = None
    return scores


def score_lead(case: Case, answered: Answered, holder) -> dict[str, float | None]:
    """The direct answer: the key facts it states, whether its figures and provisions stand in
    what it cites, and whether it corrects a false premise."""
    answering = not answered.declined and bool(answered.lead)
    verified = (
        facts.lead_verified(
            answered.lead,
            answered.passages_by_number,
            answered.references_by_number,
            answered.anchors_by_number,
            holder,
        )
        if answering
        else None
    )
    verdicts = [facts.read_fact(f) for f in case.key_facts if facts.read_fact(f).kind == "verdict"]
    given = facts.verdict_of(answered.lead) if answering else None
    # A confident wrong lead is worse than none: a verdict the lead gives that is not the case's.
    wrong = None if not verdicts else float(given is not None and given != verdicts[0].values[0])
    corrected = None
    if case.kind == "false_premise":
        if case.nonexistent:
            corrected = float(facts.corrects_premise(answered.lead, case.nonexistent))
        elif verdicts := [f for f in case.key_facts if facts.read_fact(f).kind == "verdict"]:
            corrected = float(all(facts.stated(facts.read_fact(f), answered.lead, []) for f in verdicts))
    return {
        "answer.key_facts": facts.share_stated(case.key_facts, answered.lead, answered.lead_cited, holder)
        if case.key_facts
        else None,
        "answer.lead_verified": None if verified is None else float(verified),
        "abstention.false_premise_corrected": corrected,
        "answer.wrong_verdict": wrong,
    }


def summarise(results: list[CaseResult], cases: dict[str, Case], k: int) -> dict:
    names = sorted(
        {name for r in results for name in r.scores}
        - {"abstention.declined", "citations.nonexistent", "judge.unread"}
    )
    summary: dict[str, float | int | None] = {
        name: metrics.mean([r.scores.get(name) for r in results]) for name in names
    }
    summary["citations.nonexistent"] = int(sum(r.scores["citations.nonexistent"] or 0 for r in results))
    must_decline = [r for r in results if cases[r.id].must_decline]
    answerable = [r for r in results if not cases[r.id].must_decline]
    summary["abstention.oos_declined"] = metrics.mean([float(r.declined) for r in must_decline])
    summary["abstention.false_refusals"] = metrics.mean([float(r.declined) for r in answerable])
    latencies = [r.latency_ms for r in results]
    summary["latency.p50_ms"] = metrics.percentile(latencies, 0.5)
    summary["latency.p95_ms"] = metrics.percentile(latencies, 0.95)
    # Without a judge these stay None: named, so that two runs' summaries have the same keys.
    summary.setdefault("faithfulness.llm_judge", None)
    summary.setdefault("correctness.llm_judge", None)
    if any("judge.unread" in r.scores for r in results):
        summary["judge.unread"] = int(sum(r.scores.get("judge.unread") or 0 for r in results))
    return summary


def by_kind(results: list[CaseResult], k: int) -> dict[str, dict[str, float | None]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        groups[result.kind].append(result)
    keys = (f"retrieval.recall@{k}.loose", f"retrieval.recall@{k}.strict", "citations.precision.strict")
    return {
        kind: {"cases": len(group), **{key: metrics.mean([r.scores.get(key) for r in group]) for key in keys}}
        | {"declined": metrics.mean([float(r.declined) for r in group])}
        for kind, group in sorted(groups.items())
    }


def run(
    dataset: Dataset,
    settings: Settings,
    *,
    config_name: str,
    k: int,
    out_dir: Path,
    embedder,
    progress: Callable[[int, int], None] = lambda done, total: None,
    judge: LLMJudge | None = None,
) -> dict:
    """Run every case; write per-case JSON, summary.json and report.html to `out_dir`."""
    index = LoadedIndex.open(settings)
    # The configurations search as the desk does: with the question encoder of the model the
    # index was built with (adapted to the corpus by default, exported to ONNX by default);
    # `embedder`, the settings' own model, scores answers, so that correctness stays
    # comparable between runs with and without an adapted model or an exported encoder.
    searcher = embedder_for_index(
        index.manifest.embedding_model,
        settings.embedding,
        encoder=index.folder / ENCODER_DIR,
        loaded=embedder,
    )
    config = build_config(config_name, index, searcher, settings)
    known = index.anchors()
    results = []
    for done, case in enumerate(dataset.cases, start=1):
        results.append(run_case(config, case, k, known, embedder.embed, passage_holder(index), judge))
        progress(done, len(dataset.cases))
    cases = {case.id: case for case in dataset.cases}
    summary = {
        "run": {
            "config": config_name,
            "backend": config.backend,
            "k": k,
            "settings_hash": settings.fingerprint(),
            "corpus_version": index.manifest.corpus_version,
            "index": index.name,
            "dataset": str(dataset.path),
            "dataset_sha256": dataset.sha256,
            "cases": len(results),
            "judge": judge.name if judge else None,
            "dataset_errors": [str(e) for e in dataset.errors],
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        "metrics": summarise(results, cases, k),
        "by_kind": by_kind(results, k),
    }
    write_run(out_dir, summary, results)
    from evals.report import write_report

    write_report(out_dir, summary, results)
    return summary


def write_run(out_dir: Path, summary: dict, results: list[CaseResult]) -> None:
    (out_dir / "cases").mkdir(parents=True, exist_ok=True)
    for result in results:
        (out_dir / "cases" / f"{_safe(result.id)}.json").write_text(
            json.dumps(vars(result), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")


def load_run(out_dir: Path) -> tuple[dict, list[CaseResult]]:
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    results = [
        CaseResult(**json.loads(path.read_text(encoding="utf-8")))
        for path in sorted((out_dir / "cases").glob("*.json"))
    ]
    return summary, results


def _safe(case_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in case_id)
