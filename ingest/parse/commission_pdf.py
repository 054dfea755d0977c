"""European Commission PDF documents (guidelines, communications) into provisions.

The Commission publishes its guidelines and communications as PDFs made from Word, with no
structure tags worth trusting, so the structure is read back from the layout that pypdf
reports for every piece of text: where it sits on the page, its font size and whether its
font is bold. The heuristics, and why:

    cover page            no numbered heading before it, so it never lands in a section
    table of contents     pages with dot leaders ("Background ......... 1") are skipped:
                          they repeat every heading and would make sections twice
    page numbers          lines in the top and bottom margin bands are furniture
    footnotes             smaller-than-body lines below the last body-size line of a page;
                          their reference numbers in the text are small-font digits sitting
                          on a body line, dropped with them ("Act.12" -> "Act.")
    section headings      bold lines starting "1.", "2.1.", "3.2.1." or "II." that continue
                          the numbering of the previous heading (a child starts at 1, a
                          sibling at any level adds one); bold lines right below continue a
                          long heading. Arabic numbers under a roman section belong to it
                          (C(2025) 5053: "1." under "II." is section II.1)
    numbered paragraphs   a line at the left margin starting "(n)" where n is the next
                          number expected; everything up to the next paragraph, heading or
                          bold title is that paragraph, across page breaks, with its lists
    bold titles           an unnumbered bold line ("a) Subliminal techniques") directly
                          followed by a paragraph titles the paragraphs after it and joins
                          their heading path; otherwise it heads a box (e.g. the quoted
                          Article) whose text belongs to no paragraph
    text outside "(n)"    a section with no numbered paragraph of its own carries that text
                          itself, its blocks separated by blank lines: every section of a
                          communication such as the AI Continent Action Plan, the closing
                          examples of C(2025) 5052. Where the section has numbered paragraphs,
                          such text is a quotation box of the AI Act and is left out

Within a text, a vertical gap wider than ordinary line spacing starts a new line ("\\n"),
which keeps list items and example boxes apart; a hyphen at a line end is kept unless the
document elsewhere writes the word without it, because Commission documents are not
hyphenated by the word processor and their line-end hyphens are real ("machine-based").
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from pypdf import PdfReader

from desk.types import Authority, Provision, ProvisionKind, Reference
from ingest.parse.communication import Unit, UnitKind
from ingest.parse.text import clean_heading, normalise_space


class PdfParseError(ValueError):
    """A PDF that cannot be read, or in which no numbered structure can be found."""


def parse_commission_pdf(
    path: Path,
    *,
    source_id: str,
    prefix: str,
    title: str,
    version: str,
    authority: Authority,
    url: str,
) -> list[Provision]:
    """Sections and numbered paragraphs of a Commission PDF, in document order.

    `prefix` starts every anchor ("gl-5052"), `title` every label and heading path
    ("Guidelines C(2025) 5052"); `url` is the document's address, to which the page is
    added as `#page=N`.
    """
    path = Path(path)
    lines = _body_lines(_read_pages(path))
    root = _OutlineReader(lines).read()
    if not root.children and not root.paragraphs:
        raise PdfParseError(f"{path}: no numbered sections or paragraphs found")
    document = _Document(source_id, prefix, title, version, authority, url, _vocabulary(lines))
    return list(document.provisions(root))


def communication_units(path: Path) -> list[Unit]:
    """A communication's headings, paragraphs, list items and box titles, in reading order,
    for `ingest.parse.communication` to make provisions of: the same units the plan's units
    file holds, read here from the official PDF.

    The introduction is the text before the first numbered heading, after the cover page. A
    line opening with a bullet starts a list item, nested when its bullet is "o" or it
    stands further right than the list's first bullet; a bold line ending in ":" titles the
    box of items below it, and any other bold line titles a case study, whose paragraphs
    follow it until the next heading.
    """
    path = Path(path)
    lines = _body_lines(_read_pages(path))
    root = _OutlineReader(lines).read()
    if not root.children:
        raise PdfParseError(f"{path}: no numbered sections found")
    vocabulary = _vocabulary(lines)
    cover = lines[0].page if lines else 1
    return list(_units(root, vocabulary, cover))


_BULLET = re.compile(r"^([•\-–o▪◦·\uf0b7\uf0a7\uf0d8])\s+")
_NESTED_BULLETS = {"o", "◦"}


def _units(section: _Section, vocabulary: frozenset[str], cover: int) -> Iterator[Unit]:
    if section.number:
        heading = _SECTION_NUMBER.sub("", section.heading, count=1)
        yield Unit(UnitKind.HEADING, heading, section.page, number=".".join(section.number))
    loose = [line for line in section.loose if section.number or line.page != cover]
    box: str | None = None
    in_cases = False
    first_bullet_x: float | None = None
    for block in _unit_blocks(loose):
        text = _join_lines([line.text for line in block], vocabulary)
        page = block[0].page
        if all(line.bold for line in block):
            if text.endswith(":"):
                box, in_cases = text, False
            else:
                box, in_cases = None, True
                yield Unit(UnitKind.CASE, text, page)
            continue
        bullet = _BULLET.match(text)
        if bullet is None:
            if not in_cases:
                box = None  # a paragraph after the items closes their box
            first_bullet_x = None
            yield Unit(UnitKind.PARAGRAPH, text, page)
            continue
        first_bullet_x = block[0].x if first_bullet_x is None else first_bullet_x
        nested = bullet[1] in _NESTED_BULLETS or block[0].x > first_bullet_x + 2
        yield Unit(UnitKind.ITEM, text[bullet.end() :], page, box=box, depth=int(nested))
    for child in section.children:
        yield from _units(child, vocabulary, cover)


def _unit_blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Blocks as `_blocks` makes them; a bullet, or a change between bold and plain text,
    starts a new one even at ordinary line spacing."""
    blocks: list[list[_Line]] = []
    for line in lines:
        above = blocks[-1][-1] if blocks else None
        if above is None or _starts_block(above, line) or _BULLET.match(line.text) or above.bold != line.bold:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


