"""Key facts, the lead's own check and false-premise correction, on leads written by hand."""

from __future__ import annotations

import pytest

from evals import facts

GPAI_LEAD = (
    "The obligations for general-purpose AI models apply from 2 August 2025 [1]. "
    "Models placed on the market before that date have until 2 August 2027 [2]."
)


@pytest.mark.parametrize(
    ("fact", "lead", "cited", "expected"),
    [
        ("2 August 2025", GPAI_LEAD, [], True),
        ("2 August 2026", GPAI_LEAD, [], False),
        ("EUR 35 000 000", "up to EUR 35,000,000 or 7% of turnover", [], True),
        ("7 %", "up to EUR 35,000,000 or 7% of turnover", [], True),
        ("3 %", "up to EUR 35,000,000 or 7% of turnover", [], False),
        ("workers’ representatives | staff", "inform workers' representatives first", [], True),
        ("infer", "a system that infers outputs", [], True),
        ("infer", "by inference", [], True),  # a word's start: "infer" stands in "inference"
        ("cites: Article 113, point (b)", GPAI_LEAD, ["art-113.pt-b"], True),
        ("cites: Article 5(1)(f)", "Prohibited by Article 5(1)(f).", [], True),  # named, not cited
        ("cites: Article 5(1)(f)", "Prohibited [1].", ["art-5.par-1.pt-e"], False),
        ("cites: Annex III, point 4(a)", "High-risk [1].", ["anx-III.pt-4"], True),  # contains it
        ("verdict: yes", "Yes: it is high-risk.", [], True),
        ("verdict: no", "Not as such: a chatbot is not listed.", [], True),
        ("verdict: no", "Yes, it is allowed.", [], False),
        ("verdict: depends", "It depends on whether it profiles.", [], True),
    ],
)
def test_a_fact_is_stated_or_not(fact, lead, cited, expected):
    assert facts.stated(facts.read_fact(fact), lead, cited) is expected


def test_the_share_of_facts_and_bad_facts():
    assert facts.share_stated(["2 August 2025", "2 August 2028"], GPAI_LEAD, []) == 0.5
    assert facts.share_stated([], GPAI_LEAD, []) is None
    with pytest.raises(ValueError):
        facts.read_fact("verdict: probably")
    with pytest.raises(ValueError):
        facts.read_fact("cites: the whole thing")


PASSAGES = {
    1: "(b) Chapter III Section 4, Chapter V ... shall apply from 2 August 2025, with the exception of Article 101;",
    2: "Providers of general-purpose AI models placed on the market before 2 August 2025 shall take "
    "the necessary steps ... by 2 August 2027.",
}
ANCHORS = {1: "art-113.pt-b", 2: "art-111.par-3"}
REFERENCES = {1: ["art-101"], 2: []}


def test_a_lead_whose_figures_stand_in_what_it_cites_is_verified():
    assert facts.lead_verified(GPAI_LEAD, PASSAGES, REFERENCES, ANCHORS) is True
    # A date the cited passage does not state fails.
    assert facts.lead_verified("They apply from 2 August 2026 [1].", PASSAGES, REFERENCES, ANCHORS) is False
    # A figure with no citation fails: nothing it cites states it.
    assert facts.lead_verified("They apply from 2 August 2025.", PASSAGES, REFERENCES, ANCHORS) is False
    # A provision a cited passage names may be named; one nothing names may not.
    assert facts.lead_verified("Article 101 applies later [1].", PASSAGES, REFERENCES, ANCHORS) is True
    assert facts.lead_verified("Article 99 applies [1].", PASSAGES, REFERENCES, ANCHORS) is False
    assert facts.lead_verified("", PASSAGES, REFERENCES, ANCHORS) is None


def test_a_correction_names_the_provision_it_denies():
    lead = "There is no Article 160 in the AI Act: its articles run from 1 to 113."
    assert facts.lead_verified(lead, {}, {}, {}) is True
    assert facts.corrects_premise(lead, "Article 160")
    assert not facts.corrects_premise(lead, "Article 161")
    assert not facts.corrects_premise("Article 160 sets the rules.", "Article 160")
