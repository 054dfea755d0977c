"""The references a provision makes to other provisions, resolved to anchors."""

from __future__ import annotations

from desk.citations import find_citations, resolve
from desk.types import Provision, Reference


def link_references(provisions: list[Provision], in_force: set[str]) -> list[Provision]:
    """Each provision with the AI Act provisions its own words mention.

    Mentions resolve against the anchors of the law in force (`in_force`); one that
    names nothing there (a provision of another act, a deleted one) keeps its words and
    no anchor. A provision's mention of itself is left out.
    """
    return [_with_references(provision, in_force) for provision in provisions]


def _with_references(provision: Provision, in_force: set[str]) -> Provision:
    seen: dict[str, Reference] = {}
    for found in find_citations(provision.text):
        anchor = resolve(found.anchor, in_force)
        key = anchor or found.text
        if anchor == provision.anchor or key in seen:
            continue
        seen[key] = Reference(text=found.text, anchor=anchor)
    return provision.model_copy(update={"references": tuple(seen.values())})
