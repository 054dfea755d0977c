"""An amending act's instructions link to the provision they change, not to what the new
text they insert mentions; its articles that amend other acts do not link to the AI Act's
articles of the same number."""

import pytest

from desk.types import Authority, Provision, ProvisionKind
from ingest.amendments import amended_act, amended_provision
from ingest.references import link_references

IN_FORCE = {
    "art-3", "art-3.pt-14", "art-3.pt-14a", "art-4a", "art-6", "art-6.par-1", "art-16",
    "art-25", "art-25.par-2", "art-25.par-4", "art-57", "art-57.par-3a", "art-58.par-1",
    "art-58.par-1.pt-d", "art-96.par-1", "art-96.par-1.pt-g", "art-113", "art-113.sub-3",
    "art-113.pt-a", "anx-I", "anx-I.sec-B", "anx-I.sec-B.pt-21", "anx-VIII.sec-B.pt-7",
}  # fmt: skip


def _provision(anchor: str, text: str, parent: str | None = None) -> Provision:
    return Provision(
        anchor=anchor, label=anchor, kind=ProvisionKind.POINT, parent=parent, text=text,
        source_id="amending", version="2026-07-27", authority=Authority.BINDING, deep_link="https://example.test",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("instructions", "changed"),
    [
        (["Article 25 is amended as follows: (a) paragraph 2 is replaced by the following: ‘2. …’",
          "paragraph 2 is replaced by the following: ‘2. … referred to in Article 16 …’ ;"], "art-25.par-2"),
        (["Article 25 is amended as follows: (a) paragraph 2 is replaced by the following: ‘2. …’",
          "in paragraph 4, the first subparagraph is replaced by the following: ‘4. …’"], "art-25.par-4"),
        # what an instruction inserts names itself at the start of the new text
        (["Article 57 is amended as follows: (a) in paragraph 1, …",
          "the following paragraph is inserted: ‘3a.\nThe AI Office may …’ ;"], "art-57.par-3a"),
        (["Article 3 is amended as follows: (a) point (14) is amended as follows: …",
          "the following points are inserted: ‘(14a) “SME” means …’"], "art-3.pt-14a"),
        (["the following Article is inserted: ‘Article 4a Processing of special categories …’"], "art-4a"),
        (["in Article 58(1), the first subparagraph is amended as follows: (a) …",
          "the following point is added: ‘(d) the detailed rules …’"], "art-58.par-1.pt-d"),
        (["in Article 96, paragraph 1 is amended as follows: (a) in the first subparagraph, …",
          "in the first subparagraph, the following point is added: ‘(g) the practical …’"], "art-96.par-1.pt-g"),
        # Article 113's paragraphs are not numbered: "the third paragraph", and its points
        (["in Article 113, the third paragraph is amended as follows: (a) point (a) …",
          "point (a) is replaced by the following: ‘(a) Chapters I and II shall apply …’"], "art-113.pt-a"),
        (["Annex I is amended as follows: (a) in Section A, point 1 is deleted; …",
          "in Section B, the following point is added: ‘21. Regulation (EU) 2023/1230 …’"], "anx-I.sec-B.pt-21"),
        (["in Annex VIII, section B, points 7 and 9 are deleted;"], "anx-VIII.sec-B.pt-7"),
        # "the heading" names no paragraph: the article, not the paragraph "as follows" leads to
        (["Article 25 is amended as follows: (a) paragraph 2 is replaced …",
          "the heading is replaced by the following: ‘…’"], "art-25"),
        (["the following recital is inserted: ‘…’"], None),
    ],
)  # fmt: skip
def test_an_instruction_names_the_provision_it_changes(instructions, changed):
    assert amended_provision(instructions, IN_FORCE) == changed


def test_the_act_an_article_amends_is_read_from_its_lead():
    assert amended_act("Regulation (EU) 2024/1689 is amended as follows: (1) …") == "2024/1689"
    assert amended_act("Regulation (EU) 2018/1139 is amended as follows: (1) …") == "2018/1139"
    assert amended_act("This Regulation shall enter into force on the third day …") is None


def test_link_references_puts_the_changed_provision_first_and_keeps_other_acts_apart():
    provisions = [
        _provision("x.art-1", "Regulation (EU) 2024/1689 is amended as follows: (1) Article 25 is amended …"),
        _provision(
            "x.art-1.pt-1", "Article 25 is amended as follows: (a) paragraph 2 is replaced …", "x.art-1"
        ),
        _provision(
            "x.art-1.pt-1.pt-a",
            "paragraph 2 is replaced by the following: ‘2. … the obligations referred to in Article 16 …’ ;",
            "x.art-1.pt-1",
        ),
        _provision("x.art-2", "Regulation (EU) 2023/1230 is amended as follows: (1) in Article 6, …"),
        _provision(
            "x.art-2.pt-1",
            "in Article 6, the following paragraph is added: ‘… delegated acts in accordance with Article 3 of"
            " this Regulation, for AI systems classified as high-risk pursuant to Article 6(1) of Regulation (EU)"
            " 2024/1689 …’",
            "x.art-2",
        ),
        _provision("x.rct-1", "Article 6 should be clarified.", None),
    ]
    linked = {p.anchor: [r.anchor for r in p.references] for p in link_references(provisions, IN_FORCE)}
    assert linked["x.art-1.pt-1.pt-a"] == ["art-25.par-2", "art-16"]
    # Articles 6 and 3 of the Machinery Regulation are not the AI Act's; its Article 6(1) is
    assert linked["x.art-2.pt-1"] == ["art-6.par-1"]
    assert linked["x.rct-1"] == ["art-6"]
