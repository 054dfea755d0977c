"""A provision's words as whole statements: an item with its lead-in, never a lead-in alone."""

from __future__ import annotations

from desk.statements import chapter_of, first_clause, item_body, statements, title_of

ARTICLE_113 = """However:
(a) Chapters I and II shall apply from 2 February 2025;
(b) Chapter V shall apply from 2 August 2025, with the exception of Article 101;
(c) Chapter III, Sections 1, 2, and 3 shall apply from:
(i) 2 December 2027 as regards AI systems classified as high-risk pursuant to Article 6(2) and Annex III; and
(ii) 2 August 2028 as regards AI systems classified as high-risk pursuant to Article 6(1) and Annex I;
(d) Articles 102 to 110 shall apply from 27 July 2026."""

ARTICLE_16 = """Providers of high-risk AI systems shall:
(a) ensure that their high-risk AI systems are compliant with the requirements set out in Section 2;
(h) affix the CE marking to the high-risk AI system;
(i) comply with the registration obligations referred to in Article 49(1);"""


def test_every_item_is_read_with_its_lead_ins_and_no_lead_in_stands_alone():
    found = statements(ARTICLE_113)
    assert [s.body[:3] for s in found] == ["(a)", "(b)", "(i)", "(ii", "(d)"]
    assert all(s.lead_in.startswith("However:") for s in found)
    assert found[2].lead_in.endswith("shall apply from:")  # a sub-item under both lead-ins
    assert not any(s.text.rstrip().endswith(":") for s in found)


def test_the_letter_i_after_h_is_a_point_not_a_roman_numeral():
    found = statements(ARTICLE_16)
    assert [s.lead_in for s in found] == ["Providers of high-risk AI systems shall:"] * 3
    assert item_body(found[2]) == "comply with the registration obligations referred to in Article 49(1)"


def test_sentences_outside_lists_are_statements_of_their_own():
    text = "By derogation from paragraph 2, an AI system is not high-risk. It is where it profiles."
    assert [s.body for s in statements(text)] == [
        "By derogation from paragraph 2, an AI system is not high-risk.",
        "It is where it profiles.",
    ]


def test_titles_chapters_and_clauses():
    path = (
        "Chapter V — General-purpose AI models",
        "Section 2 — Obligations",
        "Article 53 — Obligations for providers",
    )
    assert title_of(path) == "Obligations for providers"
    assert chapter_of(path) == "Chapter V, Section 2 (Obligations)"
    assert chapter_of(("Chapter II — Prohibited AI practices",)) == "Chapter II (Prohibited AI practices)"
    assert first_clause(
        "draw up and keep up-to-date the technical documentation, including its training"
    ) == ("draw up and keep up-to-date the technical documentation")


def test_a_communications_bullets_are_items_read_with_their_title():
    box = "Key Commission actions:\n- Launch an AI Act Service Desk (July 2025);\n- Launch a process (April 2025)."
    found = statements(box)
    assert [s.lead_in for s in found] == ["Key Commission actions:"] * 2
    assert item_body(found[0]) == "Launch an AI Act Service Desk (July 2025)"


DEFINITION_49 = """For the purposes of this Regulation, the following definitions apply:
(49) ‘serious incident’ means an incident or malfunctioning of an AI system that directly or indirectly leads to any of the following:
(a) the death of a person, or serious harm to a person’s health;
(d) serious harm to property or the environment;"""


def test_a_numbered_definitions_points_are_read_with_it():
    found = statements(DEFINITION_49)
    assert [s.body[:3] for s in found] == ["(a)", "(d)"]
    assert all("‘serious incident’ means" in s.lead_in for s in found)
