"""EUR-Lex OJ HTML (the act as EUR-Lex serves it) into provisions.

EUR-Lex makes this HTML from the Formex (the CONVEX converter), so the same units can be
read back from it; they come out as `ingest.parse.formex` makes them (same anchors, labels,
parents, heading paths and words), which is what the cross-check test holds it to:

    div#rct_N  table (N) | text               recitals            rct-N
    div#enc_1 / div#cpt_R / div#cpt_R.sct_N   chapters, sections  (heading path)
      div#art_N  p.oj-ti-art, p.oj-sti-art    articles            art-N
        div#NNN.MMM  "1.   text", p, table    paragraphs          art-N.par-1
        p (with the tables after it)          unnumbered paragraphs, when several: art-N.sub-K
          table  td "(a)" | td text            points (tables in the text cell: pt-a.pt-i)
    div#anx_R  p.oj-doc-ti "ANNEX R", title   annexes             anx-III
      p.oj-ti-grseq-1 "Section A …"           annex sections      anx-I.sec-A
      p.oj-ti-grseq-1 "1.   Introduction"     numbered groups     anx-VII.pt-1
      table / div.oj-enumeration-spacing      annex points        anx-III.pt-4.pt-a, anx-VII.pt-3.1

Annexes are flat in the HTML: a group runs from its heading to the next heading of the
same level. A heading split over two paragraphs ("Section 1", then its title) is one
heading. Footnote markers (a#ntc…) and footnote texts (p.oj-note) are not text; nor
is a dash list's "—" (Formex has none). Points that an amending provision quotes
("… are inserted: ‘(14a) … (14b) …’") are its text, not provisions, as in Formex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from desk.types import Provision, ProvisionKind
from ingest.parse.structure import ActContext, ProvisionCollector, point_number, sub_anchor
from ingest.parse.text import clean_heading, normalise_space

Element = lxml.html.HtmlElement


class EurLexHtmlError(ValueError):
    """EUR-Lex HTML that cannot be read as the act it claims to be."""


_RECITAL_ID = re.compile(r"^rct_(\d+)$")
_ARTICLE_ID = re.compile(r"^art_\d+[a-z]*$")
_DIVISION_ID = re.compile(r"^cpt_[IVXL]+(?:\.sct_\d+)?$")
_ANNEX_ID = re.compile(r"^anx_[IVXL]+$")
_PARAGRAPH_ID = re.compile(r"^\d{3}\.\d{3}$")
_PARAGRAPH_NUMBER = re.compile(r"^\s*(\d{1,3}[a-z]{0,2})\.\s+")
_GROUP_HEADING = re.compile(r"^oj-ti-grseq-(\d)$")
_DASH = re.compile(r"^[—–-]$")
_NUMBER_ONLY = re.compile(r"^(?:\(?[0-9a-z.]{1,8}\)?\.?|[—–-])$")
_LEADING_NUMBER = re.compile(r"^(\(?[0-9a-z.]{1,8}\)|[0-9a-z.]{1,8}\.)\s")
_QUOTE_END = re.compile(r"’[.;,]?$")
_BLOCK_TAGS = {"p", "div", "table", "tbody", "tr", "td", "th", "ul", "ol", "li"}


# ---------------------------------------------------------------------------------------
# Text


def _is_note(element: Element) -> bool:
    """A footnote text, or the marker that calls it."""
    marker = element.tag == "a" and (element.get("id") or "").startswith("ntc")
    return marker or "oj-note" in _classes(element)


def _lines(element: Element) -> list[str]:
    """Render an element as lines: a line per block, a point's number before its text."""
    lines: list[str] = []
    current: list[str] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str) or _is_note(child):
            if isinstance(child.tag, str):  # "Council (12);" reads "Council;" as in Formex
                current[:] = ["".join(current).rstrip()]
            current.append(child.tail or "")
            continue
        if child.tag in _BLOCK_TAGS:
            _flush(current, lines)
            lines.extend(_block_lines(child))
        elif child.tag == "br":
            current.append(" ")
        elif "oj-super" in _classes(child):
            current.append("^" + normalise_space(" ".join(_lines(child))))  # 10^25, as in Formex
        elif child.tag not in {"script", "style", "hr"}:
            current.append(normalise_space(" ".join(_lines(child))))
        current.append(child.tail or "")
    _flush(current, lines)
    return lines