# ---------------------------------------------------------------------------------------
# Reading the pages: printed lines with their position, size and weight


@dataclass(frozen=True)
class _Line:
    page: int  # 1-based index of the PDF page
    x: float
    y: float  # baseline, from the bottom of the page
    size: float  # font size of most of the line's characters
    bold: bool
    text: str  # whitespace normalised, footnote reference numbers removed


@dataclass(frozen=True)
class _Page:
    bottom: float
    top: float
    lines: list[_Line]


class _Piece(NamedTuple):
    """A run of text as pypdf shows it, placed on the page."""

    text: str
    x: float
    y: float
    size: float
    bold: bool


_BOLD_FONT = re.compile(r"bold|black|heavy|semibold", re.IGNORECASE)
_FOOTNOTE_REFERENCE = re.compile(r"^\s*\d{1,3}(?:\s*,\s*\d{1,3})*\s*$")
_SUPERSCRIPT_RATIO = 0.8  # footnote numbers in the text are set at about 2/3 of the body size
_PAGES_PER_WORKER = 24  # below this, starting worker processes costs more than it saves


def _read_pages(path: Path) -> list[_Page]:
    """Every page's lines; long documents are read by several processes, since pypdf's
    content-stream parsing is pure Python and takes most of the time."""
    page_count = len(_open(path).pages)
    if page_count == 0:
        raise PdfParseError(f"{path}: the PDF has no pages")
    workers = _worker_count(page_count)
    step = math.ceil(page_count / workers)
    starts = range(0, page_count, step)
    stops = [min(start + step, page_count) for start in starts]
    try:
        if workers == 1:
            return _read_page_range(str(path), 0, page_count)
        # Workers are forked from a fresh single-threaded server, not from this process: a
        # process that has run the embedding model holds locks of torch's, the tokenizer's
        # and Chroma's threads, and a child forked from it hung on one (seen in the tests,
        # parsing a PDF after adapting the model).
        clean = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=workers, mp_context=clean) as pool:
            parts = pool.map(_read_page_range, [str(path)] * len(starts), starts, stops)
            return [page for part in parts for page in part]
    except Exception as error:  # pypdf raises many kinds of error on damaged content streams
        raise PdfParseError(f"{path}: unreadable PDF ({_first_line(error)})") from error


