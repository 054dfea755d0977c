"""Formex 4 XML (the Publications Office's own markup) into provisions.

Formex makes the structure explicit, so this is the primary parser:

    ACT / CONS.ACT
      PREAMBLE / GR.CONSID / CONSID          recitals            rct-N
      ENACTING.TERMS / DIVISION*             chapters, sections  (heading path)
        ARTICLE                              articles            art-N
          PARAG (NO.PARAG "1.")              paragraphs          art-N.par-1
          ALINEA                             unnumbered paragraphs, when several: art-N.sub-K
            LIST / ITEM / NP (NO.P "(a)")    points              ...pt-a (nested: pt-a.pt-i)
      ANNEX / CONS.ANNEX / CONTENTS          annexes             anx-III
        GR.SEQ (TITLE "Section A …")         annex sections      anx-I.sec-A
        NP / GR.SEQ (NO.P "1.")              annex points        anx-III.pt-4.pt-a

A consolidated text (CONS.ACT) marks what an amending act changed with processing
instructions: `<?CLG.MDFO ACTION="REPLACED|INSERTED|DELETED" ACTIVE.DOC="32026R1744"?>`
before the changed elements and `<?CLG.MDFC?>` after them. Deleted text stays inside the
markers, so it is kept out of the text in force and its provision is marked deleted.
Quoted provisions inside an amending act (QUOT.S) are text of the amending point, not
provisions of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from desk.types import Amendment, Provision, ProvisionKind
from ingest.parse.structure import ActContext, ProvisionCollector, point_number, sub_anchor
from ingest.parse.text import clean_heading, normalise_space


class FormexError(ValueError):
    """A Formex file that cannot be read as the law it claims to be."""


_CELEX_NAMES = {"32026R1744": "Regulation (EU) 2026/1744"}
_BLOCK_TAGS = {
    "P", "ALINEA", "LIST", "ITEM", "NP", "PARAG", "GR.SEQ", "TBL", "ROW", "TITLE", "CONTENTS",
    "QUOT.S", "CORPUS", "ARTICLE", "ANNEX", "TI.ART", "STI.ART", "TI", "STI",
}  # fmt: skip
# Footnotes are not the provision's words; BIB.INSTANCE is file metadata of an included file.
_SKIPPED_TAGS = {"NOTE", "IE", "BIB.INSTANCE"}
_NUMBER_PREFIX = re.compile(r"^\(\d{1,3}\)\s*")
_NUMBER_ONLY = re.compile(r"^\(?[0-9a-z.]{1,8}\)?\.?$")


@dataclass
class _Marks:
    """Which elements an amending act replaced, inserted or deleted, and which contain a change."""

    action: dict[etree._Element, tuple[Amendment, str]] = field(default_factory=dict)
    touched: dict[etree._Element, str] = field(default_factory=dict)  # element -> amending act

    def amendment(self, element: etree._Element) -> tuple[Amendment, str] | None:
        return self.action.get(element)

    def amended_by(self, element: etree._Element) -> str | None:
        if element in self.action:
            return self.action[element][1]
        return self.touched.get(element)

    def touch(self, element: etree._Element, act: str) -> None:
        """Record that `element` and everything around it contains a change by `act`."""
        for ancestor in (element, *element.iterancestors()):
            if ancestor in self.touched:
                break
            self.touched[ancestor] = act


def _read_marks(root: etree._Element) -> _Marks:
    marks = _Marks()
    open_ranges: dict[str, tuple[Amendment, str]] = {}
    for node in root.iter():
        if isinstance(node, etree._ProcessingInstruction):
            attrs = dict(re.findall(r'([\w.]+)="([^"]*)"', node.text or ""))
            if node.target == "CLG.MDFO":
                act = _CELEX_NAMES.get(attrs.get("ACTIVE.DOC", ""), attrs.get("ACTIVE.DOC", ""))
                action = Amendment(attrs.get("ACTION", "REPLACED").lower())
                open_ranges[attrs.get("IDREF", "")] = (action, act)
                if node.getparent() is not None:
                    marks.touch(node.getparent(), act)  # a change inside the text
            elif node.target == "CLG.MDFC":
                open_ranges.pop(attrs.get("ID", ""), None)
            continue
        if open_ranges and isinstance(node.tag, str):
            # DELETED wins over an enclosing replacement: the text is gone either way.
            ranges = list(open_ranges.values())
            chosen = next((r for r in ranges if r[0] is Amendment.DELETED), ranges[-1])
            marks.action[node] = chosen
            marks.touch(node, chosen[1])
    return marks


# ---------------------------------------------------------------------------------------
# Text


def inline_text(element: etree._Element, marks: _Marks | None = None) -> str:
    """The words of an element with its blocks flattened into one line."""
    return normalise_space(" ".join(_lines(element, marks)))


def _lines(element: etree._Element, marks: _Marks | None, skip: frozenset[str] = frozenset()) -> list[str]:
    """Render an element as lines: a line per block, inline markup flattened.

    `skip` names child tags left out at this level (a unit's own number and title).
    """
    lines: list[str] = []
    current: list[str] = [element.text or ""]
    for child in element:
        if isinstance(child, etree._ProcessingInstruction | etree._Comment):
            current.append(child.tail or "")
            continue
        if child.tag in skip or _is_deleted(child, marks):
            current.append(child.tail or "")
            continue
        tag = child.tag
        if tag in _SKIPPED_TAGS:
            pass
        elif tag == "QUOT.START":
            current.append(chr(int(child.get("CODE", "2018"), 16)))
        elif tag == "QUOT.END":
            current.append(chr(int(child.get("CODE", "2019"), 16)))
        elif tag in {"NO.P", "NO.PARAG"}:
            current.append(inline_text(child, marks) + " ")  # may hold a quote mark: ‘5.
        elif tag == "FT" and child.get("TYPE") == "NUMBER":
            current.append(_grouped_digits(child.text or ""))
        elif tag == "HT" and child.get("TYPE") == "SUP":
            current.append("^" + inline_text(child, marks))  # 10^25 floating point operations
        elif tag == "CELL":
            current.append(" " + inline_text(child, marks) + " |")
        elif tag in _BLOCK_TAGS:
            block = _block_lines(child, marks)
            pending = normalise_space("".join(current))
            if block and _NUMBER_ONLY.match(pending):
                # "1." then its first subparagraph: one line, as printed.
                block[0] = f"{pending} {block[0]}"
                current.clear()
            _flush(current, lines)
            lines.extend(block)
        else:
            current.append(inline_text(child, marks))
        current.append(child.tail or "")
    _flush(current, lines)
    return lines


def _grouped_digits(number: str) -> str:
    """'35000000' as the Official Journal prints it: '35 000 000'."""
    digits = number.strip()
    if not digits.isdigit() or len(digits) <= 4:
        return digits
    return f"{int(digits):,}".replace(",", " ")


def _block_lines(element: etree._Element, marks: _Marks | None) -> list[str]:
    if element.tag == "ROW":
        cells = [inline_text(cell, marks) for cell in element.iter("CELL")]
        return [" | ".join(cell for cell in cells if cell)]
    return _lines(element, marks)


def _flush(current: list[str], lines: list[str]) -> None:
    line = normalise_space("".join(current))
    if line:
        lines.append(line)
    current.clear()


def _is_deleted(element: etree._Element, marks: _Marks | None) -> bool:
    if marks is None:
        return False
    found = marks.amendment(element)
    return found is not None and found[0] is Amendment.DELETED


def block_text(
    element: etree._Element, marks: _Marks | None = None, skip: frozenset[str] = frozenset()
) -> str:
    """The words of an element, a line per block (paragraph, point, row)."""
    return "\n".join(_lines(element, marks, skip))


_OWN_TITLE = frozenset({"TI.ART", "STI.ART", "TITLE"})
_OWN_NUMBER = frozenset({"NO.PARAG", "NO.P"})


# ---------------------------------------------------------------------------------------
# Structure


class _Builder:
    """Walks one Formex document and collects its provisions in document order."""

    def __init__(self, collector: ProvisionCollector, marks: _Marks):
        self.context = collector.context
        self.collector = collector
        self.marks = marks

    def add(
        self,
        element: etree._Element,
        anchor: str,
        kind: ProvisionKind,
        parent: str | None,
        heading_path: tuple[str, ...],
        text: str,
        fragment: str,
    ) -> str:
        amended_by = self.marks.amended_by(element) or self._amended_via_parent(element)
        return self.collector.add(
            anchor, kind, parent, heading_path, text, fragment,
            amendment=self._amendment(element), amended_by=amended_by,
        )  # fmt: skip

    def _amendment(self, element: etree._Element) -> Amendment | None:
        # The markers stand before the ITEM that holds a point's NP.
        for candidate in (element, element.getparent()):
            if candidate is not None and (found := self.marks.amendment(candidate)):
                return found[0]
        return None

    def _amended_via_parent(self, element: etree._Element) -> str | None:
        parent = element.getparent()
        if parent is not None and parent.tag == "ITEM":
            return self.marks.amended_by(parent)
        return None

    # -- recitals ------------------------------------------------------------------------
    def recitals(self, root: etree._Element) -> None:
        for consid in root.iterfind(".//GR.CONSID/CONSID"):
            number = (consid.findtext("NP/NO.P") or "").strip("() \u00a0")
            if not number.isdigit():
                raise FormexError(f"{self.collector.name}: recital without a number")
            # The whole recital, not only NP/TXT: some carry dash lists and a closing paragraph.
            text = _NUMBER_PREFIX.sub("", block_text(consid, self.marks), count=1)
            self.add(consid, f"rct-{int(number)}", ProvisionKind.RECITAL, None, ("Recitals",),
                     text, f"rct_{int(number)}")  # fmt: skip

    # -- enacting terms --------------------------------------------------------------------
    def enacting_terms(self, root: etree._Element) -> None:
        terms = root.find(".//ENACTING.TERMS")
        if terms is None:
            return
        self._division(terms, ())

    def _division(self, element: etree._Element, path: tuple[str, ...]) -> None:
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "DIVISION":
                self._division(child, (*path, _division_heading(child)))
            elif child.tag == "ARTICLE":
                self._article(child, path)

    def _article(self, article: etree._Element, path: tuple[str, ...]) -> None:
        title = normalise_space(article.findtext("TI.ART") or "")
        number = title.removeprefix("Article").strip()
        if not number:
            raise FormexError(f"{self.collector.name}: article without a number")
        subtitle = clean_heading(
            inline_text(article.find("STI.ART")) if article.find("STI.ART") is not None else ""
        )
        heading = f"Article {number} — {subtitle}" if subtitle else f"Article {number}"
        anchor = f"art-{number}"
        article_path = (*path, heading)
        self.add(article, anchor, ProvisionKind.ARTICLE, None, article_path,
                 block_text(article, self.marks, _OWN_TITLE), f"art_{number}")  # fmt: skip
        paragraphs = [c for c in article if c.tag == "PARAG"]
        alineas = [c for c in article if c.tag == "ALINEA"]
        for paragraph in paragraphs:
            self._paragraph(paragraph, anchor, article_path, number)
        for position, alinea in enumerate(alineas, start=1):
            parent = anchor
            if len(alineas) > 1:
                parent = self.add(alinea, f"{anchor}.sub-{position}", ProvisionKind.SUBPARAGRAPH,
                                  anchor, article_path, block_text(alinea, self.marks),
                                  f"art_{number}")  # fmt: skip
            self._points(alinea, anchor, parent, article_path, f"art_{number}")

    def _paragraph(self, paragraph: etree._Element, article_anchor: str,
                   path: tuple[str, ...], article_number: str) -> None:  # fmt: skip
        number = (paragraph.findtext("NO.PARAG") or "").strip().rstrip(".")
        anchor = f"{article_anchor}.par-{number}"
        fragment = paragraph.get("IDENTIFIER") or f"art_{article_number}"
        self.add(paragraph, anchor, ProvisionKind.PARAGRAPH, article_anchor, path,
                 block_text(paragraph, self.marks, _OWN_NUMBER), fragment)  # fmt: skip
        alineas = [c for c in paragraph if c.tag == "ALINEA"]
        if not _points_repeat(alineas):
            self._points(paragraph, anchor, anchor, path, fragment)
            return
        # Two subparagraphs with their own points (a), (b): "Article 43(1), first
        # subparagraph, point (a)" needs the subparagraph in the anchor.
        for position, alinea in enumerate(alineas, start=1):
            sub = self.add(alinea, f"{anchor}.sub-{position}", ProvisionKind.SUBPARAGRAPH,
                           anchor, path, block_text(alinea, self.marks), fragment)  # fmt: skip
            self._points(alinea, sub, sub, path, fragment)

    def _points(self, element: etree._Element, base: str, parent: str,
                path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        """Points of a list, however deep they sit in P and ALINEA wrappers."""
        for item_np in _direct_points(element):
            number = _point_number(item_np)
            if number is None:
                continue
            anchor = f"{base}.pt-{number}"
            self.add(item_np, anchor, ProvisionKind.POINT, parent, path,
                     block_text(item_np, self.marks, _OWN_NUMBER), fragment)  # fmt: skip
            self._points(item_np, anchor, anchor, path, fragment)

    # -- annexes ---------------------------------------------------------------------------
    def annex(self, annex: etree._Element) -> None:
        title = annex.find("TITLE")
        # Annex X carries its subtitle inside TI rather than STI.
        found = re.match(r"ANNEX\s+([IVXL]+)\b\s*(.*)", inline_text(title.find("TI")))
        if not found:
            raise FormexError(f"{self.collector.name}: annex without a roman number")
        number = found.group(1)
        subtitle = found.group(2)
        if title.find("STI") is not None:
            subtitle = inline_text(title.find("STI"))
        subtitle = clean_heading(subtitle)
        heading = f"Annex {number} — {subtitle}" if subtitle else f"Annex {number}"
        anchor = f"anx-{number}"
        contents = annex.find("CONTENTS")
        if contents is None:
            raise FormexError(f"{self.collector.name}: Annex {number} has no contents")
        self.add(annex, anchor, ProvisionKind.ANNEX, None, (heading,),
                 block_text(contents, self.marks), f"anx_{number}")  # fmt: skip
        self._annex_body(contents, anchor, anchor, (heading,), f"anx_{number}")

    def _annex_body(self, element: etree._Element, base: str, parent: str,
                    path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "GR.SEQ":
                self._annex_group(child, base, parent, path, fragment)
            elif child.tag == "NP":
                self._annex_point(child, base, parent, path, fragment)
            elif child.tag in {"P", "LIST", "ITEM"}:
                self._annex_body(child, base, parent, path, fragment)

    def _annex_group(self, group: etree._Element, base: str, parent: str,
                     path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        title = group.find("TITLE")
        heading = clean_heading(inline_text(title)) if title is not None else ""
        numbered = title.find("TI/NP") if title is not None else None
        section = re.match(r"Section\s+([A-Z0-9])\b", heading)
        if numbered is not None and (number := _point_number(numbered)):
            anchor, kind = sub_anchor(base, number), ProvisionKind.POINT
        elif section:
            anchor, kind = f"{base}.sec-{section.group(1)}", ProvisionKind.SECTION
        else:  # an unnumbered group: its content belongs to the enclosing unit
            self._annex_body(group, base, parent, path, fragment)
            return
        group_path = (*path, heading)
        self.add(group, anchor, kind, parent, group_path,
                 block_text(group, self.marks, _OWN_TITLE), fragment)  # fmt: skip
        self._annex_body(group, anchor, anchor, group_path, fragment)

    def _annex_point(self, point: etree._Element, base: str, parent: str,
                     path: tuple[str, ...], fragment: str) -> None:  # fmt: skip
        number = _point_number(point)
        if number is None:
            return
        anchor = sub_anchor(base, number)
        self.add(point, anchor, ProvisionKind.POINT, parent, path,
                 block_text(point, self.marks, _OWN_NUMBER), fragment)  # fmt: skip
        self._annex_body(point, anchor, anchor, path, fragment)


def _direct_points(element: etree._Element):
    """The NP of every ITEM in the lists directly inside an element (not in nested points)."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in {"NP", "QUOT.S", "NO.P", "TXT"}:
            continue
        if child.tag == "ITEM":
            np = child.find("NP")
            if np is not None:
                yield np
        elif child.tag in {"LIST", "P", "ALINEA"}:
            yield from _direct_points(child)


def _points_repeat(alineas: list[etree._Element]) -> bool:
    numbers = [_point_number(np) for alinea in alineas for np in _direct_points(alinea)]
    numbers = [n for n in numbers if n]
    return len(numbers) != len(set(numbers))


def _point_number(np: etree._Element) -> str | None:
    return point_number(np.findtext("NO.P") or "")


def _division_heading(division: etree._Element) -> str:
    title = division.find("TITLE")
    if title is None:
        return ""
    number = clean_heading(inline_text(title.find("TI"))) if title.find("TI") is not None else ""
    name = clean_heading(inline_text(title.find("STI"))) if title.find("STI") is not None else ""
    return f"{number} — {name}" if name else number


# ---------------------------------------------------------------------------------------
# Entry points


def read_xml(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise FormexError(f"{name}: not well-formed XML ({error.msg})") from error


def parse_formex(documents: list[tuple[str, bytes]], context: ActContext) -> list[Provision]:
    """Parse the Formex files of one act (main file and annex files) into provisions."""
    roots = _include_quoted_files([(name, read_xml(data, name)) for name, data in documents])
    acts = [(n, r) for n, r in roots if r.tag in {"ACT", "CONS.ACT"}]
    annexes = [(n, r) for n, r in roots if r.tag == "ANNEX"]
    if not acts:
        raise FormexError(
            f"{documents[0][0] if documents else context.source_id}: no ACT or CONS.ACT element"
        )
    collector = ProvisionCollector(context, acts[0][0], FormexError)
    for name, root in acts + annexes:
        collector.name = name
        builder = _Builder(collector, _read_marks(root))
        try:
            if root.tag == "ANNEX":
                builder.annex(root)
            else:
                builder.recitals(root)
                builder.enacting_terms(root)
                for annex in root.iter("CONS.ANNEX"):
                    builder.annex(annex)
        except FormexError:
            raise
        except (AttributeError, TypeError, ValueError) as error:
            raise FormexError(f"{name}: unexpected Formex structure ({error})") from error
    return collector.provisions


def _include_quoted_files(
    roots: list[tuple[str, etree._Element]],
) -> list[tuple[str, etree._Element]]:
    """Put files that an act quotes (INCL.ELEMENT, e.g. an annex added by an amending act)
    in place, so they read as the quoting provision's text and not as annexes of their own."""
    by_file = {Path(name.split(":")[-1]).name: root for name, root in roots}
    included: set[str] = set()
    for _, root in roots:
        for inclusion in list(root.iter("INCL.ELEMENT")):
            target = by_file.get(inclusion.get("FILEREF", ""))
            if target is None:
                continue
            included.add(inclusion.get("FILEREF", ""))
            inclusion.getparent().replace(inclusion, target)
    return [(name, root) for name, root in roots if Path(name.split(":")[-1]).name not in included]


def formex_documents(path: Path) -> list[tuple[str, bytes]]:
    """The Formex files of a zip package, a folder, or a single XML file (doc/toc skipped)."""
    import zipfile

    if path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as package:
                names = sorted(n for n in package.namelist() if _is_content_file(n))
                return [(f"{path.name}:{n}", package.read(n)) for n in names]
        except zipfile.BadZipFile as error:
            raise FormexError(f"{path}: not a readable zip package ({error})") from error
    if path.is_dir():
        return [(str(p), p.read_bytes()) for p in sorted(path.iterdir()) if _is_content_file(p.name)]
    return [(str(path), path.read_bytes())]


def _is_content_file(name: str) -> bool:
    return name.endswith(".xml") and not name.endswith((".doc.fmx.xml", ".toc.fmx.xml", ".doc.xml"))


__all__ = ["ActContext", "FormexError", "formex_documents", "parse_formex"]
