"""Parsers of the official formats, one per format named in `corpus/sources.toml`."""

from __future__ import annotations

from pathlib import Path

from desk.sources import Source
from desk.types import Provision
from ingest.parse.formex import FormexError, formex_documents, parse_formex
from ingest.parse.structure import ActContext

# Bump when a parser, the reference linking or the chunker changes its output: it renames the index.
PARSER_VERSION = "3"


class ParseError(ValueError):
    """A source file that its parser cannot read; the message names the file."""


def parse_source(source: Source, paths: list[Path]) -> list[Provision]:
    """The provisions of one source, read from its verified files."""
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
    except ParseError:
        raise
    except (FormexError, ValueError) as error:
        raise ParseError(str(error)) from error
    raise ParseError(f"{source.id}: no parser for format {source.format!r}")
