"""Passages follow the structure of the law."""

from __future__ import annotations

import pytest

from desk.settings import SHARED_CORPUS, ChunkingSettings, Settings
from desk.sources import load_manifest
from ingest.chunk import chunk
from ingest.parse import parse_source


@pytest.fixture(scope="module")
def passages():
    source = load_manifest(Settings().corpus.sources_file).get("ai-act-consolidated")
    provisions = parse_source(source, [SHARED_CORPUS / f.name for f in source.files])
    return chunk(provisions, ChunkingSettings())


def _by_id(passages):
    return {p.id: p for p in passages}


@pytest.mark.corpus
def test_each_article_5_1_point_keeps_the_lead_in(passages):
    point = _by_id(passages)["ai-act-consolidated:art-5.par-1.pt-f"]
    assert point.label == "Article 5(1)(f)"
    assert point.text.startswith("The following AI practices shall be prohibited:\n(f) ")
    assert "infer emotions" in point.text
    assert "Article 5 — Prohibited AI practices" in point.embedded_text


@pytest.mark.corpus
def test_each_definition_is_its_own_passage(passages):
    definitions = [p.anchor for p in passages if p.anchor.startswith("art-3.pt-")]
    # 68 as published, and points (14a) and (14b) inserted by Regulation (EU) 2026/1744
    expected = [f"art-3.pt-{n}" for n in range(1, 15)] + ["art-3.pt-14a", "art-3.pt-14b"]
    expected += [f"art-3.pt-{n}" for n in range(15, 69)]
    assert definitions == expected


@pytest.mark.corpus
def test_articles_give_a_passage_per_paragraph_and_deleted_text_none(passages):
    anchors = [p.anchor for p in passages]
    assert "art-6.par-2" in anchors and "art-6" not in anchors
    assert not any(a.startswith("art-10.par-5") for a in anchors)


@pytest.mark.corpus
def test_passages_stay_inside_their_provision_and_under_the_size_limit(passages):
    settings = ChunkingSettings()
    ids = [p.id for p in passages]
    assert len(ids) == len(set(ids))
    for passage in passages:
        assert len(passage.text) <= settings.max_chars or (
            "\n" not in passage.text and ". " not in passage.text
        )


def test_long_provisions_are_split_on_sentences_never_across_provisions():
    from desk.types import Authority, Provision, ProvisionKind

    sentence = "The provider shall keep the documentation at the disposal of the authorities. "
    long = Provision(
        anchor="rct-9", label="Recital 9", kind=ProvisionKind.RECITAL, text=" ".join([sentence.strip()] * 40),
        source_id="s", version="2024-07-12", authority=Authority.INTERPRETIVE, deep_link="x",
    )  # fmt: skip
    short = long.model_copy(update={"anchor": "rct-10", "label": "Recital 10", "text": "Short."})
    parts = chunk([long, short], ChunkingSettings(max_chars=500))
    assert [p.anchor for p in parts][-1] == "rct-10"
    pieces = [p for p in parts if p.anchor == "rct-9"]
    assert len(pieces) > 1 and all(len(p.text) <= 500 for p in pieces)
    assert [p.part for p in pieces] == list(range(len(pieces)))
    assert all(p.text.endswith("authorities.") for p in pieces)