def _block_lines(element: Element) -> list[str]:
    numbered = _numbered(element)
    if numbered is None:
        return _lines(element)
    number, content = numbered
    lines = _text_lines(content)
    if _DASH.match(number):  # a dash is the list's style, not text (Formex has no dash)
        return lines
    return [f"{number} {lines[0]}", *lines[1:]] if lines else [number]


def _flush(current: list[str], lines: list[str]) -> None:
    line = normalise_space("".join(current))
    if line:
        lines.append(line)
    current.clear()


def _text_lines(elements: Iterable[Element]) -> list[str]:
    return [line for element in elements for line in _block_lines(element)]


def block_text(elements: Iterable[Element]) -> str:
    """The words of a run of blocks, a line per block (paragraph, point)."""
    return "\n".join(_text_lines(elements))


def inline_text(element: Element) -> str:
    return normalise_space(" ".join(_lines(element)))


# ---------------------------------------------------------------------------------------
# Numbered blocks: a point is a table `(a) | text`, or in some annexes a div of paragraphs


def _numbered(element: Element) -> tuple[str, list[Element]] | None:
    """The number and the content blocks of a numbered block, or None for any other block."""
    if element.tag == "table":
        rows = element.xpath("./tr | ./tbody/tr")
        cells = rows[0].xpath("./td") if len(rows) == 1 else []
        while len(cells) > 2 and not len(cells[0]) and not (cells[0].text or "").strip():
            cells.pop(0)  # an empty indent cell (Annex I)
        if len(cells) == 2 and _NUMBER_ONLY.match(number := inline_text(cells[0])):
            return number, [cells[1]]
    elif "oj-enumeration-spacing" in _classes(element):
        blocks = _children(element)
        if blocks and _NUMBER_ONLY.match(number := inline_text(blocks[0])):
            return number, blocks[1:]
    return None


def _points_in(elements: Iterable[Element]) -> Iterator[tuple[str, list[Element]]]:
    """The numbered points directly in a run of blocks: not those nested in a point, nor
    those an amending provision quotes ("… are inserted: ‘(14a) … (14b) …’"), as in Formex."""
    quoted, previous = False, ""
    for element in elements:
        if not isinstance(element.tag, str):
            continue
        text = inline_text(element)
        if quoted or (text.startswith("‘") and previous.endswith(":")):
            quoted, previous = not _QUOTE_END.search(text), text
            continue
        previous = text
        if (numbered := _numbered(element)) is not None:
            number = point_number(numbered[0])
            if number is not None:
                yield number, numbered[1]
        elif element.tag == "td":  # the text cell of a point: its own sub-points
            yield from _points_in(element)


def _alineas(elements: Sequence[Element]) -> list[list[Element]]:
    """Unnumbered paragraphs: each `p` starts one, the point tables after it belong to it."""
    alineas: list[list[Element]] = []
    for element in elements:
        if element.tag == "p" or not alineas:
            alineas.append([])
        alineas[-1].append(element)
    return alineas


# ---------------------------------------------------------------------------------------
# Structure


@dataclass
class _Group:
    """An annex group: its heading paragraphs and what follows up to the next heading."""

    level: int
    heading: list[Element]
    body: list[Element | _Group] = field(default_factory=list)

    def blocks(self) -> Iterator[Element]:
        for item in self.body:
            yield from ([*item.heading, *item.blocks()] if isinstance(item, _Group) else [item])


