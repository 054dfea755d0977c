"""The Act's chapters and sections, read off the headings of its provisions, and the ones a
question names. Pure functions on provisions written here."""

from __future__ import annotations

from desk.divisions import divisions, named
from desk.types import Authority, Provision, ProvisionKind


def _article(number: str, *headings: str, source: str = "ai-act-consolidated") -> Provision:
    return Provision(
        anchor=f"art-{number}",
        label=f"Article {number}",
        kind=ProvisionKind.ARTICLE,
        heading_path=(*headings, f"Article {number} — Title {number}"),
        text="…",
        source_id=source,
        version="2026-07-27",
        authority=Authority.BINDING,
        deep_link="https://eur-lex.europa.eu/",
    )


LAW = [
    _article("1", "Chapter I — General provisions"),
    _article("4a", "Chapter I — General provisions"),
    _article("6", "Chapter III — High-risk AI systems", "Section 1 — Classification"),
    _article("8", "Chapter III — High-risk AI systems", "Section 2 — Requirements"),
    _article("9", "Chapter III — High-risk AI systems", "Section 2 — Requirements"),
    _article("50", "Chapter IV — Transparency obligations"),
    _article("99", "Chapter XII — Penalties", source="ai-act-oj"),  # not the law in force
]


def test_chapters_and_sections_hold_their_articles_in_the_order_of_the_text():
    found = divisions(LAW)
    assert list(found) == [("I", None), ("III", None), ("III", "1"), ("III", "2"), ("IV", None)]
    assert found[("I", None)].articles == ("art-1", "art-4a")
    assert found[("III", None)].articles == ("art-6", "art-8", "art-9")
    assert found[("III", "2")].articles == ("art-8", "art-9")
    assert found[("III", "2")].title == "Requirements"
    assert found[("III", "2")].label == "Chapter III, Section 2"


def test_a_question_names_a_section_with_its_chapter_or_a_chapter_alone():
    assert named("What does Section 6 of Chapter III require?") == [("III", "6")]
    assert named("What does Chapter III, Section 2 require?") == [("III", "2")]
    assert named("What does Chapter XIV cover?") == [("XIV", None)]
    assert named("What does chapter v say?") == [("V", None)]
    assert named("What does Article 5 prohibit?") == []
