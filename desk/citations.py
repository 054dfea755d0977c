"""The one way to read a citation and to render an anchor as a label.

An anchor is a dotted path of `kind-value` segments, optionally behind an instrument
prefix (none for the AI Act itself):

    art-5.par-1.pt-f      Article 5(1)(f)
    art-3.pt-49           Article 3, point (49)
    art-6.par-1.sub-2     Article 6(1), second subparagraph
    art-113.sub-3         Article 113, third paragraph
    rct-44                Recital 44
    anx-III.pt-4.pt-a     Annex III, point 4(a)
    anx-I.sec-A.pt-1      Annex I, Section A, point 1
    omnibus.rct-12        Regulation (EU) 2026/1744, Recital 12
    gl-5052.par-42        Guidelines C(2025) 5052, paragraph 42
    gl-5052.sec-3.2.1     Guidelines C(2025) 5052, section 3.2.1
    ap.sec-1-2.par-3      AI Continent Action Plan, section 1.2, paragraph 3
    ap.sec-1-2.actions.item-2
                          AI Continent Action Plan, section 1.2, Key Commission actions, item 2
    ap.intro.par-1        AI Continent Action Plan, introduction, paragraph 1

The plan's section numbers are written with dashes (`sec-1-2`), since a dot starts the next
segment; its boxes (`actions`, `cases`), the introduction and the map are bare words.

`parse_citation` reads what people and models write ("Art. 5(1)(f)", "Art 5.1.f",
"Annex III(4)(a)", "Rec. (44)", "AI Act Art. 5"); `find_citations` finds every citation in
running text; `label_for` renders an anchor back; `resolve` maps a parsed anchor onto the
anchors a corpus really has (Article 3 has points, not paragraphs, so "Article 3(1)"
means its point (1)).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


class CitationError(ValueError):
    """A citation string that does not name a provision."""


@dataclass(frozen=True)
class Instrument:
    prefix: str  # anchor prefix; "" for the AI Act
    label: str  # how labels name it; "" for the AI Act
    names: tuple[str, ...]  # regexes that name it in a citation string


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "omnibus",
        "Regulation (EU) 2026/1744",
        (r"Regulation\s+\(EU\)\s+2026/1744", r"(?:Digital\s+)?Omnibus(?:\s+on\s+AI)?", r"2026/1744"),
    ),
    Instrument("gl-5052", "Guidelines C(2025) 5052", (r"(?:Guidelines\s+)?C\(2025\)\s*5052", r"gl-5052")),
    Instrument("gl-5053", "Guidelines C(2025) 5053", (r"(?:Guidelines\s+)?C\(2025\)\s*5053", r"gl-5053")),
    Instrument(
        "ap",
        "AI Continent Action Plan",
        (
            r"(?:the\s+)?(?:AI\s+Continent\s+)?Action\s+Plan(?:\s*,?\s*COM\(2025\)\s*165)?",
            r"COM\(2025\)\s*165",
        ),
    ),
    Instrument(
        "",
        "",
        (r"(?:the\s+)?(?:EU\s+)?AI\s+Act", r"Regulation\s+\(EU\)\s+2024/1689", r"2024/1689", r"AIA"),
    ),
)
_BY_PREFIX = {instrument.prefix: instrument for instrument in INSTRUMENTS}

ORDINALS = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
]
_ORDINAL_RE = "|".join(ORDINALS)

_ROMAN = r"[IVXL]+"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def roman_to_int(roman: str) -> int:
    total, previous = 0, 0
    for char in reversed(roman.upper()):
        value = _ROMAN_VALUES[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


# ---------------------------------------------------------------------------------------
# Anchors and labels


def split_anchor(anchor: str) -> tuple[str, list[tuple[str, str]]]:
    """Split an anchor into its instrument prefix and its (kind, value) segments."""
    pieces = anchor.split(".")
    prefix = ""
    if pieces and pieces[0] in _BY_PREFIX:
        prefix = pieces.pop(0)
    segments: list[tuple[str, str]] = []
    for piece in pieces:
        if piece in _BARE_SEGMENTS:
            segments.append((piece, ""))
            continue
        if "-" not in piece:
            if not segments:
                raise CitationError(f"not an anchor: {anchor!r}")
            kind, value = segments[-1]  # section numbers keep their dots: sec-3.2.1
            segments[-1] = (kind, f"{value}.{piece}")
            continue
        kind, _, value = piece.partition("-")
        if kind not in _SEGMENT_KINDS or not value:
            raise CitationError(f"not an anchor: {anchor!r}")
        segments.append((kind, value))
    if not segments:
        raise CitationError(f"not an anchor: {anchor!r}")
    return prefix, segments


def join_anchor(prefix: str, segments: Iterable[tuple[str, str]]) -> str:
    body = ".".join(f"{kind}-{value}" if value else kind for kind, value in segments)
    return f"{prefix}.{body}" if prefix else body


_SEGMENT_KINDS = {"art", "par", "sub", "pt", "rct", "anx", "sec", "item", "case"}
# Segments without a value: the plan's introduction, its boxes of key actions and of
# EDIH cases, and the map of AI Factories.
_BARE_SEGMENTS = {"intro": "introduction", "actions": "Key Commission actions", "cases": "EDIH cases",
                  "map": "map of the AI Factories"}  # fmt: skip


def label_for(anchor: str) -> str:
    """Render an anchor as the label a lawyer would write."""
    prefix, segments = split_anchor(anchor)
    body = _label_body(segments, anchor)
    instrument = _BY_PREFIX[prefix].label
    return f"{instrument}, {body}" if instrument else body


def _label_body(segments: list[tuple[str, str]], anchor: str) -> str:
    head_kind, head_value = segments[0]
    rest = segments[1:]
    if head_kind == "rct":
        return f"Recital {head_value}"
    if head_kind in {"par", "sec", "intro"}:  # guidelines and communications
        return _document_label(segments)
    if head_kind == "art":
        return _article_label(head_value, rest)
    if head_kind == "anx":
        return _annex_label(head_value, rest)
    raise CitationError(f"not an anchor: {anchor!r}")


def _document_label(segments: list[tuple[str, str]]) -> str:
    """A guidelines' or a communication's unit: "section 1.2, Key Commission actions, item 2"."""
    parts: list[str] = []
    items = 0
    for kind, value in segments:
        if kind in _BARE_SEGMENTS:
            parts.append(_BARE_SEGMENTS[kind])
        elif kind == "sec":
            parts.append(f"section {value.replace('-', '.')}")
        elif kind == "par":
            parts.append(f"paragraph {value}")
        elif kind == "case":
            if parts and parts[-1] == _BARE_SEGMENTS["cases"]:
                parts.pop()  # "EDIH case 2", not "EDIH cases, EDIH case 2"
            parts.append(f"EDIH case {value}")
        elif kind == "item":
            parts.append(f"{'sub-item' if items else 'item'} {value}")
            items += 1
        else:
            parts.append(f"{kind} {value}")
    return ", ".join(parts)


def _article_label(number: str, rest: list[tuple[str, str]]) -> str:
    label = f"Article {number}"
    in_paragraph = False
    points: list[str] = []
    for kind, value in rest:
        if kind == "par":
            label += f"({value})"
            in_paragraph = True
        elif kind == "sub":
            unit = "subparagraph" if in_paragraph else "paragraph"
            label += f", {ORDINALS[int(value) - 1]} {unit}"
        elif kind == "pt":
            points.append(value)
    if points:
        if in_paragraph and "," not in label:
            label += "".join(f"({p})" for p in points)
        else:
            label += f", point ({points[0]})" + "".join(f"({p})" for p in points[1:])
    return label


def _annex_label(number: str, rest: list[tuple[str, str]]) -> str:
    label = f"Annex {number}"
    points: list[str] = []
    for kind, value in rest:
        if kind == "sec":
            label += f", Section {value}"
        elif kind == "sub":
            label += f", {ORDINALS[int(value) - 1]} paragraph"
        elif kind == "pt":
            points.append(value)
    if points:
        label += f", point {points[0]}" + "".join(f"({p})" for p in points[1:])
    return label


# ---------------------------------------------------------------------------------------
# Reading citations

_ARTICLE_WORD = r"(?:Articles?|Arts?\.?)"
_ANNEX_WORD = r"(?:Annex(?:es)?|Anx\.?)"
_RECITAL_WORD = r"(?:Recitals?|Rec\.?|Rcts?\.?)"
_INSTRUMENT_RE = "|".join(name for instrument in INSTRUMENTS for name in instrument.names)

_NUMBER = r"\d{1,3}[a-z]{0,2}"
_PAREN = r"\(\s*[0-9a-z]{1,5}\s*\)"
_ARTICLE_RE = re.compile(
    rf"""(?P<art>{_ARTICLE_WORD})\s*(?P<number>{_NUMBER})\b
        (?P<parens>(?:\s*{_PAREN})*)
        (?P<dots>(?:\.[0-9a-z]{{1,4}}\b)*)
        (?P<tail>(?:\s*,\s*(?:(?:{_ORDINAL_RE})\s+(?:sub)?paragraph|points?\s*{_PAREN}(?:\s*{_PAREN})*))*)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ANNEX_RE = re.compile(
    rf"""(?P<anx>{_ANNEX_WORD})\s*(?P<number>{_ROMAN}[a-z]?)\b
        (?P<section>\s*,?\s*Section\s+(?P<sec>[A-Z0-9])\b)?
        (?P<parens>(?:\s*{_PAREN})*)
        (?P<point>\s*,?\s*(?:point|pt\.?)\s*(?P<pt>\d{{1,2}}(?:\.\d{{1,2}})*|[a-z])\b(?P<ptparens>(?:\s*{_PAREN})*))?
    """,
    re.VERBOSE,
)
_RECITAL_RE = re.compile(rf"(?P<rct>{_RECITAL_WORD})\s*\(?\s*(?P<number>\d{{1,3}})\s*\)?", re.IGNORECASE)
_PARAGRAPH_RE = re.compile(r"\b(?:paragraph|para\.?|§)\s*\(?(?P<number>\d{1,3})\)?", re.IGNORECASE)
_SECTION_RE = re.compile(r"\bsection\s+(?P<number>[IVX]+(?:\.\d+)*|\d+(?:\.\d+)*)", re.IGNORECASE)
_ANCHOR_RE = re.compile(
    r"^(?:[a-z0-9-]+\.)?(?:(?:art|rct|anx|par|sec)-[0-9A-Za-z-]+|intro)"
    r"(?:\.[a-z]+-[0-9A-Za-z-]+|\.(?:actions|cases|map)|\.\d+)*$"
)


