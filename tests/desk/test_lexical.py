"""The query tokenizer must read text exactly as bm25s read the passages when it indexed them."""

from __future__ import annotations

import bm25s
import pytest

from desk.index.lexical import _STEMMER, LAW, PLAN, GroupedLexicalIndex, LexicalIndex, tokens

TEXTS = [
    "The deployer’s obligations under Article 26(1) of high-risk AI systems, e.g. CV-screening.",
    "‘general-purpose AI model’ means an AI model, including where such an AI model is trained…",
    "Fines of up to EUR 35 000 000 or 7 % of total worldwide annual turnover",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_match_bm25s(text):
    expected = bm25s.tokenize([text], stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)
    assert tokens([text]) == expected


def test_search_finds_exact_words_and_nothing_for_unknown_ones(tmp_path):
    index = LexicalIndex.build(
        ["deployers shall monitor", "providers shall document", "recruitment of candidates"]
    )
    index.save(tmp_path / "bm25")
    loaded = LexicalIndex.load(tmp_path / "bm25", 3)
    assert loaded.search("What must deployers monitor?", 3)[0][0] == 0
    assert loaded.search("zzz qqq", 3) == []
    assert loaded.search("the of and", 3) == []  # only stop words


LAW_TEXTS = ["deployers shall monitor the system", "providers shall document the system", "data governance"]
PLAN_TEXTS = [
    "AI Factories give startups access to supercomputers",
    "Data Labs federate data for AI developers",
]


def test_the_plans_passages_leave_the_laws_ranking_and_scores_as_they_were(tmp_path):
    """The law's BM25 weighs its terms over the law alone: adding the plan's passages (which
    speak of data, AI and systems too) changes nothing for a question on the law."""
    law_alone = LexicalIndex.build(LAW_TEXTS)
    texts = [PLAN_TEXTS[0], *LAW_TEXTS, PLAN_TEXTS[1]]
    labels = [PLAN, LAW, LAW, LAW, PLAN]
    GroupedLexicalIndex.build(texts, labels).save(tmp_path / "bm25")
    grouped = GroupedLexicalIndex.load(tmp_path / "bm25", len(texts))
    for question in ("What must deployers monitor?", "data governance of the system"):
        expected = [(position + 1, score) for position, score in law_alone.search(question, 5)]
        assert grouped.search(question, 5) == expected  # positions in the whole list
    both = grouped.search("data for AI", 5, groups=(LAW, PLAN))
    assert [position for position, _ in both][:2] == [3, 4]  # rank by rank: the law's first, then the plan's


def test_an_index_built_as_one_bm25_still_loads(tmp_path):
    LexicalIndex.build(LAW_TEXTS).save(tmp_path / "bm25")
    loaded = GroupedLexicalIndex.load(tmp_path / "bm25", len(LAW_TEXTS))
    assert loaded.search("What must deployers monitor?", 3)[0][0] == 0
