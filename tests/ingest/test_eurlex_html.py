"""The EUR-Lex OJ HTML parser, held to the Formex parser on the same act (the OJ text of
Regulation (EU) 2024/1689), plus a small hand-made document and bad input."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import pytest

from desk.settings import SHARED_CORPUS
from desk.types import Authority, Provision, ProvisionKind
from ingest.parse.eurlex_html import EurLexHtmlError, parse_eurlex_html
from ingest.parse.formex import formex_documents, parse_formex
from ingest.parse.structure import ActContext
from ingest.parse.text import normalise_space

HTML = SHARED_CORPUS / "ai-act-2024-1689.en.oj.html"
FORMEX = SHARED_CORPUS / "ai-act-2024-1689.en.fmx4.zip"
CONTEXT = ActContext(
    "ai-act-oj",
    "2024-07-12",
    Authority.BINDING,
    "https://eur-lex.europa.eu/eli/reg/2024/1689/oj/eng",
)
needs_corpus = pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"{SHARED_CORPUS} is absent")


# ---------------------------------------------------------------------------------------
# Known differences. Each one is the Formex parser's, not the HTML's: they are reported
# for a fix in ingest/parse/formex.py. Every entry maps the HTML text onto what the Formex
# parser makes of it, so these provisions are still compared word for word. The test fails
# when a listed anchor no longer differs: then delete its entry.


# Provisions whose Formex and HTML texts differ in the sources themselves (none so far):
# anchor -> a function mapping the HTML text onto what the Formex parse gives.
KNOWN_FORMEX_DIFFERENCES: dict[str, Callable[[str], str]] = {}

COMPARED_FIELDS = ("label", "kind", "parent", "heading_path", "deep_link", "authority")


@pytest.fixture(scope="module")
def formex_provisions() -> list[Provision]:
    return parse_formex(formex_documents(FORMEX), CONTEXT)


@pytest.fixture(scope="module")
def html_provisions() -> list[Provision]:
    return parse_eurlex_html(HTML.read_bytes(), HTML.name, CONTEXT)


def _first_difference(left: Sequence[object], right: Sequence[object]) -> int:
    return next((i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b),
                min(len(left), len(right)))  # fmt: skip


def _show(anchor: str, formex_text: str, html_text: str) -> str:
    at = max(0, _first_difference(formex_text, html_text) - 60)
    return (
        f"{anchor} (from character {at}):\n"
        f"    formex: {formex_text[at : at + 160]!r}\n    html:   {html_text[at : at + 160]!r}"
    )


@pytest.mark.corpus
@needs_corpus
def test_formex_and_html_agree_provision_by_provision(
    formex_provisions: list[Provision], html_provisions: list[Provision]
) -> None:
    formex_anchors = [p.anchor for p in formex_provisions]
    html_anchors = [p.anchor for p in html_provisions]
    if formex_anchors != html_anchors:
        at = _first_difference(formex_anchors, html_anchors)
        pytest.fail(
            f"anchors differ from position {at}: formex {formex_anchors[at : at + 5]}, "
            f"html {html_anchors[at : at + 5]}; only in formex: "
            f"{sorted(set(formex_anchors) - set(html_anchors))[:10]}, only in html: "
            f"{sorted(set(html_anchors) - set(formex_anchors))[:10]}"
        )

    problems: list[str] = []
    differing: set[str] = set()
    for formex, html in zip(formex_provisions, html_provisions, strict=True):
        problems += [
            f"{formex.anchor} {name}: formex {expected!r}, html {got!r}"
            for name in COMPARED_FIELDS
            if (expected := getattr(formex, name)) != (got := getattr(html, name))
        ]
        formex_text, html_text = normalise_space(formex.text), normalise_space(html.text)
        if formex_text == html_text:
            continue
        differing.add(formex.anchor)
        known = KNOWN_FORMEX_DIFFERENCES.get(formex.anchor)
        if known is None or known(html_text) != formex_text:
            problems.append(_show(formex.anchor, formex_text, html_text))

    assert not problems, f"{len(problems)} differences, the first ones:\n" + "\n".join(problems[:6])
    fixed = sorted(set(KNOWN_FORMEX_DIFFERENCES) - differing)
    assert not fixed, f"no longer differ, delete from KNOWN_FORMEX_DIFFERENCES: {fixed}"
    assert len(html_provisions) == 1489


@pytest.mark.corpus
@needs_corpus
def test_html_alone_has_the_whole_act(html_provisions: list[Provision]) -> None:
    kinds = Counter(p.kind for p in html_provisions)
    assert kinds[ProvisionKind.RECITAL] == 180
    assert kinds[ProvisionKind.ARTICLE] == 113
    assert kinds[ProvisionKind.ANNEX] == 13
    definitions = [p.anchor for p in html_provisions if p.parent == "art-3"]
    assert definitions == [f"art-3.pt-{n}" for n in range(1, 69)]

    by_anchor = {p.anchor: p for p in html_provisions}
    assert by_anchor["rct-1"].authority is Authority.INTERPRETIVE
    assert by_anchor["art-5.par-1.pt-h.pt-iii"].label == "Article 5(1)(h)(iii)"
    assert by_anchor["art-5.par-1.pt-h.pt-iii"].deep_link.endswith("#005.001")
    assert by_anchor["art-43.par-1.sub-2.pt-d"].parent == "art-43.par-1.sub-2"
    assert by_anchor["art-113.pt-c"].text.startswith("Article 6(1) and the corresponding")
    assert by_anchor["anx-VII.pt-3.1"].parent == "anx-VII.pt-3"
    assert by_anchor["anx-XI.sec-1"].heading_path[-1] == (
        "Section 1 Information to be provided by all providers of general-purpose AI models"
    )
    assert "EUR 35 000 000" in normalise_space(by_anchor["art-99.par-3"].text)


# ---------------------------------------------------------------------------------------
# A hand-made document in EUR-Lex's markup: the mapping without the corpus


def _p(text: str, css: str = "oj-normal") -> str:
    return f'<p class="{css}">{text}</p>'


def _point(number: str, *content: str) -> str:
    cells = f"<td>{_p(number)}</td><td>{''.join(content)}</td>"
    return f"<table><tbody><tr>{cells}</tr></tbody></table>"


_NOTE = '<a id="ntc1-X" href="#ntr1-X">(<span class="oj-super oj-note-tag">1</span>)</a>'
_NBSP = "\u00a0\u00a0\u00a0"
SMALL = f"""<?xml version="1.0" encoding="UTF-8"?><html><head><title>t</title></head><body>
<div class="eli-subdivision" id="rct_1">{_point("(1)", _p(f"Why it is so {_NOTE}."))}</div>
<div class="eli-subdivision" id="enc_1"><div id="cpt_I">{_p("CHAPTER I", "oj-ti-section-1")}
<div class="eli-title">{_p("<span>GENERAL PROVISIONS</span>", "oj-ti-section-2")}</div>
<div class="eli-subdivision" id="art_1">{_p("Article 1", "oj-ti-art")}
<div class="eli-title" id="art_1.tit_1">{_p("Scope", "oj-sti-art")}</div>
<div id="001.001">{_p(f"1.{_NBSP}It applies to:")}
{_point("(a)", _p("providers, in particular:"), _point("(i)", _p("small ones;")))}
{_point("(b)", _p("deployers."))}</div>
<div id="001.002">{_p(f"2.{_NBSP}It does not apply to:")}{_point("—", _p("hobbyists."))}</div>
</div></div></div>
<div class="eli-container" id="anx_I">{_p("ANNEX I", "oj-doc-ti")}{_p("Lists", "oj-doc-ti")}
{_p("Section A. First list", "oj-ti-grseq-1")}{_point("1.", _p("One;"))}
{_p(f"3.{_NBSP}Procedure", "oj-ti-grseq-2")}
{_point("3.1.", _p("Apply:"), _point("(a)", _p("early.")))}
</div></body></html>""".encode()


def test_small_document_maps_onto_anchors() -> None:
    provisions = parse_eurlex_html(SMALL, "small.html", CONTEXT)

    assert [(p.anchor, p.label, p.parent) for p in provisions] == [
        ("rct-1", "Recital 1", None),
        ("art-1", "Article 1", None),
        ("art-1.par-1", "Article 1(1)", "art-1"),
        ("art-1.par-1.pt-a", "Article 1(1)(a)", "art-1.par-1"),
        ("art-1.par-1.pt-a.pt-i", "Article 1(1)(a)(i)", "art-1.par-1.pt-a"),
        ("art-1.par-1.pt-b", "Article 1(1)(b)", "art-1.par-1"),
        ("art-1.par-2", "Article 1(2)", "art-1"),
        ("anx-I", "Annex I", None),
        ("anx-I.sec-A", "Annex I, Section A", "anx-I"),
        ("anx-I.sec-A.pt-1", "Annex I, Section A, point 1", "anx-I.sec-A"),
        ("anx-I.sec-A.pt-3", "Annex I, Section A, point 3", "anx-I.sec-A"),
        ("anx-I.sec-A.pt-3.1", "Annex I, Section A, point 3.1", "anx-I.sec-A.pt-3"),
        ("anx-I.sec-A.pt-3.1.pt-a", "Annex I, Section A, point 3.1(a)", "anx-I.sec-A.pt-3.1"),
    ]
    by_anchor = {p.anchor: p for p in provisions}
    assert by_anchor["rct-1"].text == "Why it is so."
    assert by_anchor["art-1"].heading_path == (
        "Chapter I — General provisions",
        "Article 1 — Scope",
    )
    assert by_anchor["art-1.par-1"].text == (
        "It applies to:\n(a) providers, in particular:\n(i) small ones;\n(b) deployers."
    )
    assert by_anchor["art-1.par-1"].deep_link == f"{CONTEXT.deep_link_base}#001.001"
    assert by_anchor["art-1.par-2"].text == "It does not apply to:\nhobbyists."
    assert by_anchor["anx-I.sec-A.pt-3"].heading_path[1:] == (
        "Section A. First list",
        "3. Procedure",
    )
    assert by_anchor["anx-I.sec-A.pt-3"].text == "3.1. Apply:\n(a) early."


# ---------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
        bytes(range(256)) * 8,
        b'<?xml version="1.0"?><ACT><ARTICLE IDENTIFIER="001"/></ACT>',
        b"<html><body><p>No act in here.</p></body></html>",
    ],
    ids=["empty", "pdf", "binary", "formex", "structure-less"],
)
def test_not_eurlex_html_raises_naming_the_file(data: bytes) -> None:
    with pytest.raises(EurLexHtmlError, match=re.escape("odd-input.html")) as raised:
        parse_eurlex_html(data, "odd-input.html", CONTEXT)
    assert "\n" not in str(raised.value)


@pytest.mark.corpus
@needs_corpus
@pytest.mark.parametrize("keep", [5_000, 1_100_000], ids=["head", "cut-in-the-annexes"])
def test_truncated_html_raises_naming_the_file(keep: int) -> None:
    data = HTML.read_bytes()[:keep]
    with pytest.raises(EurLexHtmlError, match=re.escape(HTML.name)) as raised:
        parse_eurlex_html(data, HTML.name, CONTEXT)
    assert "truncated" in str(raised.value)
    assert "\n" not in str(raised.value)
