"""The naive baselines on a corpus written here: a few articles, a deleted paragraph, a
recital, and an OJ article that the plain text must leave out."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pytest

from desk.types import Amendment, Authority, Passage, Provision, ProvisionKind
from evals.baselines import (
    BASELINES,
    CHUNK_SIZE,
    Bm25Naive,
    DeskEmbeddings,
    anchors_overlapping,
    build_baseline,
    plain_text,
)

FILLER = (
    "Member States shall ensure that the obligations laid down in this Regulation are applied "
    "consistently by the competent authorities. "
)


def provision(
    anchor: str,
    kind: ProvisionKind,
    text: str,
    *,
    parent: str | None = None,
    heading: str | None = None,
    source_id: str = "ai-act-consolidated",
    amendment: Amendment | None = None,
) -> Provision:
    return Provision(
        anchor=anchor,
        label=anchor,
        kind=kind,
        parent=parent,
        heading_path=(heading,) if heading else (),
        text=text,
        source_id=source_id,
        version="2026-01-01",
        authority=Authority.INTERPRETIVE if kind is ProvisionKind.RECITAL else Authority.BINDING,
        deep_link=f"https://example.org/{anchor}",
        amendment=amendment,
    )


def passage(source_id: str) -> Passage:
    return Passage(
        id=f"{source_id}-0",
        anchor="x",
        label="x",
        source_id=source_id,
        version="2026-01-01",
        authority=Authority.BINDING,
        deep_link="https://example.org",
        text="x",
    )


@dataclass
class Corpus:
    provisions: list[Provision]
    passages: list[Passage] = field(default_factory=list)


ART5 = "Article 5 — Prohibited AI practices"
PT_F = (
    "the placing on the market or the use of AI systems to infer emotions of a natural person in the "
    "areas of workplace and education institutions, except for medical or safety reasons; "
)
LEAF_TEXTS = {
    "art-5.par-1.pt-e": "untargeted scraping of facial images from the internet or CCTV footage; "
    + FILLER * 4,
    "art-5.par-1.pt-f": PT_F + FILLER * 3,
    "art-5.par-2": "The use of remote biometric identification systems shall be authorised. " + FILLER * 5,
    "art-6.par-2": "AI systems referred to in Annex III shall be considered to be high-risk. " + FILLER * 6,
    "art-50": "Providers shall ensure that AI systems intended to interact with natural persons disclose it.",
    "rct-44": "There are serious concerns about the scientific basis of AI systems aiming to identify emotions.",
}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    article = ProvisionKind.ARTICLE
    paragraph = ProvisionKind.PARAGRAPH
    point = ProvisionKind.POINT
    consolidated = [
        provision("art-5", article, "whole article text", heading=ART5),
        provision("art-5.par-1", paragraph, "The following practices shall be prohibited:", parent="art-5"),
        provision("art-5.par-1.pt-e", point, LEAF_TEXTS["art-5.par-1.pt-e"], parent="art-5.par-1"),
        provision("art-5.par-1.pt-f", point, LEAF_TEXTS["art-5.par-1.pt-f"], parent="art-5.par-1"),
        provision("art-5.par-2", paragraph, LEAF_TEXTS["art-5.par-2"], parent="art-5"),
        provision("art-6", article, "whole article text", heading="Article 6 — Classification rules"),
        provision("art-6.par-1", paragraph, "[Deleted.]", parent="art-6", amendment=Amendment.DELETED),
        provision("art-6.par-2", paragraph, LEAF_TEXTS["art-6.par-2"], parent="art-6"),
        provision("art-50", article, LEAF_TEXTS["art-50"], heading="Article 50 — Transparency obligations"),
    ]
    oj = [
        provision("rct-44", ProvisionKind.RECITAL, LEAF_TEXTS["rct-44"], source_id="ai-act-oj"),
        provision(
            "art-5", article, "superseded by the consolidated text", source_id="ai-act-oj", heading=ART5
        ),
    ]
    # A source with provisions but no passages is not indexed, so not in the plain text.
    unindexed = [provision("art-1", article, "not indexed", source_id="elsewhere")]
    return Corpus(
        provisions=consolidated + oj + unindexed,
        passages=[passage("ai-act-consolidated"), passage("ai-act-oj")],
    )


def test_plain_text_spans_cover_each_leaf_in_force_in_order(corpus):
    text, spans = plain_text(corpus)

    assert [anchor for _, _, anchor in spans] == list(LEAF_TEXTS)
    for start, end, anchor in spans:
        assert text[start:end] == LEAF_TEXTS[anchor]
    assert all(end <= next_start for (_, end, _), (next_start, _, _) in itertools.pairwise(spans))
    assert "[Deleted.]" not in text
    assert "superseded" not in text
    assert "not indexed" not in text


def test_plain_text_puts_a_heading_line_where_an_article_or_recital_starts(corpus):
    text, spans = plain_text(corpus)
    starts = {anchor: start for start, _, anchor in spans}

    assert text.startswith(ART5 + "\n" + LEAF_TEXTS["art-5.par-1.pt-e"] + "\n\n")
    assert text.count(ART5) == 1  # once per article, not once per paragraph
    assert text[: starts["art-6.par-2"]].endswith("Article 6 — Classification rules\n")
    assert text[: starts["rct-44"]].endswith("\n\nrct-44\n")  # the fixture's label


def test_a_chunk_straddling_two_provisions_maps_to_both(corpus):
    _, spans = plain_text(corpus)
    (_, first_end, first), (second_start, _, second) = spans[0], spans[1]

    start = first_end - CHUNK_SIZE // 2
    assert anchors_overlapping(spans, start, start + CHUNK_SIZE) == (first, second)
    assert anchors_overlapping(spans, first_end, second_start) == ()  # the separator only
    assert anchors_overlapping(spans, second_start, second_start + 1) == (second,)


def test_bm25_naive_cuts_every_1000_characters_and_ranks_by_the_words(corpus):
    text, spans = plain_text(corpus)
    baseline = Bm25Naive(text, spans)

    found = baseline.retrieve("emotions in the workplace", k=3)

    assert "art-5.par-1.pt-f" in found[0].anchors
    assert "emotions of a natural person" in found[0].text
    assert len(found[0].text) == CHUNK_SIZE
    assert found[0].score > found[-1].score


def test_build_baseline_rejects_an_unknown_name(corpus, tmp_path):
    with pytest.raises(ValueError, match=", ".join(BASELINES)):
        build_baseline("dense-naive", corpus, None, tmp_path)


def test_the_embeddings_adapter_returns_the_models_vectors_as_floats(embedder):
    adapter = DeskEmbeddings(embedder)

    documents = adapter.embed_documents(["emotion recognition", "remote biometric identification"])
    query = adapter.embed_query("emotion recognition")

    assert len(documents) == 2
    assert all(len(vector) == embedder.dimensions for vector in documents)
    assert all(isinstance(value, float) for value in query)
    assert np.allclose(query, documents[0], atol=1e-5)


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, embedder):
        self._embedder = embedder
        self.name = embedder.name
        self.dimensions = embedder.dimensions
        self.runtime = embedder.runtime
        self.scale = embedder.scale
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts += len(texts)
        return self._embedder.embed(texts)


def test_langchain_naive_finds_the_provision_and_reuses_its_vectors(corpus, embedder, tmp_path):
    counting = CountingEmbedder(embedder)

    first = build_baseline("langchain-naive", corpus, counting, tmp_path)
    embedded = counting.texts
    found = first.retrieve("Is emotion recognition in the workplace prohibited?", k=2)

    assert embedded > 0
    assert "art-5.par-1.pt-f" in found[0].anchors
    assert found[0].text in plain_text(corpus)[0]
    assert found[0].score >= found[1].score

    counting.texts = 0
    second = build_baseline("langchain-naive", corpus, counting, tmp_path)
    assert counting.texts == 0  # the stored collection was reopened, not re-embedded
    assert len(list(tmp_path.iterdir())) == 1
    assert second.retrieve("Is emotion recognition in the workplace prohibited?", k=2) == found


def test_langchain_naive_returns_four_chunks_unless_asked_for_more(corpus, embedder, tmp_path):
    baseline = build_baseline("langchain-naive", corpus, embedder, tmp_path)

    assert len(baseline.retrieve("high-risk AI systems")) == 4
    assert len(baseline.retrieve("high-risk AI systems", k=5)) == 5  # all the fixture's chunks
