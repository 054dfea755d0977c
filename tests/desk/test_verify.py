"""The lead's check: a date, amount, percentage or provision it states must stand in, or be
named by, a passage the sentence cites; what fails is dropped (fail closed)."""

from __future__ import annotations

import pytest

from desk.answering.verify import LeadSentence, figures, unsupported, verify, verify_text
from desk.index.loaded import Corpus
from desk.types import Authority, Passage, Provision, ProvisionKind, Reference


def _provision(anchor: str, text: str, references: tuple[str, ...] = ()) -> Provision:
    return Provision(
        anchor=anchor, label=anchor, kind=ProvisionKind.PARAGRAPH, text=text, source_id="ai-act-consolidated",
        version="2026-07-27", authority=Authority.BINDING, deep_link="https://eur-lex.europa.eu/x",
        references=tuple(Reference(text=r, anchor=r) for r in references),
    )  # fmt: skip


def _passage(provision: Provision) -> Passage:
    return Passage(
        id=f"x:{provision.anchor}", anchor=provision.anchor, label=provision.label, source_id=provision.source_id,
        version=provision.version, authority=provision.authority, deep_link=provision.deep_link, text=provision.text,
    )  # fmt: skip


FINES = _provision(
    "art-99.par-3",
    "Non-compliance with the prohibition of the AI practices referred to in Article 5 shall be subject to "
    "administrative fines of up to EUR 35 000 000 or, if the offender is an undertaking, up to 7 % of its "
    "total worldwide annual turnover for the preceding financial year, whichever is higher.",
    ("art-5",),
)
DATES = _provision(
    "art-113.sub-3", "(b) Chapter V shall apply from 2 August 2025, with the exception of Article 101;"
)
CORPUS = Corpus(passages=[_passage(FINES), _passage(DATES)], provisions=[FINES, DATES])
PASSAGES = CORPUS.passages


def test_figures_are_read_one_way():
    assert figures("EUR 35,000,000 or 7% by 2 August 2025") == figures(
        "EUR 35 000 000 or 7 % by 2 August 2025"
    )
    assert figures("up to EUR 15 000 000") == {"eur 15000000"}


@pytest.mark.parametrize(
    ("sentence", "holds"),
    [
        ("Prohibited practices: fines of up to EUR 35 000 000 or 7 % of turnover [1].", True),
        ("Prohibited practices: fines of up to EUR 40 000 000 [1].", False),  # no passage says 40
        ("Prohibited practices: up to 6 % of turnover [1].", False),
        ("Chapter V applies from 2 August 2025 [2].", True),
        ("Chapter V applies from 2 August 2026 [2].", False),  # the wrong date for GPAI duties
        ("Chapter V applies from 2 August 2025 [1].", False),  # the date is in a passage it does not cite
        ("The Article 5 bans are fined hardest [1].", True),  # the cited passage names Article 5
        ("Article 101 applies later [2].", True),
        ("Article 100 sets lower fines [1].", False),  # nothing cited names Article 100
        ("Fines are high.", False),  # cites nothing
    ],
)
def test_a_sentence_holds_only_on_what_it_cites(sentence, holds):
    assert (unsupported(LeadSentence(sentence), PASSAGES, CORPUS) is None) is holds


def test_a_correction_may_name_what_does_not_exist():
    correction = LeadSentence("There is no Article 160 in the AI Act.", denies=("art-160",))
    assert unsupported(correction, PASSAGES, CORPUS) is None
    assert unsupported(LeadSentence("There is no Article 160 in the AI Act."), PASSAGES, CORPUS) is not None


def test_what_fails_is_dropped_and_said():
    kept, dropped = verify(
        [LeadSentence("Up to EUR 35 000 000 [1]."), LeadSentence("From 2 August 2026 [2].")], PASSAGES, CORPUS
    )
    assert [s.text for s in kept] == ["Up to EUR 35 000 000 [1]."]
    assert "2 august 2026" in dropped[0][1]


def test_an_llm_lead_is_checked_the_same_way():
    written = "The GPAI duties apply from 2 August 2025 [2]. Fines reach EUR 50 000 000 [1]."
    kept, dropped = verify_text(written, PASSAGES, CORPUS)
    assert kept == "The GPAI duties apply from 2 August 2025 [2]." and dropped == [
        "Fines reach EUR 50 000 000 [1]."
    ]
