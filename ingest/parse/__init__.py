"""Parsers of the official formats, one per format named in `corpus/sources.toml`."""

from __future__ import annotations

from pathlib import Path

from desk.sources import Source
from desk.types import Provision
from ingest.parse.formex import FormexError, formex_documents, parse_formex
from ingest.parse.structure import ActContext

# Bump when a parser, the reference linking or the chunker changes its output: it renames the index.
PARSER_VERSION = "7"


class ParseError(ValueError):
    """A source file that its parser cannot read; the message names the file."""


def parse_source(
    source: Source, paths: list[Path], secondary: dict[str, Path] | None = None
) -> list[Provision]:
    """The provisions of one source, read from its verified files; `secondary` are further
    verified files by what they hold (`ai-factories`)."""
    context = ActContext(source.id, source.version, source.authority, source.url, source.prefix)
    try:
        if source.format == "formex":
            documents = [doc for path in paths for doc in formex_documents(path)]
            return parse_formex(documents, context)
        if source.format == "eurlex-html":
            from ingest.parse.eurlex_html import parse_eurlex_html

            return parse_eurlex_html(paths[0].read_bytes(), str(paths[0]), context)
        if source.format == "commission-pdf":
            from ingest.parse.commission_pdf import parse_commission_pdf

            # "#page=N" deep links need the PDF's own address, not the landing page's.
            return parse_commission_pdf(
                paths[0], source_id=source.id, prefix=source.prefix, title=source.label or source.title,
                version=source.version, authority=source.authority, url=source.files[0].url,
            )  # fmt: skip
        if source.format == "communication":
            return _communication(source, paths[0], secondary or {})
    except ParseError:
        raise
    except (FormexError, ValueError) as error:  # PdfParseError and UnitsError are ValueErrors
        raise ParseError(str(error)) from error
    raise ParseError(f"{source.id}: no parser for format {source.format!r}")


def _communication(source: Source, path: Path, secondary: dict[str, Path]) -> list[Provision]:
    """A communication from the official PDF or from a local copy of its units; the map of
    AI Factories from the secondary file that holds it, where there is one."""
    from ingest.parse.communication import Document, communication_provisions, map_provision, units_from_json

    if path.suffix == ".json":
        units = units_from_json(path)
    else:
        from ingest.parse.commission_pdf import communication_units

        units = communication_units(path)
    pdf = next((f.url for f in source.files if f.name.endswith(".pdf")), source.url)
    document = Document(
        source.id, source.prefix, source.label or source.title, source.version, source.authority, pdf
    )
    provisions = communication_provisions(units, document)
    if (factories := secondary.get("ai-factories")) is not None:
        sections = {p.anchor: p for p in provisions}
        if (under := sections.get(f"{source.prefix}.sec-1-1")) is not None:
            at = provisions.index(under) + 1
            provisions.insert(at, map_provision(factories, under))
    return provisions