def _parens(text: str) -> list[str]:
    return [p.strip() for p in re.findall(r"\(\s*([0-9a-z]{1,5})\s*\)", text)]


def parse_citation(text: str) -> str:
    """Read one citation string and return its anchor (syntactic; see `resolve`)."""
    cleaned = " ".join(text.replace("\u00a0", " ").split()).strip(" .;:")
    if not cleaned:
        raise CitationError("empty citation")
    if _ANCHOR_RE.match(cleaned):
        split_anchor(cleaned)  # validates the segment kinds
        return cleaned
    prefix, remainder = _split_instrument(cleaned)
    for reader in (_read_article, _read_annex, _read_recital):
        match = reader(remainder)
        if match is not None:
            anchor, _end = match
            return join_anchor(prefix, split_anchor(anchor)[1])
    if prefix == "ap":
        if (anchor := _plan_anchor(remainder)) is not None:
            return anchor
    elif prefix:
        for pattern, kind in ((_PARAGRAPH_RE, "par"), (_SECTION_RE, "sec")):
            found = pattern.search(remainder)
            if found:
                return f"{prefix}.{kind}-{found['number']}"
    raise CitationError(f"not a citation of a provision: {text!r}")


_PLAN_PIECES = (
    (re.compile(r"^introduction$", re.I), lambda m: ("intro", "")),
    (re.compile(r"^section\s+(\d(?:\.\d)?)\.?$", re.I), lambda m: ("sec", m[1].replace(".", "-"))),
    (re.compile(r"^(?:paragraph|para\.?)\s*(\d{1,2})$", re.I), lambda m: ("par", m[1])),
    (re.compile(r"^key\s+(?:commission|actions)\b.*$", re.I), lambda m: ("actions", "")),
    (re.compile(r"^EDIH\s+cases$", re.I), lambda m: ("cases", "")),
    (re.compile(r"^EDIH\s+case\s+(\d)$", re.I), lambda m: ("case", m[1])),
    (re.compile(r"^(?:sub-)?item\s+(\d{1,2})$", re.I), lambda m: ("item", m[1])),
    (re.compile(r"^map\b.*$", re.I), lambda m: ("map", "")),
)


