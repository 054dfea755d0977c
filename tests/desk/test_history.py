"""Word-level changes between two versions of a provision."""

from __future__ import annotations

from desk.history import asks_about_earlier, word_changes


def test_word_changes_keep_every_word_of_both_versions():
    before = "It shall apply from 2 August 2026."
    after = "It shall apply from 2 December 2027, subject to paragraph 3."
    changes = word_changes(before, after)
    assert "".join(c.text for c in changes if c.op != "inserted") == before
    assert "".join(c.text for c in changes if c.op != "deleted") == after
    assert [c.text.strip() for c in changes if c.op == "deleted"] == ["August 2026."]


def test_identical_texts_have_no_change():
    assert {c.op for c in word_changes("Article 1 text.", "Article 1 text.")} == {"equal"}


def test_an_inserted_provision_is_all_new():
    assert [c.op for c in word_changes("", "New text.")] == ["inserted"]


def test_questions_about_the_earlier_text_are_recognised():
    assert asks_about_earlier("What did Article 113 say before the Omnibus?")
    assert asks_about_earlier("How did Regulation 2026/1744 change Article 5?")
    assert not asks_about_earlier("What does Article 113 say?")
