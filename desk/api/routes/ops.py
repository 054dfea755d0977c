"""Read-only introspection for operators: health, readiness, configuration, metrics.

Health and readiness are always open (load balancers and Docker's healthcheck ask them);
configuration and metrics need the operators' token when `DESK_OPS__TOKEN` is set.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from desk.api.state import StateDep
from desk.backends import available_backends

router = APIRouter(tags=["operations"])


def _operators_only(request: Request, state: StateDep) -> None:
    """401 unless the request carries `Authorization: Bearer <ops token>`, when one is set."""
    token = state.settings.ops.token
    if token is None:
        return
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not _same(sent.strip(), token.get_secret_value()):
        raise HTTPException(
            401,
            "this route needs the operators' token: send Authorization: Bearer <DESK_OPS__TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _same(sent: str, token: str) -> bool:
    return hmac.compare_digest(sent.encode(), token.encode())  # in constant time: no guessing by timing


OperatorsOnly = [Depends(_operators_only)]


@router.get("/-/health")
def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/-/ready")
def ready(state: StateDep) -> JSONResponse:
    """The index, the vector store and the database all answer."""
    if state.answerer is None:
        state.reopen_if_due()
    checks = {"index": state.answerer is not None, "vector_store": False, "database": state.store.ping()}
    if state.index is not None:
        try:
            checks["vector_store"] = state.index.dense.count() == state.index.manifest.passages
        except Exception:  # chromadb raises bare exceptions when its server is gone
            checks["vector_store"] = False
    ok = all(checks.values())
    body = {"status": "ready" if ok else "not ready", "checks": checks, "problems": state.problems}
    return JSONResponse(body, status_code=200 if ok else 503)


@router.get("/-/config", dependencies=OperatorsOnly)
def config(state: StateDep) -> dict:
    """What the desk runs with; never a secret."""
    state.swap_if_published()  # an operator watching for the adapted model need not ask a question
    settings = state.settings
    index = state.index
    return {
        "backend": settings.backend.model_dump(mode="json", exclude={"api_key"})
        | {"api_key_set": settings.backend.api_key is not None},
        "backends_installed": available_backends(),
        "index": index.name if index else None,
        "corpus_version": index.manifest.corpus_version if index else None,
        # The model questions are embedded with: the one the index was built with (an
        # adapted model's folder by default), else the settings' own.
        "embedding_model": index.manifest.embedding_model if index else settings.embedding.model,
        # What runs it for questions: "onnx-int8" (the index's exported encoder) or "torch".
        "question_encoder": state.answerer.retriever.embedder.runtime if state.answerer else None,
        "vector_store": "chroma server" if settings.chroma_url else "chroma embedded",
        "database": settings.database_url.split("://", 1)[0],
        "settings_hash": settings.fingerprint(),
    }


@router.get("/metrics", include_in_schema=False, dependencies=OperatorsOnly)
def metrics(state: StateDep) -> Response:
    return Response(state.metrics.render(), media_type="text/plain; version=0.0.4")
