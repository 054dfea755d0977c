"""The full text of a provision, by anchor (`art-6.par-2`) or label (`Article 6(2)`)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from desk.api.schemas import Problem, ProvisionOut, ReferenceOut
from desk.api.state import StateDep
from desk.citations import CitationError, label_for, parse_citation, resolve

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
    try:
        found = resolve(parse_citation(anchor), index.anchors())
    except CitationError:
        found = None
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