def _worker_count(page_count: int) -> int:
    """Workers are used on Linux only, where a fork server starts them fast. Like spawned
    ones, they import the caller's main module again: a script that parses must keep its
    work under `if __name__ == "__main__":` (the `desk` command does). A daemonic process
    (a worker of multiprocessing.Pool) may not start any."""
    if not sys.platform.startswith("linux") or multiprocessing.current_process().daemon:
        return 1
    return min(os.cpu_count() or 1, 4, math.ceil(page_count / _PAGES_PER_WORKER))


def _open(path: Path) -> PdfReader:
    try:
        return PdfReader(path)
    except Exception as error:  # PdfReadError, PdfStreamError, OSError, struct errors ...
        raise PdfParseError(f"{path}: not a readable PDF ({_first_line(error)})") from error


def _first_line(error: Exception) -> str:
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def _read_page_range(path: str, start: int, stop: int) -> list[_Page]:
    reader = PdfReader(path)
    return [_read_page(reader, index) for index in range(start, stop)]


def _read_page(reader: PdfReader, index: int) -> _Page:
    """The page's lines as pypdf orders and spaces them, with each piece's geometry."""
    page = reader.pages[index]
    lines: list[list[_Piece]] = [[]]

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        for position, part in enumerate(text.split("\n")):
            if position:
                lines.append([])
            if part:
                # the text matrix places the piece in text space, the CTM maps it on the page
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
                bold = bool(_BOLD_FONT.search(str((font or {}).get("/BaseFont", ""))))
                lines[-1].append(_Piece(part, x, y, round(size * scale, 1), bold))

    page.extract_text(visitor_text=visit)
    printed = [_line(index + 1, pieces) for pieces in lines]
    box = page.mediabox
    return _Page(float(box.bottom), float(box.top), [line for line in printed if line is not None])


def _line(page: int, pieces: list[_Piece]) -> _Line | None:
    """One printed line, without the footnote reference numbers raised on it."""
    inked = [piece for piece in pieces if piece.text.strip()]
    sizes = Counter[float]()
    for piece in inked:
        sizes[piece.size] += len(piece.text.strip())
    if not sizes:
        return None
    size = sizes.most_common(1)[0][0]
    kept = [piece for piece in pieces if not _is_footnote_reference(piece, size)]
    text = normalise_space("".join(piece.text for piece in kept))
    if not text:
        return None
    baseline = next(piece.y for piece in inked if piece.size == size)
    bold = all(piece.bold for piece in kept if piece.text.strip())
    return _Line(page, inked[0].x, baseline, size, bold, text)


def _is_footnote_reference(piece: _Piece, line_size: float) -> bool:
    return piece.size < _SUPERSCRIPT_RATIO * line_size and bool(_FOOTNOTE_REFERENCE.match(piece.text))


# ---------------------------------------------------------------------------------------
# Page furniture: contents pages, page numbers, footnotes

_DOT_LEADER = re.compile(r"\.{6,}|(?:\. ){6,}")
_CONTENTS_LINES = 3  # dot leaders on a page that make it a table of contents
_MARGIN_BAND = 0.075  # share of the page height at top and bottom holding page numbers
_FOOTNOTE_RATIO = 0.9  # footnotes are set at 8-10 pt under 12 pt body text


def _body_lines(pages: list[_Page]) -> list[_Line]:
    """The lines that carry the document's own text, in reading order."""
    body_size = _body_size([line for page in pages for line in page.lines])
    lines: list[_Line] = []
    for page in pages:
        if not _is_contents_page(page):
            text = [line for line in page.lines if not _in_margin(line, page)]
            lowest_body_line = min(
                (line.y for line in text if line.size >= _FOOTNOTE_RATIO * body_size),
                default=page.bottom,
            )
            lines += [line for line in text if not _is_footnote(line, lowest_body_line, body_size)]
    return lines


def _body_size(lines: list[_Line]) -> float:
    """The font size of most of the text."""
    sizes = Counter[float]()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _is_contents_page(page: _Page) -> bool:
    return sum(1 for line in page.lines if _DOT_LEADER.search(line.text)) >= _CONTENTS_LINES


