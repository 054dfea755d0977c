"""The AI Continent Action Plan answered through the API on the real index (issue 17): found,
quoted with its figures and dates, cited by section and page, and always labelled as policy;
the law first where a question touches both; honest about the Annex I no copy has."""

from __future__ import annotations

import re

import pytest

from desk.backends.extractive import PLAN_SAYS, TEXTS_SAY
from tests.conftest import ask

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def client(corpus_client):
    return corpus_client


def _lead_cites(answer: dict) -> list[dict]:
    by_number = {c["number"]: c for c in answer["citations"]}
    return [by_number[int(n)] for n in re.findall(r"\[(\d+)\]", answer["lead"]) if int(n) in by_number]


def _plan_is_labelled(answer: dict) -> None:
    """Every citation of the plan says it is policy, in the citation and in each quote."""
    plan = [c for c in answer["citations"] if c["anchor"].startswith("ap.")]
    assert plan, answer["citations"]
    for citation in plan:
        assert citation["authority"] == "policy"
        assert citation["label"].startswith("AI Continent Action Plan, ")
        assert citation["page"] and citation["deep_link"].endswith(f"#page={citation['page']}")
    for line in answer["text"].splitlines():
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", line)}
        if line.startswith("AI Continent Action Plan") and cited:
            assert "(Commission policy document, not law)" in line, line


def test_a_question_on_the_plan_gets_its_figures_from_the_cited_passage(client) -> None:
    answer = ask(client, "How many AI Gigafactories does the AI Continent Action Plan aim to set up?")
    assert not answer["declined"] and answer["scope"] is None
    lead = answer["lead"]
    assert "up to 5 AI Gigafactories" in lead and "EUR 20 billion" in lead
    assert "not law" in lead  # the lead itself says what kind of text it quotes
    assert "ap.sec-1-2.par-5" in [c["anchor"] for c in _lead_cites(answer)]
    assert f"\n\n{PLAN_SAYS}\n" in answer["text"]
    assert "lead_unverified" not in answer["flags"]
    _plan_is_labelled(answer)


def test_what_are_ai_factories_is_answered_from_the_plan(client) -> None:
    answer = ask(client, "What are AI Factories?")
    assert not answer["declined"]
    assert _lead_cites(answer)[0]["anchor"].startswith("ap.sec-1-1")
    assert "AI Factories" in answer["lead"]
    _plan_is_labelled(answer)


def test_a_key_action_is_dated_by_the_plan_not_by_the_act(client) -> None:
    answer = ask(
        client, "When will the AI Act Service Desk be launched according to the AI Continent Action Plan?"
    )
    assert "July 2025" in answer["lead"]
    cited = [c["anchor"] for c in _lead_cites(answer)]
    assert "ap.sec-5.actions.item-1" in cited
    assert not any(anchor.startswith("art-113") for anchor in cited)
    assert "key actions" in answer["lead"]


def test_the_plan_is_said_to_bind_no_one(client) -> None:
    answer = ask(client, "Does the AI Continent Action Plan create legal obligations for companies?")
    assert answer["lead"].startswith("No: ")
    assert "no legal obligation" in answer["lead"] and "no binding force" in answer["lead"]
    _plan_is_labelled(answer)


def test_a_question_on_law_and_plan_puts_the_law_first(client) -> None:
    answer = ask(client, "What does the EU do to help SMEs comply with the AI Act?")
    authorities = [c["authority"] for c in _lead_cites(answer)]
    assert authorities[0] == "binding", answer["lead"]
    assert "policy" in authorities, answer["lead"]
    assert authorities.index("policy") > authorities.index("binding")
    assert f"\n\n{TEXTS_SAY}\n" in answer["text"]
    _plan_is_labelled(answer)


def test_the_annex_no_copy_has_is_said_and_the_map_given(client) -> None:
    answer = ask(client, "Which AI Factories are listed in Annex I of the AI Continent Action Plan?")
    lead = answer["lead"]
    assert "does not hold the plan's Annex I" in lead and "as read from the map" in lead
    assert "LUMI AIF" in lead and "Pharos" in lead
    cited = [c["anchor"] for c in answer["citations"]]
    assert "ap.sec-1-1.map" in cited
    assert "anx-I" not in cited and not any(a.startswith("anx-I.") for a in cited)  # not the AI Act's Annex I


def test_a_question_on_the_law_alone_does_not_quote_the_plan(client) -> None:
    answer = ask(client, "Is a CV-screening tool used to rank job applicants high-risk?")
    assert not any(c["anchor"].startswith("ap.") for c in _lead_cites(answer))
    assert answer["lead"].startswith("Yes")
