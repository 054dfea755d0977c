"""The AI Continent Action Plan into provisions: the units file of the corpus, and the two
routes (units file, official PDF) giving one tree on a small communication written here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from desk.citations import label_for, parse_citation
from desk.settings import default_corpus_dir
from desk.sources import load_manifest
from desk.types import Authority, Provision, ProvisionKind
from ingest.parse import parse_source
from ingest.parse.commission_pdf import communication_units
from ingest.parse.communication import (
    Document,
    UnitsError,
    communication_provisions,
    map_provision,
    units_from_json,
)
from tests.ingest.test_commission_pdf import _pdf

CORPUS = default_corpus_dir()
UNITS = "ai-continent-action-plan-com-2025-165.en.units.json"
STRUCTURED = "ai-continent-action-plan-com-2025-165.en.structured.json"
PDF_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:52025DC0165"
DOCUMENT = Document("ap", "ap", "AI Continent Action Plan", "2025-04-09", Authority.POLICY, PDF_URL)
MANIFEST = Path(__file__).parents[2] / "corpus" / "sources.toml"


def _corpus_file(name: str) -> Path:
    if CORPUS is None or not (CORPUS / name).is_file():
        pytest.skip(f"the corpus file {name} is not available")
    return CORPUS / name


@pytest.fixture(scope="module")
def plan() -> dict[str, Provision]:
    source = load_manifest(MANIFEST).get("ap")
    provisions = parse_source(source, [_corpus_file(UNITS)], {"ai-factories": _corpus_file(STRUCTURED)})
    return {provision.anchor: provision for provision in provisions}


# ---------------------------------------------------------------------------------------
# The plan, from the units file of the corpus


def test_every_unit_is_a_provision_and_every_box_one_more(plan: dict[str, Provision]) -> None:
    kinds = Counter(provision.kind for provision in plan.values())
    # SOURCES.md 2a: 146 units, 18 headings (14 sections, 4 case studies), 87 paragraphs,
    # 41 list items; then seven boxes of key actions, the box of cases, and the map.
    assert kinds == {
        ProvisionKind.SECTION: 18,
        ProvisionKind.PARAGRAPH: 87,
        ProvisionKind.ITEM: 41,
        ProvisionKind.BOX: 8,
        ProvisionKind.FIGURE: 1,
    }
    sections = [a for a, p in plan.items() if p.kind is ProvisionKind.SECTION and ".case" not in a]
    assert sections == [
        "ap.sec-1", "ap.sec-1-1", "ap.sec-1-2", "ap.sec-1-3", "ap.sec-2", "ap.sec-3", "ap.sec-3-1",
        "ap.sec-3-2", "ap.sec-3-3", "ap.sec-4", "ap.sec-4-1", "ap.sec-4-2", "ap.sec-5", "ap.sec-6",
    ]  # fmt: skip
    boxes = [a for a, p in plan.items() if p.kind is ProvisionKind.BOX]
    assert boxes == [
        "ap.sec-1-1.actions", "ap.sec-1-2.actions", "ap.sec-1-3.actions", "ap.sec-2.actions",
        "ap.sec-3-2.cases", "ap.sec-3-3.actions", "ap.sec-4-2.actions", "ap.sec-5.actions",
    ]  # fmt: skip
    assert sum(1 for a, p in plan.items() if p.kind is ProvisionKind.ITEM and ".actions." in a) == 36


def test_anchors_labels_and_pages(plan: dict[str, Provision]) -> None:
    gigafactories = plan["ap.sec-1-2.par-5"]
    assert gigafactories.text.startswith("The establishment of a single AI Gigafactory")
    assert "up to 5 AI Gigafactories" in gigafactories.text
    assert gigafactories.label == "AI Continent Action Plan, section 1.2, paragraph 5"
    assert (gigafactories.page, gigafactories.deep_link) == (9, f"{PDF_URL}#page=9")
    assert gigafactories.parent == "ap.sec-1-2"
    assert gigafactories.heading_path == (
        "AI Continent Action Plan",
        "1. Build large-scale AI data and computing infrastructures across Europe for the AI ecosystem",
        "1.2 Invest in AI Gigafactories",
    )
    assert gigafactories.authority is Authority.POLICY

    introduction = plan["ap.intro.par-1"]
    assert introduction.label == "AI Continent Action Plan, introduction, paragraph 1"
    assert (introduction.page, introduction.parent) == (2, None)
    assert plan["ap.intro.par-13"].text.endswith(
        "in line with the political priorities of the Competitiveness Compass."
    )

    vision = plan["ap.sec-1-2.par-8"]
    assert vision.text == "In line with this vision:"
    bullet = plan["ap.sec-1-2.par-8.item-2"]
    assert bullet.parent == "ap.sec-1-2.par-8"
    assert "published in Q4 2025" in bullet.text
    assert bullet.label == "AI Continent Action Plan, section 1.2, paragraph 8, item 1".replace(
        "item 1", "item 2"
    )


def test_key_actions_with_their_dates(plan: dict[str, Provision]) -> None:
    desk = plan["ap.sec-5.actions.item-1"]
    assert desk.text == "Launch an AI Act Service Desk in the EU AI Office (July 2025);"
    assert desk.label == "AI Continent Action Plan, section 5, Key Commission actions, item 1"
    assert (desk.page, desk.parent, desk.kind) == (24, "ap.sec-5.actions", ProvisionKind.ITEM)
    assert desk.heading_path[-1] == "Key Commission actions"

    investai = plan["ap.sec-1-2.actions.item-2"]
    assert investai.text == "Define the InvestAI Facility with EIBG (Q3/Q4 2025);"
    assert investai.heading_path[-1] == "Key Commission / EuroHPC actions"

    academy = plan["ap.sec-4-2.actions.item-2"]
    assert academy.text == "Launch the AI Skills Academy (Q2 2025), including:"
    sub_item = plan["ap.sec-4-2.actions.item-2.item-3"]
    assert sub_item.text == "a pilot AI apprenticeship programme with industry;"
    assert sub_item.parent == "ap.sec-4-2.actions.item-2"
    assert sub_item.heading_path[-1] == academy.text  # the lead-in gives the sub-item its sense
    assert (
        sub_item.label == "AI Continent Action Plan, section 4.2, Key Commission actions, item 2, sub-item 3"
    )
    assert plan["ap.sec-4-2.actions.item-3"].text.startswith("Organise Advanced Digital Skills Competitions")

    box = plan["ap.sec-5.actions"]
    assert box.text == (
        "Key Commission actions:\n- Launch an AI Act Service Desk in the EU AI Office (July 2025);\n"
        "- Launch, as part of Apply AI Strategy’s public consultation, a process to identify stakeholders’ "
        "regulatory challenges and inform possible further measures to facilitate compliance and possible "
        "simplification of the AI Act (April 2025)."
    )


def test_case_studies_and_the_map(plan: dict[str, Provision]) -> None:
    case = plan["ap.sec-3-2.cases.case-1"]
    assert case.text == "AI Algorithms and Sensor Integration for Robotic Vessels (Estonia)"
    assert case.label == "AI Continent Action Plan, section 3.2, EDIH case 1"
    assert plan["ap.sec-3-2.cases.case-1.par-1"].text.startswith("Mindchip OÜ")
    assert plan["ap.sec-3-2.cases.case-4.par-1"].page == 17

    factories = plan["ap.sec-1-1.map"]
    assert factories.kind is ProvisionKind.FIGURE
    assert factories.label == "AI Continent Action Plan, section 1.1, map of the AI Factories"
    assert "as read from the map" in factories.text and "Annex I" in factories.text
    assert factories.text.count("\n- ") == 13
    assert "LUMI AIF (Kajaani, Finland; host: CSC)" in factories.text
    assert factories.page == 7


def test_text_is_kept_as_the_source_prints_it(plan: dict[str, Provision]) -> None:
    """The glitches of the PDF's text layer stay: a citation quotes what the document says."""
    assert "fragmenation" in plan["ap.sec-1-2.par-4"].text
    assert "markets,–public" in plan["ap.sec-1-2.actions.item-4"].text