def _in_margin(line: _Line, page: _Page) -> bool:
    band = _MARGIN_BAND * (page.top - page.bottom)
    return not page.bottom + band <= line.y <= page.top - band


def _is_footnote(line: _Line, lowest_body_line: float, body_size: float) -> bool:
    """Footnotes: the smaller lines under the page's text."""
    return line.size < _FOOTNOTE_RATIO * body_size and line.y < lowest_body_line


# ---------------------------------------------------------------------------------------
# The outline: sections holding numbered paragraphs


@dataclass
class _Paragraph:
    number: int
    lines: list[_Line]
    title: str | None  # the bold title above it, if any


@dataclass
class _Section:
    number: tuple[str, ...]  # ("3", "2", "1"), ("II", "1"); () for the document itself
    heading: str
    page: int
    children: list[_Section] = field(default_factory=list)
    paragraphs: list[_Paragraph] = field(default_factory=list)
    loose: list[_Line] = field(default_factory=list)  # text outside any numbered paragraph
    title: str | None = None  # the latest bold title within the section


_SECTION_NUMBER = re.compile(r"^((?:\d{1,2}\.)*\d{1,2}\.?|[IVX]{1,5}\.)\s+(?=\S)")
_PARAGRAPH_NUMBER = re.compile(r"^\((\d{1,4})\)\s*")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
          "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX")  # fmt: skip
# paragraph numbers hang in the left margin (some a few points in), text and lists are
# indented by two to three font sizes
_MARGIN_TOLERANCE = 1.5  # font sizes
_LINE_SPACING = 1.5  # baseline distance, in font sizes, beyond which a new block starts
_BOLD_SIZE_TOLERANCE = 0.5  # a bold title is set at body size or larger