class _Builder:
    """Walks one EUR-Lex OJ HTML document and collects its provisions in document order."""

    def __init__(self, context: ActContext, name: str):
        self.context = context
        self.name = name
        self.collector = ProvisionCollector(context, name, EurLexHtmlError)
        self.add = self.collector.add

    @property
    def provisions(self) -> list[Provision]:
        return self.collector.provisions

    # -- recitals ------------------------------------------------------------------------
    def recitals(self, root: Element) -> None:
        for div in root.iter("div"):
            if not _RECITAL_ID.match(div.get("id") or ""):
                continue
            numbered = next((_numbered(t) for t in div.iter("table")), None)
            number = (numbered[0] if numbered else "").strip("() ")
            if numbered is None or not number.isdigit():
                raise EurLexHtmlError(f"{self.name}: recital {div.get('id')} without a number")
            self.add(f"rct-{int(number)}", ProvisionKind.RECITAL, None, ("Recitals",),
                     normalise_space(block_text(numbered[1])), div.get("id"))  # fmt: skip

    # -- enacting terms --------------------------------------------------------------------
    def division(self, element: Element, path: tuple[str, ...]) -> None:
        for child in _children(element):
            identifier = child.get("id") or ""
            if _DIVISION_ID.match(identifier):
                self.division(child, (*path, _division_heading(child)))
            elif _ARTICLE_ID.match(identifier):
                self.article(child, path)

    def article(self, div: Element, path: tuple[str, ...]) -> None:
        title = _first(div, "oj-ti-art")
        number = inline_text(title).removeprefix("Article").strip() if title is not None else ""
        if not number:
            raise EurLexHtmlError(f"{self.name}: {div.get('id')} has no article number")
        title_div = _first(div, "eli-title")
        subtitle = clean_heading(inline_text(title_div)) if title_div is not None else ""
        heading = f"Article {number} — {subtitle}" if subtitle else f"Article {number}"
        anchor, fragment, article_path = f"art-{number}", f"art_{number}", (*path, heading)
        body = [c for c in _children(div) if c is not title and c is not title_div]
        self.add(anchor, ProvisionKind.ARTICLE, None, article_path, block_text(body), fragment)
        paragraphs = [c for c in body if _PARAGRAPH_ID.match(c.get("id") or "")]
        for paragraph in paragraphs:
            self.paragraph(paragraph, anchor, article_path)
        alineas = _alineas([c for c in body if c not in paragraphs])
        for position, alinea in enumerate(alineas, start=1):
            parent = anchor
            if len(alineas) > 1:
                parent = self.add(f"{anchor}.sub-{position}", ProvisionKind.SUBPARAGRAPH,
                                  anchor, article_path, block_text(alinea), fragment)  # fmt: skip
            self.points(alinea, anchor, parent, article_path, fragment)

    def paragraph(self, div: Element, article: str, path: tuple[str, ...]) -> None:
        blocks = _children(div)
        lines = _text_lines(blocks)
        found = _PARAGRAPH_NUMBER.match(lines[0] if lines else "")
        if found is None:
            raise EurLexHtmlError(f"{self.name}: paragraph {div.get('id')} has no number")
        anchor, fragment = f"{article}.par-{found.group(1)}", div.get("id")
        lines[0] = lines[0][found.end() :]
        self.add(anchor, ProvisionKind.PARAGRAPH, article, path, "\n".join(lines), fragment)
        alineas = _alineas(blocks)
        numbers = [number for alinea in alineas for number, _ in _points_in(alinea)]
        if len(numbers) == len(set(numbers)):
            self.points(blocks, anchor, anchor, path, fragment)
            return
        # Two subparagraphs with their own points (a), (b): "Article 43(1), first
        # subparagraph, point (a)" needs the subparagraph in the anchor.
        for position, alinea in enumerate(alineas, start=1):
            alinea_lines = _text_lines(alinea)
            if position == 1:
                alinea_lines[0] = alinea_lines[0][found.end() :]
            sub = self.add(f"{anchor}.sub-{position}", ProvisionKind.SUBPARAGRAPH, anchor,
                           path, "\n".join(alinea_lines), fragment)  # fmt: skip
            self.points(alinea, sub, sub, path, fragment)

    def points(self, blocks: Iterable[Element], base: str, parent: str,
               path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        for number, content in _points_in(blocks):
            anchor = self.add(f"{base}.pt-{number}", ProvisionKind.POINT, parent, path,
                              block_text(content), fragment)  # fmt: skip
            self.points(content, anchor, anchor, path, fragment)

    # -- annexes ---------------------------------------------------------------------------
    def annex(self, div: Element) -> None:
        titles = [c for c in _children(div) if "oj-doc-ti" in _classes(c)]
        found = re.match(r"ANNEX\s+([IVXL]+)\b\s*(.*)", inline_text(titles[0]) if titles else "")
        if not found:
            raise EurLexHtmlError(f"{self.name}: {div.get('id')} has no roman number")
        number = found.group(1)
        subtitle = clean_heading(" ".join([found.group(2), *map(inline_text, titles[1:])]))
        heading = f"Annex {number} — {subtitle}" if subtitle else f"Annex {number}"
        anchor, fragment = f"anx-{number}", f"anx_{number}"
        contents = _annex_groups([c for c in _children(div) if c not in titles])
        self.add(anchor, ProvisionKind.ANNEX, None, (heading,),
                 block_text(contents.blocks()), fragment)  # fmt: skip
        self.annex_body(contents.body, anchor, anchor, (heading,), fragment)

    def annex_body(self, items: Iterable[Element | _Group], base: str, parent: str,
                   path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        for item in items:
            if isinstance(item, _Group):
                self.annex_group(item, base, parent, path, fragment)
                continue
            for number, content in _points_in([item]):
                anchor = self.add(sub_anchor(base, number), ProvisionKind.POINT, parent,
                                  path, block_text(content), fragment)  # fmt: skip
                self.annex_body(content, anchor, anchor, path, fragment)

    def annex_group(self, group: _Group, base: str, parent: str,
                    path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        heading = clean_heading(" ".join(inline_text(p) for p in group.heading))
        leading = _LEADING_NUMBER.match(inline_text(group.heading[0]) + " ")
        section = re.match(r"Section\s+([A-Z0-9])\b", heading)
        if leading and (number := point_number(leading.group(1))):
            anchor, kind = sub_anchor(base, number), ProvisionKind.POINT
        elif section:
            anchor, kind = f"{base}.sec-{section.group(1)}", ProvisionKind.SECTION
        else:  # an unnumbered group: its content belongs to the enclosing unit
            self.annex_body(group.body, base, parent, path, fragment)
            return
        group_path = (*path, heading)
        self.add(anchor, kind, parent, group_path, block_text(group.blocks()), fragment)
        self.annex_body(group.body, anchor, anchor, group_path, fragment)


def _annex_groups(blocks: list[Element]) -> _Group:
    """Nest the flat annex blocks under their group headings (oj-ti-grseq-N)."""
    root = _Group(0, [])
    open_groups = [root]
    for block in blocks:
        level = _heading_level(block)
        if not level:
            open_groups[-1].body.append(block)
            continue
        current = open_groups[-1]
        if current.level == level and not current.body:  # "Section 1" then its title
            current.heading.append(block)
            continue
        while open_groups[-1].level >= level:
            open_groups.pop()
        group = _Group(level, [block])
        open_groups[-1].body.append(group)
        open_groups.append(group)
    return root


def _heading_level(block: Element) -> int:
    """N for an annex group heading (p.oj-ti-grseq-N), 0 for any other block."""
    found = (_GROUP_HEADING.match(c) for c in _classes(block))
    return next((int(m.group(1)) for m in found if m), 0)


def _division_heading(div: Element) -> str:
    number = _first(div, "oj-ti-section-1")
    title = _first(div, "eli-title")
    number_text = clean_heading(inline_text(number)) if number is not None else ""
    name = clean_heading(inline_text(title)) if title is not None else ""
    return f"{number_text} — {name}" if name else number_text


def _children(element: Element) -> list[Element]:
    """The element children that carry structure (not comments, not footnote texts)."""
    return [c for c in element if isinstance(c.tag, str) and not _is_note(c)]


def _classes(element: Element) -> list[str]:
    return (element.get("class") or "").split()


def _first(element: Element, css_class: str) -> Element | None:
    return next((c for c in _children(element) if css_class in _classes(c)), None)


# ---------------------------------------------------------------------------------------
# Entry point


def read_html(data: bytes, name: str) -> Element:
    """The document root of EUR-Lex HTML; EurLexHtmlError if it is not HTML or cut short."""
    head = data[:4096].lstrip().lower()
    if b"<html" not in head:
        raise EurLexHtmlError(f"{name}: not an HTML document")
    if not re.search(rb"</html\s*>\s*\Z", data[-4096:], re.IGNORECASE):
        raise EurLexHtmlError(f"{name}: truncated HTML (no closing </html>)")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise EurLexHtmlError(f"{name}: unreadable HTML ({error})") from error


def parse_eurlex_html(data: bytes, name: str, context: ActContext) -> list[Provision]:
    """Parse the EUR-Lex OJ HTML of an act into provisions, as the Formex parser would."""
    root = read_html(data, name)
    builder = _Builder(context, name)
    enacting = [d for d in root.iter("div") if d.get("id") == "enc_1"]
    annexes = [d for d in root.iter("div") if _ANNEX_ID.match(d.get("id") or "")]
    if not enacting or not any(_ARTICLE_ID.match(d.get("id") or "") for d in root.iter("div")):
        raise EurLexHtmlError(f"{name}: no enacting terms (div#enc_1 with art_N) in the HTML")
    builder.recitals(root)
    builder.division(enacting[0], ())
    for annex in annexes:
        builder.annex(annex)
    return builder.provisions


__all__ = ["EurLexHtmlError", "parse_eurlex_html", "read_html"]
