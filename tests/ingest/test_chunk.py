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


@pytest.mark.corpus
def test_a_parts_heading_is_not_read_as_words_introducing_every_part(passages):
    by_id = _by_id(passages)
    machinery = by_id["ai-act-consolidated:anx-I.sec-B.pt-21"]
    assert not machinery.text.startswith("Section A"), machinery.text[:120]
    assert machinery.heading_path[-1].startswith("Section B")
    section_b = by_id["ai-act-consolidated:anx-VIII.sec-B.pt-1"]
    assert not section_b.text.startswith("Section A"), section_b.text[:160]
    assert "Article 49(2)" in section_b.text.split("\n")[0]  # its own lead-in stays
    visa = by_id["ai-act-consolidated:anx-X.pt-2"]
    assert "Schengen Information System" not in visa.text, visa.text[:120]
    assert visa.heading_path[-1] == "2. Visa Information System"
    # Words that do introduce the parts stay before each of them.
    assert by_id["ai-act-consolidated:art-5.par-1.pt-f"].text.startswith(
        "The following AI practices shall be prohibited:"
    )


def test_a_heading_before_the_first_part_stays_with_that_part():
    from desk.types import Authority, Provision, ProvisionKind

    common = dict(source_id="s", version="2024-07-12", authority=Authority.BINDING, deep_link="x")
    annex = Provision(
        anchor="anx-X", label="Annex X", kind=ProvisionKind.ANNEX, heading_path=("Annex X — Systems",),
        text="1. First system\n(a) Regulation one on the first system.\n2. Second system\n(a) Regulation two on the second system.",
        **common,
    )  # fmt: skip
    points = [
        Provision(
            anchor=f"anx-X.pt-{n}", label=f"Annex X, point {n}", kind=ProvisionKind.POINT, parent="anx-X",
            heading_path=("Annex X — Systems", f"{n}. {name} system"),
            text=f"(a) Regulation {word} on the {name.lower()} system.", **common,
        )
        for n, name, word in ((1, "First", "one"), (2, "Second", "two"))
    ]  # fmt: skip
    texts = {p.anchor: p.text for p in chunk([annex, *points], ChunkingSettings(long_list_chars=10))}
    assert "First system" not in texts["anx-X.pt-2"], texts
    assert "Regulation two" in texts["anx-X.pt-2"]


def test_a_communications_bullets_and_box_items_are_passages_under_their_lead_in():
    """The plan's "In line with this vision:" and its bullets, and a box of key actions: the
    paragraph is a passage, each bullet one more read under it; the box gives way to its items."""
    from desk.types import Authority, Provision, ProvisionKind

    common = dict(source_id="ap", version="2025-04-09", authority=Authority.POLICY, deep_link="x", page=9)
    provisions = [
        Provision(anchor="ap.sec-1", label="s1", kind=ProvisionKind.SECTION, text="1. Computing", **common),
        Provision(anchor="ap.sec-1.par-1", label="p1", kind=ProvisionKind.PARAGRAPH, parent="ap.sec-1",
                  text="In line with this vision:", **common),
        Provision(anchor="ap.sec-1.par-1.item-1", label="i1", kind=ProvisionKind.ITEM, parent="ap.sec-1.par-1",
                  text="a call is launched today;", **common),
        Provision(anchor="ap.sec-1.actions", label="b", kind=ProvisionKind.BOX, parent="ap.sec-1",
                  text="Key Commission actions:\n- Set up AI Factories (Q2 2025);", **common),
        Provision(anchor="ap.sec-1.actions.item-1", label="a1", kind=ProvisionKind.ITEM, parent="ap.sec-1.actions",
                  text="Set up AI Factories (Q2 2025);", **common),
    ]  # fmt: skip
    texts = {p.anchor: p.text for p in chunk(provisions, ChunkingSettings())}
    assert texts == {
        "ap.sec-1.par-1": "In line with this vision:",
        "ap.sec-1.par-1.item-1": "In line with this vision:\n- a call is launched today;",
        "ap.sec-1.actions.item-1": "Key Commission actions:\n- Set up AI Factories (Q2 2025);",
    }
    assert {p.page for p in chunk(provisions, ChunkingSettings())} == {9}
