"""The query tokenizer must read text exactly as bm25s read the passages when it indexed them."""

from __future__ import annotations

import bm25s
import pytest

from desk.index.lexical import _STEMMER, LexicalIndex, tokens

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