def _plan_anchor(text: str) -> str | None:
    """The AI Continent Action Plan as its labels cite it: "section 1.2, Key Commission
    actions, item 2"; a page given after it ("p. 9") is left aside."""
    segments: list[tuple[str, str]] = []
    for piece in (p.strip() for p in re.split(r",|\(p\.\s*\d+\)", text) if p.strip()):
        if re.match(r"^(?:p|pp|page)\.?\s*\d+", piece, re.I):
            continue
        for pattern, segment in _PLAN_PIECES:
            if found := pattern.match(piece):
                kind, value = segment(found)
                if kind == "case" and segments[-1:] != [("cases", "")]:
                    segments.append(("cases", ""))
                segments.append((kind, value))
                break
        else:
            return None
    return join_anchor("ap", segments) if segments else None


def _split_instrument(text: str) -> tuple[str, str]:
    """Take an instrument name off either end of a citation ("AI Act Art. 5", "Art. 5 AI Act")."""
    for instrument in INSTRUMENTS:
        for name in instrument.names:
            found = re.match(rf"^(?:{name})\s*,?\s*", text, re.IGNORECASE) or re.search(
                rf"\s*,?\s*(?:of\s+(?:the\s+)?)?(?:{name})$", text, re.IGNORECASE
            )
            if found and found.group(0).strip():
                rest = (text[: found.start()] + text[found.end() :]).strip(" ,")
                if rest:
                    return instrument.prefix, rest
    return "", text