class _OutlineReader:
    """Reads the body lines once, opening sections and paragraphs as their numbers come."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.margin = _left_margin(lines)
        body_size = _body_size(lines)
        self.title_size = body_size - _BOLD_SIZE_TOLERANCE
        self.margin_tolerance = _MARGIN_TOLERANCE * body_size
        self.root = _Section((), "", lines[0].page if lines else 1)
        self.open_sections = [self.root]
        self.open_paragraph: _Paragraph | None = None
        self.next_paragraph = 1

    def read(self) -> _Section:
        index = 0
        while index < len(self.lines):
            index = self._read_at(index)
        return self.root

    def _read_at(self, index: int) -> int:
        """Take the line at `index` (and the lines that belong with it); return the next index."""
        line = self.lines[index]
        number = self._section_number(line)
        if number is not None:
            end = _title_end(self.lines, index)
            self._open_section(number, _joined(self.lines[index:end]), line.page)
            return end
        if self._paragraph_number(line) == self.next_paragraph:
            self._open_paragraph(line)
            return index + 1
        if line.bold and line.size >= self.title_size:
            end = _title_end(self.lines, index)
            self._take_title(self.lines[index:end], end)
            return end
        if self.open_paragraph is not None:
            self.open_paragraph.lines.append(line)
        else:
            self.open_sections[-1].loose.append(line)
        return index + 1

    def _section_number(self, line: _Line) -> tuple[str, ...] | None:
        """The full number of the heading on this line, if it is the next heading."""
        found = _SECTION_NUMBER.match(line.text)
        if not (found and line.bold and line.size >= self.title_size):
            return None
        number = tuple(found[1].rstrip(".").split("."))
        last = self.open_sections[-1].number
        if last and _is_roman(number[0]) != _is_roman(last[0]):
            number = (last[0], *number)  # "1." under "II." is section II.1
        return number if _follows(number, last) else None

    def _open_section(self, number: tuple[str, ...], heading: str, page: int) -> None:
        while len(self.open_sections) > 1 and not _is_within(number, self.open_sections[-1].number):
            self.open_sections.pop()
        section = _Section(number, clean_heading(heading), page)  # "1. BACKGROUND" -> "1. Background"
        self.open_sections[-1].children.append(section)
        self.open_sections.append(section)
        self.open_paragraph = None

    def _paragraph_number(self, line: _Line) -> int | None:
        found = _PARAGRAPH_NUMBER.match(line.text)
        if found is None or line.x > self.margin + self.margin_tolerance:
            return None
        return int(found[1])

    def _open_paragraph(self, line: _Line) -> None:
        section = self.open_sections[-1]
        first = replace(line, text=_PARAGRAPH_NUMBER.sub("", line.text, count=1))
        self.open_paragraph = _Paragraph(self.next_paragraph, [first], section.title)
        section.paragraphs.append(self.open_paragraph)
        self.next_paragraph += 1

    def _take_title(self, title: list[_Line], end: int) -> None:
        """A bold title either heads the paragraphs below it or a box outside any paragraph."""
        section = self.open_sections[-1]
        self.open_paragraph = None
        if end < len(self.lines) and self._paragraph_number(self.lines[end]) == self.next_paragraph:
            section.title = _joined(title)
        else:
            section.loose += title


def _left_margin(lines: list[_Line]) -> float:
    """Where most pages start their leftmost line (the cover page is laid out differently)."""
    leftmost: dict[int, float] = {}
    for line in lines:
        leftmost[line.page] = min(line.x, leftmost.get(line.page, line.x))
    margins = Counter(round(x) for x in leftmost.values())
    return float(margins.most_common(1)[0][0]) if margins else 0.0


def _title_end(lines: list[_Line], start: int) -> int:
    """Index after a bold title or heading and the bold lines that continue it."""
    end = start + 1
    while end < len(lines) and _continues_title(lines[end - 1], lines[end]):
        end += 1
    return end


def _continues_title(above: _Line, line: _Line) -> bool:
    return (
        line.bold
        and line.page == above.page
        and 0 < above.y - line.y <= _LINE_SPACING * above.size
        and not _SECTION_NUMBER.match(line.text)
    )


def _joined(lines: list[_Line]) -> str:
    return _join_lines([line.text for line in lines], frozenset())


def _is_roman(part: str) -> bool:
    return part in _ROMAN


def _follows(number: tuple[str, ...], last: tuple[str, ...]) -> bool:
    """Whether `number` can come right after `last`: its first child or the next at a level."""
    if not last:
        return number in {("1",), ("I",)}
    if number == (*last, "1"):
        return True
    return any(number == (*last[:level], _successor(last[level])) for level in range(len(last)))


def _successor(part: str) -> str:
    if part.isdigit():
        return str(int(part) + 1)
    position = _ROMAN.index(part) + 1
    return _ROMAN[position] if position < len(_ROMAN) else ""


def _is_within(number: tuple[str, ...], outer: tuple[str, ...]) -> bool:
    return len(number) > len(outer) and number[: len(outer)] == outer


# ---------------------------------------------------------------------------------------
# Text: blocks, line joins, references

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_HYPHENATED_END = re.compile(r"([A-Za-z]+)-$")
_WORD_START = re.compile(r"[a-z]+")
_ARTICLE_NUMBER = r"\d{1,3}[a-z]?(?:\s?\((?:\d{1,2}[a-z]?|[a-z]{1,2}|[ivx]{1,4})\))*"
_REFERENCE = re.compile(
    rf"""\b(?:
        Article\s+{_ARTICLE_NUMBER}
      | Articles\s+{_ARTICLE_NUMBER}(?:(?:,|\s+and|\s+or|\s+to)\s+{_ARTICLE_NUMBER})*
      | [Rr]ecitals?\s+\(?\d{{1,3}}\)?(?:(?:,|\s+and|\s+to)\s+\d{{1,3}})*
      | Annex\s+[IVX]{{1,4}}\b
      | Annexes\s+[IVX]{{1,4}}(?:(?:,|\s+and|\s+to)\s+[IVX]{{1,4}})*\b
    )
    (?:\s+(?:of\s+(?:the\s+)?)?(?:AI\s+Act|TFEU|TEU|Charter|GDPR|LED|EUDPR)\b)?
    """,
    re.VERBOSE,
)


def _vocabulary(lines: list[_Line]) -> frozenset[str]:
    """Every word the document prints, hyphenated compounds whole: to tell a word broken at a
    line end from a compound whose hyphen happens to fall there."""
    return frozenset(word.lower() for line in lines for word in _WORD.findall(line.text))


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of lines set at ordinary line spacing; a wider gap on the same page starts a new
    block (a list item, an example box, a quotation)."""
    blocks: list[list[_Line]] = []
    for line in lines:
        if blocks and not _starts_block(blocks[-1][-1], line):
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _starts_block(above: _Line, line: _Line) -> bool:
    return line.page == above.page and above.y - line.y > _LINE_SPACING * above.size


