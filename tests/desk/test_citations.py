"""The citation parser: table-driven, since it is the one way to read a citation."""

from __future__ import annotations

import pytest

from desk.citations import CitationError, find_citations, find_named, label_for, parse_citation, resolve

READS = [
    ("Article 5(1)(f)", "art-5.par-1.pt-f"),
    ("Art. 5(1)(f)", "art-5.par-1.pt-f"),
    ("Art 5.1.f", "art-5.par-1.pt-f"),
    ("article 5 (1) (f)", "art-5.par-1.pt-f"),
    ("Art. 13(3)", "art-13.par-3"),
    ("AI Act Art. 5", "art-5"),
    ("Art. 5 AI Act", "art-5"),
    ("Article 4a", "art-4a"),
    ("Article 5(1a)", "art-5.par-1a"),
    ("Article 5(1)(ba)", "art-5.par-1.pt-ba"),
    ("Article 5(1)(c)(i)", "art-5.par-1.pt-c.pt-i"),
    ("Article 3, point (49)", "art-3.pt-49"),
    ("Article 113, point (c)", "art-113.pt-c"),
    ("Article 6(1), second subparagraph", "art-6.par-1.sub-2"),
    ("Article 113, third paragraph", "art-113.sub-3"),
    ("Annex III(4)(a)", "anx-III.pt-4.pt-a"),
    ("Annex III, point 4(a)", "anx-III.pt-4.pt-a"),
    ("Annex III point 4", "anx-III.pt-4"),
    ("Annex I, Section A, point 1", "anx-I.sec-A.pt-1"),
    ("Annex XIV", "anx-XIV"),
    ("Recital 44", "rct-44"),
    ("Rec. (44)", "rct-44"),
    ("recital (44)", "rct-44"),
    ("Regulation (EU) 2026/1744, Recital 12", "omnibus.rct-12"),
    ("Regulation (EU) 2026/1744, Article 1, point (43)", "omnibus.art-1.pt-43"),
    ("Guidelines C(2025) 5052, paragraph 42", "gl-5052.par-42"),
    ("gl-5052.sec-3.2.1", "gl-5052.sec-3.2.1"),
    ("art-5.par-1.pt-f", "art-5.par-1.pt-f"),
    ("AI Continent Action Plan, section 1.2", "ap.sec-1-2"),
    ("AI Continent Action Plan, COM(2025) 165, section 1.2 (p. 9)", "ap.sec-1-2"),
    ("AI Continent Action Plan, section 1.2, paragraph 5", "ap.sec-1-2.par-5"),
    ("AI Continent Action Plan, introduction, paragraph 13", "ap.intro.par-13"),
    ("AI Continent Action Plan, section 5, Key Commission actions, item 1", "ap.sec-5.actions.item-1"),
    (
        "AI Continent Action Plan, section 4.2, Key Commission actions, item 2, sub-item 3",
        "ap.sec-4-2.actions.item-2.item-3",
    ),
    ("AI Continent Action Plan, section 3.2, EDIH case 1", "ap.sec-3-2.cases.case-1"),
    ("AI Continent Action Plan, section 1.1, map of the AI Factories", "ap.sec-1-1.map"),
    ("ap.sec-1-2.par-8.item-2", "ap.sec-1-2.par-8.item-2"),
]


@pytest.mark.parametrize(("text", "anchor"), READS)
def test_reads_citations(text, anchor):
    assert parse_citation(text) == anchor


LABELS = [
    ("art-5", "Article 5"),
    ("art-6.par-2", "Article 6(2)"),
    ("art-5.par-1.pt-f", "Article 5(1)(f)"),
    ("art-5.par-1.pt-c.pt-i", "Article 5(1)(c)(i)"),
    ("art-3.pt-49", "Article 3, point (49)"),
    ("art-6.par-1.sub-2", "Article 6(1), second subparagraph"),
    ("art-43.par-1.sub-2.pt-a", "Article 43(1), second subparagraph, point (a)"),
    ("art-113.sub-3", "Article 113, third paragraph"),
    ("rct-44", "Recital 44"),
    ("anx-III", "Annex III"),
    ("anx-III.pt-4.pt-a", "Annex III, point 4(a)"),
    ("anx-I.sec-A.pt-1", "Annex I, Section A, point 1"),
    ("anx-VII.pt-3.1", "Annex VII, point 3.1"),
    ("omnibus.rct-12", "Regulation (EU) 2026/1744, Recital 12"),
    ("gl-5052.par-42", "Guidelines C(2025) 5052, paragraph 42"),
    ("gl-5052.sec-3.2.1", "Guidelines C(2025) 5052, section 3.2.1"),
]


