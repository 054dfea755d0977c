"""A figure the question takes the law to state, where the law states another: read apart
from the asker's own figures, and corrected first in the lead."""

from __future__ import annotations

import pytest

from desk.answering.lead.figures import CORRECTION, claimed, contradicted, corrected, figures_of
from desk.answering.verify import LeadSentence
from desk.types import Authority, Passage
from tests.conftest import ask

FINES = (
    "Non-compliance with the prohibition of the AI practices referred to in Article 5 shall be subject to "
    "administrative fines of up to EUR 35 000 000 or, if the offender is an undertaking, up to 7 % of its "
    "total worldwide annual turnover"
)


def _passage(text: str) -> Passage:
    return Passage(
        id="p1", anchor="art-99.par-3", label="Article 99(3)", text=text, source_id="ai-act-consolidated",
        version="2026-07-27", authority=Authority.BINDING, deep_link="https://example.org", heading_path=(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("fines of up to EUR 35 000 000", ("amount", "35000000")),
        ("capped at €1m", ("amount", "1000000")),
        ("EUR 1 million", ("amount", "1000000")),
        ("up to 7 % of turnover", ("percent", "7")),
        ("within 15 days", ("day", "15")),
        ("greater than 10^25", ("power", "25")),
        ("from 2 August 2026", ("year", "2026")),
    ],
)
def test_figures_are_read_one_way(text, figure):
    assert figure in figures_of(text)


def test_a_regulation_number_is_no_year():
    assert figures_of("Regulation (EU) 2024/1689") == set()


def test_the_askers_own_figures_are_facts_of_the_case_not_claims_about_the_law():
    question = (
        "The presumption kicks in at 10^23 FLOPs, so our model trained with 4x10^24 FLOPs is presumed, yes?"
    )
    assert claimed(question) == {("power", "23")}
    assert claimed("Our model was trained with 10^24 FLOPs. Is it presumed to have systemic risk?") == set()


def test_a_claimed_figure_the_law_states_otherwise_is_corrected_by_the_laws_sentence():
    lead = [
        LeadSentence("Under Article 5(8), this Article shall not affect … [2]."),
        LeadSentence(f"{FINES} [1]."),
    ]
    passages = [_passage(FINES)]
    assert (
        contradicted("AI Act fines top out at EUR 1 million, so is that our worst case?", lead, passages) == 1
    )
    assert corrected(lead[1]).text.startswith(f"{CORRECTION}: non-compliance with the prohibition")
    # The law bears the figure out: nothing to correct.
    assert contradicted("Since fines reach EUR 35 million, what is the cap for SMEs?", lead, passages) is None


@pytest.mark.corpus
def test_a_wrong_reporting_deadline_is_corrected_through_the_api(corpus_client):
    answer = ask(
        corpus_client,
        "Given that Article 73 gives providers 30 days to report a serious incident, can we wait until our "
        "monthly review meeting to file?",
    )
    # The general rule is the correction (15 days, paragraph 2); the exception for a death
    # (10 days, paragraph 4, "notwithstanding paragraph 2") follows it, never in its place.
    assert answer["lead"].startswith(f"{CORRECTION}: under Article 73(2), ")
    assert answer["lead"].index("15 days") < answer["lead"].index("10 days")
    assert "30 days" not in answer["lead"]
    assert "lead_unverified" not in answer["flags"]


@pytest.mark.corpus
def test_a_question_with_only_its_own_figures_gets_no_correction(corpus_client):
    answer = ask(
        corpus_client, "Our model was trained with 10^24 FLOPs. Is it presumed to have systemic risk?"
    )
    assert not answer["lead"].startswith(CORRECTION)


def test_a_duration_in_words_is_the_same_figure_as_in_digits():
    # "three months" in the law and "3 months" in a question are one figure, not a contradiction.
    assert figures_of("within three months") == figures_of("within 3 months") == {("month", "3")}