def _read_article(text: str) -> tuple[str, int] | None:
    found = _ARTICLE_RE.match(text)
    if found is None:
        return None
    return _article_anchor(found), found.end()


def _article_anchor(found: re.Match[str]) -> str:
    segments = [("art", found["number"].lower())]
    levels = _parens(found["parens"]) or [d for d in found["dots"].split(".") if d]
    tail = found["tail"] or ""
    if levels:
        segments.append(("par", levels[0]))
        segments += [("pt", level) for level in levels[1:]]
    for piece in re.finditer(rf"({_ORDINAL_RE})\s+(sub)?paragraph|points?\s*((?:\s*{_PAREN})+)", tail, re.I):
        if piece.group(1):
            segments.append(("sub", str(ORDINALS.index(piece.group(1).lower()) + 1)))
        else:
            segments += [("pt", p) for p in _parens(piece.group(3))]
    return join_anchor("", segments)


def _read_annex(text: str) -> tuple[str, int] | None:
    found = _ANNEX_RE.match(text)
    if found is None:
        return None
    return _annex_anchor(found), found.end()


def _annex_anchor(found: re.Match[str]) -> str:
    segments = [("anx", found["number"])]
    if found["sec"]:
        segments.append(("sec", found["sec"]))
    points = _parens(found["parens"])
    if found["pt"]:
        points = [found["pt"], *_parens(found["ptparens"] or "")]
    segments += [("pt", p) for p in points]
    return join_anchor("", segments)


def _read_recital(text: str) -> tuple[str, int] | None:
    found = _RECITAL_RE.match(text)
    if found is None:
        return None
    return f"rct-{int(found['number'])}", found.end()


# ---------------------------------------------------------------------------------------
# Finding citations in running text


@dataclass(frozen=True)
class FoundCitation:
    text: str
    anchor: str
    start: int
    end: int


_RANGE_RE = re.compile(
    r"\b(?P<word>Articles|Recitals)\s+(?P<first>\d{1,3}[a-z]?)\s+(?P<op>to|and)\s+(?P<last>\d{1,3}[a-z]?)\b"
)
_SCAN_RE = re.compile(rf"\b(?:{_ARTICLE_WORD}|{_ANNEX_WORD}|{_RECITAL_WORD})\s*(?=[\dIVXL(])")
_REVERSED_POINT_RE = re.compile(rf"\bpoints?\s*(?P<points>(?:{_PAREN}\s*)+)of\s+(?:the\s+)?$", re.I)
_MAX_RANGE = 30


def find_citations(text: str) -> list[FoundCitation]:
    """Every citation of an AI Act provision in running text, in order of appearance."""
    found: list[FoundCitation] = []
    taken: set[int] = set()
    for ranged in _RANGE_RE.finditer(text):
        found += list(_expand_range(ranged))
        taken.update(range(ranged.start(), ranged.end()))
    for start in (m.start() for m in _SCAN_RE.finditer(text)):
        if start in taken:
            continue
        citation = _citation_at(text, start)
        if citation is not None:
            found.append(citation)
            taken.update(range(citation.start, citation.end))
    return sorted(found, key=lambda c: c.start)


