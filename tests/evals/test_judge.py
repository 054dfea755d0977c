"""The LLM judge: its verdicts read strictly, and the whole run with a real model judging."""

from __future__ import annotations

import json

import pytest

from desk.backends import BackendError, get_backend
from desk.backends.base import Generation
from desk.settings import BackendSettings
from evals.dataset import load_dataset
from evals.judge import LLMJudge
from evals.runner import run


class FakeScriptedJudge:
    """A fake backend that replies from a script: what a real model may reply, good and bad."""

    name = "fake-scripted"

    def __init__(self, replies: list[str | Exception]):
        self.replies = list(replies)
        self.prompts = []

    def generate(self, prompt):
        self.prompts.append(prompt)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return Generation(text=reply, model="script")

    def stream(self, prompt):
        yield self.generate(prompt).text


PASSAGES = {
    1: "Deployers shall use such systems in accordance with the instructions for use.",
    2: "Other text.",
}


def test_each_cited_sentence_is_judged_against_the_passages_it_cites():
    backend = FakeScriptedJudge(["Yes.", "no, it does not"])
    answer = "Deployers follow the instructions for use [1]. Deployers may ignore them [1][2]."
    verdicts = LLMJudge(backend).faithfulness(answer, PASSAGES)
    assert verdicts.scores == [1.0, 0.0] and verdicts.mean == 0.5 and verdicts.unread == 0
    second = backend.prompts[1].messages[-1].content
    assert PASSAGES[1] in second and PASSAGES[2] in second and "[1]" not in second


def test_a_sentence_that_cites_nothing_is_unsupported_without_asking():
    backend = FakeScriptedJudge([])
    verdicts = LLMJudge(backend).faithfulness("Deployers must register everything.", PASSAGES)
    assert verdicts.scores == [0.0] and backend.prompts == []


def test_a_reply_that_is_no_verdict_is_counted_not_guessed():
    backend = FakeScriptedJudge(["Maybe, it depends.", BackendError("timed out")])
    verdicts = LLMJudge(backend).faithfulness("One claim [1]. Another claim [2].", PASSAGES)
    assert verdicts.scores == [] and verdicts.mean is None and verdicts.unread == 2


@pytest.mark.parametrize(
    ("reply", "score"), [("8", 0.8), ("Grade: 10/10", 1.0), ("0", 0.0), ("eleven", None), ("42", None)]
)
def test_the_grade_against_the_reference_is_read_in_range_only(reply, score):
    verdicts = LLMJudge(FakeScriptedJudge([reply])).correctness("Q?", "An answer [1].", "The reference.")
    assert verdicts.mean == score
    assert verdicts.unread == (1 if score is None else 0)


@pytest.mark.llm
@pytest.mark.corpus
def test_a_run_with_a_real_model_judging_reports_its_scores(llm_url, corpus_settings, embedder, tmp_path):
    path = tmp_path / "two.jsonl"
    cases = [
        {"id": "deployer", "question": "What is a deployer?", "kind": "definition",
         "reference_answer": "A person using an AI system under its authority.", "gold_citations": ["Article 3, point (4)"]},
        {"id": "bread", "question": "How do I bake sourdough bread?", "reference_answer": "",
         "gold_citations": [], "kind": "out_of_scope"},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(case) for case in cases), encoding="utf-8")
    judge = LLMJudge(
        get_backend(
            BackendSettings(name="openai", model="smollm2", base_url=llm_url, max_tokens=8, timeout_s=60)
        )
    )
    summary = run(
        load_dataset(path), corpus_settings, config_name="desk", k=5, out_dir=tmp_path / "run",
        embedder=embedder, judge=judge,
    )  # fmt: skip
    values = summary["metrics"]
    assert summary["run"]["judge"] == "openai"
    case = json.loads((tmp_path / "run" / "cases" / "deployer.json").read_text())["scores"]
    # SmolLM2-135M is a poor judge: each of its replies is either a verdict or counted unread.
    for name in ("faithfulness.llm_judge", "correctness.llm_judge"):
        assert case[name] is None or 0.0 <= case[name] <= 1.0
        assert values[name] == case[name]  # the declined case is not judged
    assert case["judge.unread"] >= 0 and values["judge.unread"] == case["judge.unread"]
    assert case["faithfulness.llm_judge"] is not None or case["judge.unread"] > 0
