"""The references a provision makes to other provisions, resolved to anchors."""

from __future__ import annotations

import re

from desk.citations import find_citations, label_for, resolve
from desk.types import Provision, Reference
from ingest.amendments import AI_ACT, amended_act, amended_provision

# A mention in an article that amends another act names the AI Act only when it says so.
_OF_THE_AI_ACT = re.compile(rf"\s*of Regulation \(EU\) {re.escape(AI_ACT)}\b")


def link_references(provisions: list[Provision], in_force: set[str]) -> list[Provision]:
    """Each provision with the AI Act provisions its own words mention.

    Mentions resolve against the anchors of the law in force (`in_force`); one that
    names nothing there (a provision of another act, a deleted one) keeps its words and
    no anchor. A provision's mention of itself is left out.

    In an amending act, an instruction's first reference is the provision it changes
    (ingest/amendments.py); in its articles that amend other acts, only mentions that
    name the AI Act ("Article 6(1) of Regulation (EU) 2024/1689") are the AI Act's.
    """
    by_anchor = {p.anchor: p for p in provisions}
    linked = []
    for provision in provisions:
        chain = _instruction_chain(provision, by_anchor)
        amends = amended_act(chain[0].text) if chain else None
        if amends is None:
            linked.append(_with_references(provision, in_force))
        elif amends == AI_ACT:
            target = amended_provision([p.text for p in chain[1:]], in_force) if len(chain) > 1 else None
            linked.append(_with_references(provision, in_force, first=target))
        else:
            linked.append(_with_references(provision, in_force, only_naming_the_act=True))
    return linked


def _instruction_chain(provision: Provision, by_anchor: dict[str, Provision]) -> list[Provision]:
    """The provision and those enclosing it, outermost first (the article, its point, …)."""
    chain = [provision]
    while chain[0].parent and chain[0].parent in by_anchor:
        chain.insert(0, by_anchor[chain[0].parent])
    return chain


def _with_references(
    provision: Provision, in_force: set[str], *, first: str | None = None, only_naming_the_act: bool = False
) -> Provision:
    seen: dict[str, Reference] = {}
    if first:
        seen[first] = Reference(text=label_for(first), anchor=first)
    for found in find_citations(provision.text):
        if only_naming_the_act and not _OF_THE_AI_ACT.match(provision.text, found.end):
            continue
        anchor = resolve(found.anchor, in_force)
        key = anchor or found.text
        if anchor == provision.anchor or key in seen:
            continue
        seen[key] = Reference(text=found.text, anchor=anchor)
    return provision.model_copy(update={"references": tuple(seen.values())})