def _join_lines(texts: list[str], vocabulary: frozenset[str]) -> str:
    joined = ""
    for text in texts:
        if not joined:
            joined = text
        elif joined.endswith("-") and not joined.endswith(" -"):
            joined = _join_at_hyphen(joined, text, vocabulary)
        else:
            joined = f"{joined} {text}"
    return joined


def _join_at_hyphen(left: str, right: str, vocabulary: frozenset[str]) -> str:
    """'large-' + 'scale' stays 'large-scale'; 'opera-' + 'tion' becomes 'operation' only when
    the document writes 'operation' elsewhere and never 'opera-tion'."""
    stem, tail = _HYPHENATED_END.search(left), _WORD_START.match(right)
    if stem and tail:
        whole, compound = stem[1] + tail[0], f"{stem[1]}-{tail[0]}"
        if whole.lower() in vocabulary and compound.lower() not in vocabulary:
            return left[:-1] + right
    return left + right


def _references(text: str) -> tuple[Reference, ...]:
    mentions = dict.fromkeys(normalise_space(found[0]) for found in _REFERENCE.finditer(text))
    return tuple(Reference(text=mention) for mention in mentions)


# ---------------------------------------------------------------------------------------
# Provisions


@dataclass(frozen=True)
class _Document:
    source_id: str
    prefix: str
    title: str
    version: str
    authority: Authority
    url: str
    vocabulary: frozenset[str]

    def provisions(self, root: _Section) -> Iterator[Provision]:
        yield from self._contents(root, (self.title,))

    def _contents(self, section: _Section, path: tuple[str, ...]) -> Iterator[Provision]:
        parent = self._section_anchor(section) if section.number else None
        for paragraph in section.paragraphs:
            yield self._paragraph(paragraph, parent, path)
        for child in section.children:
            yield self._section(child, parent, path)
            yield from self._contents(child, (*path, child.heading))

    def _paragraph(self, paragraph: _Paragraph, parent: str | None, path: tuple[str, ...]) -> Provision:
        text = "\n".join(self._text(block) for block in _blocks(paragraph.lines))
        page = paragraph.lines[0].page
        return self._provision(
            anchor=f"{self.prefix}.par-{paragraph.number}",
            label=f"{self.title}, paragraph {paragraph.number}",
            kind=ProvisionKind.PARAGRAPH,
            parent=parent,
            heading_path=(*path, paragraph.title) if paragraph.title else path,
            text=text,
            page=page,
        )

    def _section(self, section: _Section, parent: str | None, path: tuple[str, ...]) -> Provision:
        """Its heading; and its own text where no numbered paragraph of its own holds it (a
        communication without paragraph numbers, a closing list of examples), block by block."""
        own_text = [] if section.paragraphs else _blocks(section.loose)
        blocks = [self._text(block) for block in own_text]
        number = ".".join(section.number)
        return self._provision(
            anchor=self._section_anchor(section),
            label=f"{self.title}, section {number}",
            kind=ProvisionKind.SECTION,
            parent=parent,
            heading_path=path,
            text="\n\n".join([section.heading, *blocks]),
            page=section.page,
        )

    def _provision(self, *, text: str, page: int, **fields: object) -> Provision:
        return Provision(
            text=text,
            page=page,
            deep_link=f"{self.url}#page={page}",
            references=_references(text),
            source_id=self.source_id,
            version=self.version,
            authority=self.authority,
            **fields,
        )

    def _section_anchor(self, section: _Section) -> str:
        return f"{self.prefix}.sec-{'.'.join(section.number)}"

    def _text(self, lines: list[_Line]) -> str:
        return _join_lines([line.text for line in lines], self.vocabulary)