def test_every_label_reads_back_as_its_anchor(plan: dict[str, Provision]) -> None:
    for anchor, provision in plan.items():
        assert label_for(anchor) == provision.label
        assert parse_citation(provision.label) == anchor, provision.label
    assert parse_citation("AI Continent Action Plan, COM(2025) 165, section 1.2 (p. 9)") == "ap.sec-1-2"
    assert parse_citation("AI Continent Action Plan, section 1.2, Key Commission actions, item 2") == (
        "ap.sec-1-2.actions.item-2"
    )


# ---------------------------------------------------------------------------------------
# Two routes, one tree: a small communication as a units file and as a PDF

# (kind, text, page, extra): the units of a two-page communication after its cover.
_UNITS = [
    ("paragraph", "The Union wants to lead in AI.", 2, {}),
    ("paragraph", "It will act in two domains:", 2, {}),
    ("heading", "Computing for AI", 2, {"number": "1.", "level": 1}),
    ("paragraph", "Computing power matters.", 2, {}),
    ("heading", "Deploy AI Factories", 2, {"number": "1.1", "level": 2}),
    ("paragraph", "In line with this vision:", 2, {}),
    ("list_item", "a call is launched today;", 2, {"number": "-"}),
    ("list_item", "an official call follows in Q4 2025.", 2, {"number": "-"}),
    ("list_item", "Set up AI Factories (Q2 2025);", 2, {"category": "Box", "box": "Key Commission actions:"}),
    (
        "list_item",
        "Launch the Academy (Q2 2025), including:",
        2,
        {"category": "Box", "box": "Key Commission actions:"},
    ),
    ("list_item", "fellowships;", 2, {"category": "Box", "box": "Key Commission actions:", "number": "o"}),
    ("heading", "Data and cases", 3, {"number": "2.", "level": 1}),
    ("paragraph", "The following examples show hubs at work:", 3, {}),
    ("case", "Robotic Vessels (Estonia)", 3, {}),
    ("paragraph", "A startup tested its vessel.", 3, {"category": "Box"}),
]