_OTHER_ACT_RE = re.compile(
    r"\s*,?\s*(?:of|to|in)\s+(?:that\s+|the\s+)?(?:Regulation|Directive|Decision|Implementing|Delegated"
    r"|TFEU|Treaty|Charter|Council|Protocol|Convention|Communication|(?:AI\s+Continent\s+)?Action\s+Plan)"
    r"(?!\s+\(EU\)\s+2024/1689)"
)


_PLAN_BEFORE_RE = re.compile(r"\b(?:action\s+)?plan(?:'s|’s)?\s+$", re.IGNORECASE)
_OMNIBUS_NAMES = "|".join(_BY_PREFIX["omnibus"].names)
# The amending act named right before ("Regulation (EU) 2026/1744, Recital 32"; by its
# number only: "after the Omnibus, Article 10(5) ..." is about the AI Act's Article 10) or
# right after ("Article 1 of the Omnibus").
_OMNIBUS_BEFORE_RE = re.compile(
    r"(?:Regulation\s+\(EU\)\s+)?2026/1744\s*,?\s*(?:’s\s+|'s\s+)?$", re.IGNORECASE
)
_OMNIBUS_AFTER_RE = re.compile(rf"\s*,?\s*(?:of|in)\s+(?:the\s+)?(?:{_OMNIBUS_NAMES})", re.IGNORECASE)


def _citation_at(text: str, start: int) -> FoundCitation | None:
    rest = text[start:]
    for reader in (_read_article, _read_annex, _read_recital):
        match = reader(rest)
        if match is not None:
            anchor, length = match
            amending = _OMNIBUS_BEFORE_RE.search(text[max(0, start - 40) : start]) or _OMNIBUS_AFTER_RE.match(
                rest, length
            )
            if not amending and _OTHER_ACT_RE.match(rest, length):
                return None  # "Article 6 of Regulation (EU) 2019/1020" is another act's
            if _PLAN_BEFORE_RE.search(text[max(0, start - 40) : start]):
                return None  # "the action plan's Annex I" is the plan's
            anchor = _with_reversed_point(text, start, anchor)
            if amending:
                anchor = f"omnibus.{anchor}"
            return FoundCitation(rest[:length].strip(), anchor, start, start + length)
    return None


def _with_reversed_point(text: str, start: int, anchor: str) -> str:
    """Read "point (h) of Article 5(1)" as Article 5(1)(h)."""
    before = text[max(0, start - 40) : start]
    reversed_point = _REVERSED_POINT_RE.search(before)
    if reversed_point is None:
        return anchor
    points = _parens(reversed_point["points"])[:1]
    return join_anchor("", [*split_anchor(anchor)[1], *(("pt", p) for p in points)])


