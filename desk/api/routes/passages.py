"""The full text of a provision, by anchor (`art-6.par-2`) or label (`Article 6(2)`)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from desk.api.schemas import (
    AmendedOut,
    ChangeOut,
    Problem,
    ProvisionHistoryOut,
    ProvisionOut,
    ReferenceOut,
    VersionOut,
)
from desk.api.state import StateDep
from desk.citations import CitationError, label_for, parse_citation, resolve
from desk.history import amended_provisions, provision_history
from desk.index import LoadedIndex
from desk.types import Provision

router = APIRouter(prefix="/api", tags=["provisions"])


@router.get(
    "/passages/{anchor}",
    response_model=ProvisionOut,
    responses={404: {"model": Problem}, 503: {"model": Problem}},
)
def passage(anchor: str, state: StateDep) -> ProvisionOut:
    """A provision in force, with its label, link, version, authority and references."""
    state.require_answerer()
    index = state.index
    found = _find(index, anchor)
    provision = index.provision(found) if found else None
    if provision is None:
        raise HTTPException(404, f"no provision {anchor!r} in the corpus")
    return ProvisionOut(
        **provision.model_dump(exclude={"references", "parent", "page", "heading_path"}),
        heading_path=list(provision.heading_path),
        references=[
            ReferenceOut(text=r.text, anchor=r.anchor, label=label_for(r.anchor) if r.anchor else None)
            for r in provision.references
        ],
        other_versions=[p.source_id for p in index.versions(provision.anchor)[1:]],
    )


@router.get(
    "/provisions/{anchor}/history",
    response_model=ProvisionHistoryOut,
    responses={404: {"model": Problem}, 503: {"model": Problem}},
)
def history(anchor: str, state: StateDep) -> ProvisionHistoryOut:
    """A provision as published in 2024 and as in force since Regulation (EU) 2026/1744, side
    by side, with the words that changed."""
    state.require_answerer()
    found = _find(state.index, anchor)
    versions = provision_history(state.index, found) if found else None
    if versions is None:
        raise HTTPException(404, f"no provision {anchor!r} in the corpus")
    return ProvisionHistoryOut(
        anchor=versions.anchor,
        label=versions.label,
        changed=versions.changed,
        amended_by=versions.amended_by,
        before=_version(versions.before),
        in_force=_version(versions.in_force),
        changes=[ChangeOut(op=c.op, text=c.text) for c in versions.changes],
    )


@router.get("/amendments", response_model=list[AmendedOut], responses={503: {"model": Problem}})
def amendments(state: StateDep) -> list[AmendedOut]:
    """The provisions Regulation (EU) 2026/1744 changed, in the order of the Act."""
    state.require_answerer()
    return [
        AmendedOut(anchor=p.anchor, label=p.label, amendment=p.amendment, amended_by=p.amended_by)
        for p in amended_provisions(state.index)
    ]


def _find(index: LoadedIndex, anchor_or_label: str) -> str | None:
    try:
        return resolve(parse_citation(anchor_or_label), index.anchors())
    except CitationError:
        return None


def _version(provision: Provision | None) -> VersionOut | None:
    if provision is None:
        return None
    return VersionOut(
        source_id=provision.source_id,
        version=provision.version,
        text=provision.text,
        deep_link=provision.deep_link,
        amendment=provision.amendment,
    )