def _units_file(path: Path) -> Path:
    sections = []
    for number, (kind, text, page, extra) in enumerate(_UNITS, start=1):
        box = extra.get("box")
        entry = {
            "id": number, "type": "heading" if kind == "case" else kind, "level": extra.get("level", 3),
            "category": "Box" if kind == "case" else extra.get("category", "Body"),
            "path": ["…", box] if box else ["…"], "number": extra.get("number"), "page": page, "text": text,
        }  # fmt: skip
        sections.append(entry)
    path.write_text(json.dumps({"document": {}, "sections": sections}), encoding="utf-8")
    return path


# The same communication as the Commission prints it: a cover, bold numbered headings, a
# bold box title, bullets ("o" for a sub-item), a bold case title, page numbers.
_COVER = [(200, 600, 12, True, "EUROPEAN COMMISSION"), (200, 560, 12, False, "COM(2025) 999 final")]
_PAGE_2 = [
    (72, 760, 12, False, "The Union wants to lead"),
    (72, 744, 12, False, "in AI."),
    (72, 720, 12, False, "It will act in two domains:"),
    (72, 690, 12, True, "1. Computing for AI"),
    (72, 666, 12, False, "Computing power matters."),
    (72, 636, 12, True, "1.1 Deploy AI Factories"),
    (72, 612, 12, False, "In line with this vision:"),
    (90, 596, 12, False, "\x95 a call is launched"),
    (104, 582, 12, False, "today;"),
    (90, 566, 12, False, "\x95 an official call follows in Q4 2025."),
    (72, 536, 12, True, "Key Commission actions:"),
    (90, 512, 12, False, "- Set up AI Factories (Q2 2025);"),
    (90, 496, 12, False, "- Launch the Academy (Q2 2025), including:"),
    (120, 480, 12, False, "o fellowships;"),
    (500, 40, 11, False, "2"),
]
_PAGE_3 = [
    (72, 760, 12, True, "2. Data and cases"),
    (72, 736, 12, False, "The following examples show hubs at work:"),
    (72, 706, 12, True, "Robotic Vessels (Estonia)"),
    (72, 682, 12, False, "A startup tested its vessel."),
    (500, 40, 11, False, "3"),
]


def _tree(provisions: list[Provision]) -> list[tuple]:
    return [(p.anchor, p.kind, p.parent, p.heading_path, p.text, p.page, p.label) for p in provisions]


def test_the_units_file_and_the_pdf_give_one_tree(tmp_path: Path) -> None:
    from_units = communication_provisions(units_from_json(_units_file(tmp_path / "units.json")), DOCUMENT)
    pdf = tmp_path / "communication.pdf"
    pdf.write_bytes(_pdf([_COVER, _PAGE_2, _PAGE_3]))
    from_pdf = communication_provisions(communication_units(pdf), DOCUMENT)
    assert _tree(from_pdf) == _tree(from_units)
    assert [p.anchor for p in from_units] == [
        "ap.intro.par-1", "ap.intro.par-2", "ap.sec-1", "ap.sec-1.par-1", "ap.sec-1-1", "ap.sec-1-1.par-1",
        "ap.sec-1-1.par-1.item-1", "ap.sec-1-1.par-1.item-2", "ap.sec-1-1.actions.item-1",
        "ap.sec-1-1.actions.item-2", "ap.sec-1-1.actions.item-2.item-1", "ap.sec-1-1.actions", "ap.sec-2",
        "ap.sec-2.par-1", "ap.sec-2.cases.case-1", "ap.sec-2.cases.case-1.par-1", "ap.sec-2.cases",
    ]  # fmt: skip
    by_anchor = {p.anchor: p for p in from_pdf}
    assert by_anchor["ap.intro.par-1"].text == "The Union wants to lead in AI."
    assert by_anchor["ap.sec-1-1.par-1.item-1"].text == "a call is launched today;"
    assert by_anchor["ap.sec-1-1.actions"].text == (
        "Key Commission actions:\n- Set up AI Factories (Q2 2025);\n"
        "- Launch the Academy (Q2 2025), including:\n    - fellowships;"
    )


def test_a_broken_units_file_is_refused_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "units.json"
    broken.write_text('{"sections": [{"type": "poem"}]}', encoding="utf-8")
    with pytest.raises(UnitsError, match=str(broken)):
        units_from_json(broken)
    orphan = tmp_path / "orphan.json"
    orphan.write_text(
        json.dumps(
            {
                "sections": [
                    {"type": "list_item", "page": 2, "text": "an item", "category": "Body", "path": []}
                ]
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(UnitsError, match="before any paragraph"):
        communication_provisions(units_from_json(orphan), DOCUMENT)


def test_a_structured_file_without_factories_is_refused(tmp_path: Path, plan: dict[str, Provision]) -> None:
    empty = tmp_path / "structured.json"
    empty.write_text("{}", encoding="utf-8")
    with pytest.raises(UnitsError, match="no AI Factories"):
        map_provision(empty, plan["ap.sec-1-1"])