# How people type citations that the law's own text never does: "article 4b", "Annex III 4(c)",
# "Annex XIII point (j)". Written the law's way before they are read, in questions only.
_TYPED = (
    (
        re.compile(r"\b(articles?|arts?\.|annex(?:es)?|recitals?)(?=\s*[\dIVXLivxl(])", re.I),
        lambda m: m.group(1).capitalize(),
    ),
    # "paragraph 14 of Article 50", "the fourth paragraph of Article 1": Article 50(14), Article 1(4).
    (
        re.compile(
            rf"\b(?:the\s+)?(?:paragraph\s+(\d{{1,2}})|({_ORDINAL_RE})\s+paragraph)\s+of\s+(Article\s+\d{{1,3}}[a-z]?)\b",
            re.I,
        ),
        lambda m: f"{m.group(3)}({m.group(1) or ORDINALS.index(m.group(2).lower()) + 1})",
    ),
    # "art 5(1)(k)", typed without the dot.
    (re.compile(r"\bart(?=\s*\d)", re.I), lambda m: "Art."),
    # German and French paragraphs: "Art. 10 Abs. 5 lit. a", "article 10, paragraphe 5": Article 10(5)(a).
    (
        re.compile(
            r"\bArt(?:ikel|icle|\.)?\s*(\d{1,3}[a-z]?)\s*,?\s*(?:Abs\.?|Absatz|paragraphe|paragraph|para\.?|§)\s*(\d{1,2}[a-z]?)\b"
            r"(?:\s*,?\s*(?:lit\.?|Buchst\.?|Buchstabe|point)\s*([a-z]{1,2})\b\)?)?",
            re.I,
        ),
        lambda m: f"Article {m.group(1)}({m.group(2)})" + (f"({m.group(3)})" if m.group(3) else ""),
    ),
    # "point 9 of Annex III": Annex III, point 9.
    (
        re.compile(r"\bpoint\s+(\d{1,2})\s+of\s+(Annex\s+[IVXL]+)\b", re.I),
        lambda m: f"{m.group(2)}, point {m.group(1)}",
    ),
    # "Article 3 point 70", "Art 16 lit. m": a point of an article without paragraphs.
    (
        re.compile(
            r"\bArt(?:icle|\.)?\s*(\d{1,3}[a-z]?)\s*,?\s*(?:point|lit\.?)\s*\(?(\d{1,2}[a-z]?|[a-z]{1,2})\b\)?",
            re.I,
        ),
        lambda m: f"Article {m.group(1)}, point ({m.group(2)})",
    ),
    (
        re.compile(r"\b(Annex\s+[IVXL]+)\s+(\d{1,2})(?=[\s(,.?]|$)"),
        lambda m: f"{m.group(1)}, point {m.group(2)}",
    ),
    (
        re.compile(r"\b(Annex\s+[IVXL]+,?\s+point)\s*\(([a-z0-9]{1,3})\)", re.I),
        lambda m: f"{m.group(1)} {m.group(2)}",
    ),
)


def find_named(question: str) -> list[FoundCitation]:
    """The citations in a question as people type them (any case, "Annex III 4(c)"); the
    positions are those of the question as written."""
    typed = question
    for pattern, written in _TYPED:
        typed = pattern.sub(written, typed)
    if typed == question:
        return find_citations(question)
    return [FoundCitation(found.text, found.anchor, 0, 0) for found in find_citations(typed)]


def _expand_range(ranged: re.Match[str]) -> Iterator[FoundCitation]:
    kind = "art" if ranged["word"] == "Articles" else "rct"
    first, last = ranged["first"], ranged["last"]
    if ranged["op"] == "and" or not (first.isdigit() and last.isdigit()):
        numbers = [first, last]
    else:
        numbers = [str(n) for n in range(int(first), int(last) + 1)][:_MAX_RANGE]
    for number in numbers:
        yield FoundCitation(ranged.group(0), f"{kind}-{number}", ranged.start(), ranged.end())


# ---------------------------------------------------------------------------------------
# Resolving against a corpus


def resolve(anchor: str, known: set[str] | frozenset[str], *, nearest: bool = True) -> str | None:
    """Map a parsed anchor onto the anchors the corpus has; the nearest enclosing one if
    `nearest` and the unit itself is not there."""
    prefix, segments = split_anchor(anchor)
    candidates = [segments]
    # Points hang off the paragraph unless two subparagraphs repeat their letters, so
    # "Article 5(1), first subparagraph, point (h)" is the unit `art-5.par-1.pt-h`.
    if any(kind == "sub" for kind, _ in segments) and segments[-1][0] == "pt":
        candidates.append([s for s in segments if s[0] != "sub"])
    # "Article 3(1)" is point (1) of an article without numbered paragraphs.
    if len(segments) >= 2 and segments[1][0] == "par":
        candidates.append([segments[0], ("pt", segments[1][1]), *segments[2:]])
    for candidate in candidates:
        if join_anchor(prefix, candidate) in known:
            return join_anchor(prefix, candidate)
    if not nearest:
        return None
    for candidate in candidates:
        for length in range(len(candidate) - 1, 0, -1):
            enclosing = join_anchor(prefix, candidate[:length])
            if enclosing in known:
                return enclosing
    return None


def top_unit(anchor: str) -> str:
    """The article, annex or recital an anchor belongs to, with its instrument prefix."""
    prefix, segments = split_anchor(anchor)
    return join_anchor(prefix, segments[:1])


def ancestors(anchor: str) -> list[str]:
    """The enclosing anchors, outermost first (not including the anchor itself)."""
    prefix, segments = split_anchor(anchor)
    return [join_anchor(prefix, segments[:n]) for n in range(1, len(segments))]
