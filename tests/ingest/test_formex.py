"""The Formex parse of the official texts: every provision, with its anchor."""

from __future__ import annotations

from collections import Counter

import pytest

from desk.citations import parse_citation, resolve
from desk.settings import SHARED_CORPUS, Settings
from desk.sources import load_manifest
from desk.types import Amendment, Authority, ProvisionKind
from ingest.parse import ParseError, parse_source
from ingest.parse.formex import FormexError, formex_documents, parse_formex
from ingest.parse.structure import ActContext
from tests.conftest import FIXTURES


def _parse(source_id: str):
    manifest = load_manifest(Settings().corpus.sources_file)
    source = manifest.get(source_id)
    return parse_source(source, [SHARED_CORPUS / f.name for f in source.files])


@pytest.fixture(scope="module")
def oj():
    return {p.anchor: p for p in _parse("ai-act-oj")}


@pytest.fixture(scope="module")
def consolidated():
    return {p.anchor: p for p in _parse("ai-act-consolidated")}


@pytest.fixture(scope="module")
def omnibus():
    return {p.anchor: p for p in _parse("omnibus")}


def _count(provisions, kind):
    return sum(1 for p in provisions.values() if p.kind is kind)


@pytest.mark.corpus
def test_oj_text_has_180_recitals_113_articles_13_annexes(oj):
    assert _count(oj, ProvisionKind.RECITAL) == 180
    assert _count(oj, ProvisionKind.ARTICLE) == 113
    assert _count(oj, ProvisionKind.ANNEX) == 13
    assert [a for a in oj if a.startswith("rct-")] == [f"rct-{n}" for n in range(1, 181)]
    assert all(p.authority is Authority.INTERPRETIVE for p in oj.values() if p.kind is ProvisionKind.RECITAL)


@pytest.mark.corpus
def test_article_3_of_the_oj_text_has_68_definitions(oj):
    definitions = [a for a, p in oj.items() if p.parent == "art-3"]
    assert definitions == [f"art-3.pt-{n}" for n in range(1, 69)]
    assert oj["art-3.pt-4"].text.startswith("‘deployer’ means a natural or legal person")


@pytest.mark.corpus
def test_consolidated_article_5_1_has_the_points_the_omnibus_added(oj, consolidated):
    points = [a.rsplit("-", 1)[1] for a, p in consolidated.items() if p.parent == "art-5.par-1"]
    assert points == ["a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h"]
    assert "art-5.par-1.pt-ba" not in oj
    added = consolidated["art-5.par-1.pt-ba"]
    assert added.amendment is Amendment.INSERTED
    assert added.amended_by == "Regulation (EU) 2026/1744"
    assert "intimate parts" in added.text
    assert {"art-5.par-1a", "art-5.par-1b"} <= consolidated.keys()


@pytest.mark.corpus
def test_consolidated_article_113_is_the_amended_one(oj, consolidated):
    amended = consolidated["art-113"]
    assert "2 December 2027" in amended.text and "2 August 2028" in amended.text
    assert "Articles 102 to 110 shall apply from 27 July 2026" in amended.text
    assert "2 December 2027" not in oj["art-113"].text
    assert consolidated["art-113.pt-c"].amendment is Amendment.REPLACED
    assert consolidated["art-113.pt-d"].amendment is Amendment.INSERTED


@pytest.mark.corpus
def test_replaced_and_deleted_provisions_carry_the_amending_act(consolidated):
    assert consolidated["art-2.par-2"].amendment is Amendment.REPLACED
    assert consolidated["art-2.par-2"].amended_by == "Regulation (EU) 2026/1744"
    deleted = consolidated["art-10.par-5"]
    assert deleted.amendment is Amendment.DELETED and not deleted.in_force
    # the deleted words stay out of the article in force
    assert "may exceptionally process special categories" not in consolidated["art-10"].text
    assert consolidated["anx-I.sec-A.pt-1"].amendment is Amendment.DELETED
    assert consolidated["anx-I.sec-B.pt-21"].amended_by == "Regulation (EU) 2026/1744"
    assert consolidated["art-6.par-1"].amended_by is None  # untouched provisions say nothing


@pytest.mark.corpus
def test_consolidated_text_has_the_inserted_articles_and_annex_xiv(consolidated):
    articles = [a for a, p in consolidated.items() if p.kind is ProvisionKind.ARTICLE]
    assert len(articles) == 119
    assert {"art-4a", "art-60a", "art-75a", "art-75b", "art-75c", "art-75d"} <= set(articles)
    annexes = [a for a, p in consolidated.items() if p.kind is ProvisionKind.ANNEX]
    assert annexes[-1] == "anx-XIV" and len(annexes) == 14
    assert "AIH 0401" in consolidated["anx-XIV.pt-3.pt-d"].text


