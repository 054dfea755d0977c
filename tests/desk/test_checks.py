"""Citation checking: pure functions, table-driven."""

from __future__ import annotations

import pytest

from desk.answering.checks import check, strip_unissued
from desk.backends.base import Prompt
from desk.backends.extractive import ExtractiveBackend
from desk.types import Authority, Flag, Passage


def _passage(n: int, text: str) -> Passage:
    return Passage(
        id=f"s:art-{n}", anchor=f"art-{n}", label=f"Article {n}", source_id="s", version="2026-07-27",
        authority=Authority.BINDING, deep_link=f"https://example.test#art_{n}", text=text,
    )  # fmt: skip


PASSAGES = [
    _passage(5, "The following AI practices shall be prohibited: social scoring of natural persons."),
    _passage(26, "Deployers shall use high-risk AI systems in accordance with the instructions for use."),
]


@pytest.mark.parametrize(
    ("text", "kept", "stripped"),
    [
        ("Prohibited [1].", "Prohibited [1].", []),
        ("Prohibited [3].", "Prohibited.", ["[3]"]),
        ("Both [1, 2].", "Both [1] [2].", []),
        ("Both [1][7].", "Both [1].", ["[7]"]),
        ("See [Article 99] and [1].", "See and [1].", ["[Article 99]"]),
        ("Zero [0].", "Zero.", ["[0]"]),
    ],
)
def test_only_issued_numbers_survive(text, kept, stripped):
    result, removed = strip_unissued(text, issued=2)
    assert result == kept and removed == stripped


def test_quotes_must_stand_in_the_cited_passage():
    good = check('Deployers must act "in accordance with the instructions for use" [2].', PASSAGES)
    assert good.flags == [] and good.citations[0].quote == "in accordance with the instructions for use"
    wrong_passage = check('Deployers must act "in accordance with the instructions for use" [1].', PASSAGES)
    assert Flag.QUOTE_NOT_FOUND in wrong_passage.flags
    invented = check('The Act says "all chatbots are banned in the Union" [1].', PASSAGES)
    assert Flag.QUOTE_NOT_FOUND in invented.flags


def test_uncited_claims_are_flagged():
    result = check(
        "Social scoring is prohibited [1]. Deployers must also register every system they use.", PASSAGES
    )
    assert Flag.UNCITED_CLAIM in result.flags
    assert result.uncited == ["Deployers must also register every system they use."]
    assert [c.anchor for c in result.citations] == ["art-5"]


def test_the_extractive_backend_quotes_verbatim_with_citations():
    prompt = Prompt(
        question="What must deployers do with high-risk AI systems?", passages=PASSAGES, messages=[]
    )
    text = ExtractiveBackend().generate(prompt).text
    result = check(text, PASSAGES, require_citations=False)
    assert result.flags == [] and "[2]" in text
    assert "in accordance with the instructions for use" in text
    assert "".join(ExtractiveBackend().stream(prompt)) == text


def test_the_extractive_answer_quotes_the_law_before_guidance_that_repeats_the_question():
    law = _passage(
        5,
        "The following AI practices shall be prohibited: the use of AI systems to infer emotions of a natural person in the areas of workplace.",
    )
    guidance = [
        _passage(
            900 + n, f"Using emotion recognition at the workplace is prohibited in case {n}."
        ).model_copy(update={"authority": Authority.GUIDANCE, "label": f"Guidelines, paragraph {n}"})
        for n in range(1, 4)
    ]
    prompt = Prompt(
        question="Is emotion recognition at the workplace prohibited?", passages=[law, *guidance], messages=[]
    )
    text = ExtractiveBackend(sentences=3).generate(prompt).text
    assert "[1]" in text and "infer emotions" in text, text
    assert text.count("not binding") == 2  # the law took the place of one guidance sentence


def test_the_extractive_answer_trusts_the_ranking_over_a_word_that_recurs_lower_down():
    # The fifth passage's sentence shares one more of the question's words ("legal test" of a
    # testing plan); the first passage is what retrieval judged best, and it is quoted.
    first = _passage(
        3,
        "An AI system means a machine-based system that infers from the input it receives how to generate outputs. "
        "Such a system may show adaptiveness after deployment.",
    )
    filler = [
        _passage(40 + n, f"Notified bodies shall keep records of procedure number {n}.") for n in range(3)
    ]
    fifth = _passage(
        60, "The plan for the test in real world conditions sets the legal safeguards of the system."
    )
    prompt = Prompt(
        question="What is the legal test for a system to be an AI system?",
        passages=[first, *filler, fifth],
        messages=[],
    )
    text = ExtractiveBackend(sentences=2).generate(prompt).text
    assert "[1]" in text and "[5]" not in text, text


def test_a_sub_point_quoted_with_both_its_lead_ins_is_found():
    # "However:" and point (c)'s own lead-in are apart in the text: points (a) and (b) stand between.
    article = _passage(
        1,
        "However:\n(a) Chapters I and II shall apply from 2 February 2025;\n(b) Chapter V shall apply from "
        "2 August 2025;\n(c) Chapter III shall apply from:\n(i) 2 December 2027 as regards Annex III; and\n"
        "(ii) 2 August 2028 as regards Annex I;",
    )
    quoted = "“However: (c) Chapter III shall apply from: (i) 2 December 2027 as regards Annex III; and” [1]"
    assert check(quoted, [article]).bad_quotes == []
    invented = (
        "“However: (c) Chapter III shall apply from: (i) 2 December 2029 as regards Annex III; and” [1]"
    )
    assert check(invented, [article]).bad_quotes