@pytest.mark.parametrize(("anchor", "label"), LABELS)
def test_renders_labels_that_read_back(anchor, label):
    assert label_for(anchor) == label
    assert parse_citation(label) == anchor


@pytest.mark.parametrize("text", ["", "   ", "Chapter III", "the AI Act", "Article", "Annex Z", "hello"])
def test_refuses_what_names_no_provision(text):
    with pytest.raises(CitationError):
        parse_citation(text)


def test_the_plans_annex_is_not_the_acts():
    """ "Annex I of the AI Continent Action Plan" names the plan's annex, not the Act's Annex I."""
    assert find_citations("Which AI Factories are listed in Annex I of the AI Continent Action Plan?") == []
    assert find_citations("What is in the action plan's Annex I?") == []
    assert [c.anchor for c in find_citations("What does Annex I of the AI Act list?")] == ["anx-I"]


def test_finds_citations_in_running_text():
    text = (
        "high-risk pursuant to Article 6(2) and listed in Annex III; see point (h) of Article 5(1), "
        "Articles 102 to 104, Recital (44), and Article 6 of Regulation (EU) 2019/1020."
    )
    anchors = [found.anchor for found in find_citations(text)]
    assert anchors == [
        "art-6.par-2", "anx-III", "art-5.par-1.pt-h", "art-102", "art-103", "art-104", "rct-44",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "anchors"),
    [
        ("Regulation (EU) 2026/1744, Recital 32 explains why", ["omnibus.rct-32"]),
        ("see Recital 12 of Regulation (EU) 2026/1744", ["omnibus.rct-12"]),
        ("Article 1, point (9), of the Digital Omnibus", ["omnibus.art-1.pt-9"]),
        # The amending act as the setting of an AI Act citation is not the act cited.
        ("after the Omnibus, Article 10(5) still applies", ["art-10.par-5"]),
    ],
)
def test_citations_of_the_amending_act_in_running_text_are_its_own(text, anchors):
    assert [found.anchor for found in find_citations(text)] == anchors


@pytest.mark.parametrize(
    ("anchor", "known", "resolved"),
    [
        ("art-3.par-4", {"art-3", "art-3.pt-4"}, "art-3.pt-4"),  # Article 3 has points
        ("art-5.par-1.sub-1.pt-h", {"art-5.par-1", "art-5.par-1.pt-h"}, "art-5.par-1.pt-h"),
        ("art-5.par-1.pt-z", {"art-5", "art-5.par-1"}, "art-5.par-1"),  # nearest enclosing
        ("art-200", {"art-5"}, None),
    ],
)
def test_resolves_against_the_corpus(anchor, known, resolved):
    assert resolve(anchor, known) == resolved


@pytest.mark.parametrize(
    ("typed", "anchor"),
    [
        ("art 5(1)(k) bans lie detectors, right?", "art-5.par-1.pt-k"),
        ("Dürfen wir nach Art. 10 Abs. 5 KI-VO Daten verarbeiten?", "art-10.par-5"),
        ("Art. 5 Abs. 1 lit. c", "art-5.par-1.pt-c"),
        ("Artikel 6 Absatz 3", "art-6.par-3"),
        ("selon l'article 10, paragraphe 5", "art-10.par-5"),
        ("Art. 5 para 1 lit. i - what does it ban?", "art-5.par-1.pt-i"),
        ("Does article 50 paragraph 9 cover chatbots?", "art-50.par-9"),
        ("Art 16 lit. m", "art-16.pt-m"),
        ("What does Article 3 point 70 say?", "art-3.pt-70"),
        ("What does point 9 of Annex III cover?", "anx-III.pt-9"),
        ("What is set out in Annex IIIa?", "anx-IIIa"),
    ],
)
def test_reads_citations_as_typed_without_a_dot_or_in_german_and_french(typed, anchor):
    assert [found.anchor for found in find_named(typed)] == [anchor]


def test_a_year_after_state_of_the_art_is_no_article():
    assert find_named("state of the art 2024 models") == []