@pytest.mark.corpus
def test_structure_of_annexes(consolidated):
    point = consolidated["anx-III.pt-4.pt-a"]
    assert point.label == "Annex III, point 4(a)"
    assert point.text.startswith("AI systems intended to be used for the recruitment or selection")
    assert consolidated["anx-VII.pt-3.1"].parent == "anx-VII.pt-3"
    assert consolidated["anx-I.sec-B"].kind is ProvisionKind.SECTION


@pytest.mark.corpus
def test_the_amending_act_gives_its_recitals_and_articles(omnibus):
    recitals = [a for a, p in omnibus.items() if p.kind is ProvisionKind.RECITAL]
    assert recitals == [f"omnibus.rct-{n}" for n in range(1, 48)]
    articles = [a for a, p in omnibus.items() if p.kind is ProvisionKind.ARTICLE]
    assert articles == ["omnibus.art-1", "omnibus.art-2", "omnibus.art-3", "omnibus.art-4"]
    assert len([a for a, p in omnibus.items() if p.parent == "omnibus.art-1"]) == 43
    # the annex it adds is quoted text of its Article 1, point (43), not an annex of its own
    assert "AIH 0401" in omnibus["omnibus.art-1.pt-43"].text
    assert "L20261744" not in omnibus["omnibus.art-1.pt-43"].text
    # a recital with a dash list keeps all of it
    assert "It is of particular importance" in omnibus["omnibus.rct-45"].text


@pytest.mark.corpus
def test_every_anchor_is_unique_and_round_trips_through_the_citation_parser(oj, consolidated, omnibus):
    for provisions in (oj, consolidated, omnibus):
        known = set(provisions)
        for anchor, provision in provisions.items():
            assert resolve(parse_citation(provision.label), known) == anchor, provision.label
            assert resolve(parse_citation(anchor), known) == anchor


@pytest.mark.corpus
def test_text_is_clean(consolidated):
    kinds = Counter()
    for provision in consolidated.values():
        assert provision.text, provision.anchor
        assert "\u00a0" not in provision.text
        assert "  " not in provision.text
        kinds[provision.kind] += 1
    # amounts as the Official Journal prints them, footnotes left out
    assert "EUR 35 000 000" in consolidated["art-99.par-3"].text


@pytest.mark.corpus
def test_references_resolve_to_anchors(consolidated):
    from ingest.references import link_references

    linked = {p.anchor: p for p in link_references(list(consolidated.values()), set(consolidated))}
    references = {r.anchor for r in linked["art-6.par-2"].references}
    assert "anx-III" in references
    mentions = {r.text: r.anchor for r in linked["art-2.par-2"].references}
    assert mentions["Article 6(1)"] == "art-6.par-1"


def test_fixture_formex_gives_provisions_with_amendments():
    context = ActContext("fixture", "2026-07-27", Authority.BINDING, "https://example.test")
    provisions = {
        p.anchor: p
        for p in parse_formex(formex_documents(FIXTURES / "corpus" / "mini-consolidated.fmx.xml"), context)
    }
    assert provisions["art-1.par-2"].amendment is Amendment.REPLACED
    assert provisions["art-1.par-2.pt-a"].amended_by == "Regulation (EU) 2026/1744"
    assert provisions["art-1.par-3"].amendment is Amendment.DELETED
    assert "deleted by the amending act" not in provisions["art-1"].text
    assert provisions["art-2.pt-2a"].amendment is Amendment.INSERTED
    assert provisions["art-2.pt-2a"].label == "Article 2, point (2a)"
    assert provisions["anx-I.pt-1.pt-a"].label == "Annex I, point 1(a)"
    assert provisions["art-1"].heading_path == (
        "Chapter I — General provisions",
        "Article 1 — Subject matter",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<ACT><ENACTING.TERMS><ARTICLE>", "not well-formed XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not well-formed XML"),
        (b"<DOC><P>no act here</P></DOC>", "no ACT or CONS.ACT element"),
    ],
)
def test_bad_formex_is_a_one_line_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "broken.fmx.xml"
    path.write_bytes(content)
    context = ActContext("fixture", "2026-07-27", Authority.BINDING, "https://example.test")
    with pytest.raises(FormexError) as raised:
        parse_formex(formex_documents(path), context)
    assert "broken.fmx.xml" in str(raised.value) and message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_truncated_formex_names_the_file(tmp_path):
    path = tmp_path / "truncated.fmx.xml"
    path.write_bytes((FIXTURES / "corpus" / "mini-oj.fmx.xml").read_bytes()[:700])
    manifest_source = load_manifest(Settings().corpus.sources_file).get("ai-act-oj")
    with pytest.raises(ParseError, match=r"truncated\.fmx\.xml"):
        parse_source(manifest_source, [path])
