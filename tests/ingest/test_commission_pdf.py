"""Commission PDFs into provisions: the two guidelines of the corpus, and small PDFs made here."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from desk.settings import default_corpus_dir
from desk.types import Authority, Provision, ProvisionKind, Reference
from ingest.parse.commission_pdf import PdfParseError, parse_commission_pdf

CORPUS = default_corpus_dir()
GL_5052 = "guidelines-prohibited-ai-practices-c-2025-5052.en.pdf"
GL_5053 = "guidelines-ai-system-definition-c-2025-5053.en.pdf"
URL = "https://example.eu/guidelines.pdf"


def _parse(path: Path, prefix: str = "gl-test", title: str = "Test guidelines") -> list[Provision]:
    return parse_commission_pdf(
        path,
        source_id=prefix,
        prefix=prefix,
        title=title,
        version="2025-07-29",
        authority=Authority.GUIDANCE,
        url=URL,
    )


def _refused(path: Path) -> str:
    """The one-line message with which the parser refuses `path`, naming it."""
    with pytest.raises(PdfParseError) as refused:
        _parse(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    return message


def _corpus_file(name: str) -> Path:
    if CORPUS is None or not (CORPUS / name).is_file():
        pytest.skip(f"the corpus file {name} is not available")
    return CORPUS / name


@pytest.fixture(scope="module")
def gl_5052_in_order() -> list[Provision]:
    return _parse(_corpus_file(GL_5052), "gl-5052", "Guidelines C(2025) 5052")


@pytest.fixture(scope="module")
def gl_5053_in_order() -> list[Provision]:
    return _parse(_corpus_file(GL_5053), "gl-5053", "Guidelines C(2025) 5053")


@pytest.fixture(scope="module")
def gl_5052(gl_5052_in_order: list[Provision]) -> dict[str, Provision]:
    return {provision.anchor: provision for provision in gl_5052_in_order}


@pytest.fixture(scope="module")
def gl_5053(gl_5053_in_order: list[Provision]) -> dict[str, Provision]:
    return {provision.anchor: provision for provision in gl_5053_in_order}


def _paragraphs(provisions: dict[str, Provision]) -> list[Provision]:
    return [p for p in provisions.values() if p.kind is ProvisionKind.PARAGRAPH]


def _sections(provisions: dict[str, Provision]) -> list[str]:
    return [a.split(".sec-")[1] for a, p in provisions.items() if p.kind is ProvisionKind.SECTION]


# ---------------------------------------------------------------------------------------
# The guidelines of the corpus


@pytest.mark.corpus
@pytest.mark.parametrize(("document", "count"), [("gl_5052", 433), ("gl_5053", 64)])
def test_paragraphs_are_numbered_as_printed(document: str, count: int, request) -> None:
    provisions = request.getfixturevalue(document)
    paragraphs = _paragraphs(provisions)
    prefix = document.replace("_", "-")
    assert [p.anchor for p in paragraphs] == [f"{prefix}.par-{n}" for n in range(1, count + 1)]
    assert paragraphs[41].label.endswith(", paragraph 42")
    pages = [p.page for p in paragraphs]
    assert pages == sorted(pages)
    assert all(p.deep_link == f"{URL}#page={p.page}" for p in paragraphs)
    assert all(p.text and not p.text.startswith("(") for p in paragraphs[:5])


@pytest.mark.corpus
def test_sections_of_the_prohibited_practices_guidelines(gl_5052: dict[str, Provision]) -> None:
    sections = _sections(gl_5052)
    assert [s for s in sections if "." not in s] == [str(n) for n in range(1, 13)]
    assert {"2.1", "2.5.5", "3.2.1", "4.2.3", "9.3.4", "10.2.2.5", "10.8"} <= set(sections)
    assert len(sections) == len(set(sections))  # the table of contents adds none
    section = gl_5052["gl-5052.sec-3.2.1"]
    assert section.text == "3.2.1. Subliminal, purposefully manipulative or deceptive techniques"
    assert section.parent == "gl-5052.sec-3.2"
    assert section.label == "Guidelines C(2025) 5052, section 3.2.1"
    assert gl_5052["gl-5052.sec-1"].parent is None
    assert gl_5052["gl-5052.sec-1"].page == 6  # after the cover and four contents pages


@pytest.mark.corpus
def test_sections_of_the_ai_system_guidelines(gl_5053: dict[str, Provision]) -> None:
    sections = _sections(gl_5053)
    assert sections == [
        "I",
        "II",
        "II.1",
        "II.2",
        "II.3",
        "II.4",
        "II.5",
        "II.5.1",
        "II.5.2",
        "II.6",
        "II.7",
        "III",
    ]
    assert gl_5053["gl-5053.sec-II.5.1"].parent == "gl-5053.sec-II.5"
    assert gl_5053["gl-5053.sec-II.1"].text == "1. Machine-based system"


@pytest.mark.corpus
def test_text_of_prohibited_practices_paragraphs(gl_5052: dict[str, Provision]) -> None:
    first = gl_5052["gl-5052.par-1"]
    assert first.text.startswith("Regulation (EU) 2024/1689 of the European Parliament and the")
    assert "(‘the AI Act’) entered into force on 1 August 2024" in first.text  # footnote 1 gone
    assert first.text.endswith("including democracy and the rule of law.")
    assert first.page == 6
    assert first.parent == "gl-5052.sec-1"
    assert first.heading_path == ("Guidelines C(2025) 5052", "1. Background and objectives")

    risk_categories = gl_5052["gl-5052.par-2"].text
    assert "risk categories:\n(i) Unacceptable risk:" in risk_categories
    assert "\n(iv) Minimal to no risk:" in risk_categories
    assert risk_categories.endswith("voluntary codes of conduct.")

    across_pages = gl_5052["gl-5052.par-6"].text
    assert "civil society organisations, academia, public authorities, business associations" in (
        across_pages
    )

    subliminal = gl_5052["gl-5052.par-64"]
    assert subliminal.text.startswith("While the AI Act does not define ‘subliminal techniques’")
    assert subliminal.text.endswith("impairing individual autonomy, agency and free choice.")
    assert subliminal.parent == "gl-5052.sec-3.2.1"
    assert subliminal.heading_path[-2:] == (
        "3.2.1. Subliminal, purposefully manipulative or deceptive techniques",
        "a) Subliminal techniques",
    )

    last = gl_5052["gl-5052.par-433"]
    assert last.text.startswith("The Commission will review these Guidelines as soon as")
    assert last.text.endswith("by responding to future calls for public consultation.")
    assert last.page >= 130
    assert last.parent == "gl-5052.sec-12"


@pytest.mark.corpus
def test_text_of_ai_system_paragraphs(gl_5053: dict[str, Provision]) -> None:
    definition = gl_5053["gl-5053.par-8"].text
    assert definition.startswith("Article 3 (1) of the AI Act defines an AI system as follows:")
    assert "“‘AI system’ means a machine-based system that is designed" in definition
    lifecycle = gl_5053["gl-5053.par-10"].text
    assert "the pre-deployment or ‘building’ phase" in lifecycle  # real hyphens stay
    assert "‘use’ phase of the system. The seven" in lifecycle  # footnote 4 gone
    machine = gl_5053["gl-5053.par-11"]
    assert machine.parent == "gl-5053.sec-II.1"
    assert machine.heading_path == (
        "Guidelines C(2025) 5053",
        "II. Objective and main elements of the AI system definition",
        "1. Machine-based system",
    )
    assert gl_5053["gl-5053.par-64"].text.startswith("The AI Act also applies to general-purpose")
    assert gl_5053["gl-5053.par-64"].page == 13


@pytest.mark.corpus
def test_no_page_furniture_or_footnotes_in_text(
    gl_5052: dict[str, Provision], gl_5053: dict[str, Provision]
) -> None:
    furniture = ("EN EN", "C(2025) 5052 final", "CONTENTS", "......", "OJ L, 2024/1689", "https://")
    for provision in [*gl_5052.values(), *gl_5053.values()]:
        assert not any(text in provision.text for text in furniture), provision.anchor
    assert "Recital 29 AI Act" not in gl_5052["gl-5052.par-64"].text  # its footnote 53
    assert not any(p.page in {2, 3, 4, 5} for p in gl_5052.values())  # contents pages


@pytest.mark.corpus
def test_anchors_are_unique(gl_5052_in_order: list[Provision], gl_5053_in_order: list[Provision]) -> None:
    anchors = [p.anchor for p in [*gl_5052_in_order, *gl_5053_in_order]]
    assert len(anchors) == len(set(anchors))


@pytest.mark.corpus
def test_references_are_read_from_the_text(
    gl_5052: dict[str, Provision], gl_5053: dict[str, Provision]
) -> None:
    assert gl_5053["gl-5053.par-2"].references == (Reference(text="Article 3(1) AI Act"),)
    assert Reference(text="recital 12 AI Act") in gl_5053["gl-5053.par-6"].references
    overview = gl_5052["gl-5052.par-8"].references
    assert Reference(text="Recital 28 AI Act") in overview
    assert Reference(text="Article 5 AI Act") in overview
    assert Reference(text="Annexes I and III AI Act") in gl_5052["gl-5052.par-2"].references
    assert all(reference.anchor is None for reference in overview)


@pytest.mark.corpus
def test_a_truncated_pdf_is_refused(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(_corpus_file(GL_5053).read_bytes()[:10_240])
    _refused(truncated)


# ---------------------------------------------------------------------------------------
# Small PDFs written here: (x, y, font size, bold, text) per line, on A4 pages

_Item = tuple[float, float, float, bool, str]

COVER: list[_Item] = [
    (200, 600, 12, True, "COMMUNICATION FROM THE COMMISSION"),
    (72, 40, 24, True, "EN"),
]
SECTIONS_PAGE: list[_Item] = [
    (72, 760, 12, True, "1. INTRODUCTION"),
    (72, 738, 12, False, "(1) The AI Act applies to providers and deployers of AI systems"),
    (100, 722, 12, False, "placed on the market in the Union."),
    (272, 726.6, 8, False, "1"),  # footnote reference, raised and small
    (72, 700, 12, False, "(2) The prohibitions apply from 2 February 2025. They cover"),
    (100, 684, 12, False, "machine-"),
    (100, 668, 12, False, "based systems and their use in the Union:"),
    (100, 646, 12, False, "(a) by public authorities;"),
    (100, 624, 12, False, "(b) by private persons."),
    (100, 608, 12, False, "This paragraph continues"),
    (72, 100, 8, False, "1 Regulation (EU) 2024/1689, OJ L, 2024/1689, 12.7.2024."),
    (500, 40, 11, False, "1"),
]
OWN_TEXT_PAGE: list[_Item] = [
    (100, 760, 12, False, "on the next page, as set out in Article 5(1)(a) AI Act."),
    (72, 730, 12, True, "2. A SECTION WITHOUT"),
    (86, 714, 12, True, "NUMBERED PARAGRAPHS"),
    (72, 690, 12, False, "A first block of text that refers to recital 28 and Annex III"),
    (72, 674, 12, False, "and goes on."),
    (72, 650, 12, False, "A second block."),
    (72, 620, 12, True, "2.1 Subsection"),
    (72, 598, 12, False, "Its only block."),
    (500, 40, 11, False, "2"),
]


def _pdf(pages: list[list[_Item]]) -> bytes:
    writer = PdfWriter()
    fonts = DictionaryObject(
        {NameObject("/F1"): _font("Helvetica"), NameObject("/F2"): _font("Helvetica-Bold")}
    )
    for items in pages:
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        content = DecodedStreamObject()
        content.set_data(
            "".join(
                f"BT /{'F2' if bold else 'F1'} {size} Tf 1 0 0 1 {x} {y} Tm ({text}) Tj ET\n"
                for x, y, size, bold, text in items
            ).encode("latin-1")
        )
        page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _font(name: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(f"/{name}"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def test_a_small_pdf_into_sections_and_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "communication.pdf"
    path.write_bytes(_pdf([COVER, SECTIONS_PAGE, OWN_TEXT_PAGE]))
    provisions = {p.anchor: p for p in _parse(path)}
    assert list(provisions) == [
        "gl-test.sec-1",
        "gl-test.par-1",
        "gl-test.par-2",
        "gl-test.sec-2",
        "gl-test.sec-2.1",
    ]

    first = provisions["gl-test.par-1"]
    assert first.text == (
        "The AI Act applies to providers and deployers of AI systems placed on the market in the Union."
    )
    assert (first.page, first.deep_link, first.parent) == (2, f"{URL}#page=2", "gl-test.sec-1")
    assert first.heading_path == ("Test guidelines", "1. Introduction")
    assert first.label == "Test guidelines, paragraph 1"

    second = provisions["gl-test.par-2"]
    assert second.text == (
        "The prohibitions apply from 2 February 2025. They cover machine-based systems and their "
        "use in the Union:\n(a) by public authorities;\n(b) by private persons. This paragraph "
        "continues on the next page, as set out in Article 5(1)(a) AI Act."
    )
    assert second.references == (Reference(text="Article 5(1)(a) AI Act"),)

    own_text = provisions["gl-test.sec-2"]
    assert own_text.kind is ProvisionKind.SECTION
    assert own_text.text == (
        "2. A section without numbered paragraphs\n\n"
        "A first block of text that refers to recital 28 and Annex III and goes on.\n\n"
        "A second block."
    )
    assert own_text.references == (Reference(text="recital 28"), Reference(text="Annex III"))
    assert (own_text.page, own_text.parent, own_text.heading_path) == (
        3,
        None,
        ("Test guidelines",),
    )
    subsection = provisions["gl-test.sec-2.1"]
    assert subsection.text == "2.1 Subsection\n\nIts only block."
    assert subsection.parent == "gl-test.sec-2"
    assert subsection.label == "Test guidelines, section 2.1"
    assert subsection.heading_path == (
        "Test guidelines",
        "2. A section without numbered paragraphs",
    )


def test_a_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(random.Random(5052).randbytes(8192))
    _refused(corrupt)


def test_a_cut_pdf_is_refused(tmp_path: Path) -> None:
    whole = _pdf([COVER, SECTIONS_PAGE, OWN_TEXT_PAGE])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    _refused(cut)


def test_a_pdf_without_numbered_structure_is_refused(tmp_path: Path) -> None:
    blank = tmp_path / "cover-only.pdf"
    blank.write_bytes(_pdf([COVER]))
    assert "no numbered sections" in _refused(blank)
