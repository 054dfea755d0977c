"""The desk's HTTP service, built by `create_app(settings)`.

Clients (index, vector store, model, database) open in the lifespan, never at import, so
one process can build several apps (the tests do) and a worker starts clean.

Errors answer as JSON `{"error": ...}` with a status a client can act on:
    422  the request is malformed (empty or over-long question, wrong type, bad JSON)
    404  no such conversation or provision
    503  a part the desk needs is down (index, vector store, database); retry later
    500  a bug; the message says so and no stack trace leaves the process
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from desk.api.metrics import Metrics
from desk.api.routes import chat, ops, passages, timeline
from desk.api.state import DeskState, ServiceUnavailable
from desk.index.layout import IndexUnavailable
from desk.index.vectors import VectorStoreUnavailable
from desk.settings import Settings
from desk.store import Store, StoreUnavailable

log = logging.getLogger("desk")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = Store(settings.database_url)
        store.migrate()
        state = DeskState(settings=settings, store=store, metrics=Metrics())
        _open_answering(state)
        app.state.desk = state
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="AI Act Service Desk",
        version="0.1.0",
        description="Answers questions on the EU AI Act from the official texts, citing the provisions.",
        lifespan=lifespan,
    )
    for router in (chat.router, passages.router, timeline.router, ops.router):
        app.include_router(router)
    _add_error_handlers(app)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and `desk serve` workers: settings from the environment."""
    return create_app(Settings())


def _open_answering(state: DeskState) -> None:
    """Open the index and build the answerer; without an index the app still serves 503s."""
    from desk.answering.answerer import Answerer
    from desk.backends import get_backend
    from desk.embedder import embedder_from_settings
    from desk.index import LoadedIndex
    from desk.retrieval import HybridRetriever

    settings = state.settings
    try:
        state.index = LoadedIndex.open(settings)
    except (IndexUnavailable, VectorStoreUnavailable) as error:
        state.problems.append(str(error))
        log.warning("desk starts without an index: %s", error)
        return
    embedder = embedder_from_settings(settings.embedding)
    retriever = HybridRetriever(state.index, embedder)
    state.answerer = Answerer(
        retriever, get_backend(settings.backend), settings, state.index.manifest.corpus_version
    )


def _problem(status: int, error: str, detail: list[dict] | None = None) -> JSONResponse:
    body: dict = {"error": error}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse(body, status_code=status)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        detail = [
            {
                "field": ".".join(str(p) for p in item.get("loc", ()) if p != "body"),
                "message": item.get("msg", ""),
            }
            for item in error.errors()
        ]
        summary = "; ".join(f"{d['field'] or 'body'}: {d['message']}" for d in detail)
        return _problem(422, f"invalid request: {summary}", detail)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        return _problem(error.status_code, str(error.detail))

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(VectorStoreUnavailable)
    @app.exception_handler(StoreUnavailable)
    @app.exception_handler(SQLAlchemyError)
    async def unavailable(_request: Request, error: Exception) -> JSONResponse:
        log.warning("service unavailable: %s", error)
        message = str(error) if not isinstance(error, SQLAlchemyError) else "the database is unavailable"
        return _problem(503, f"{message}; please retry shortly")

    @app.exception_handler(Exception)
    async def bug(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return _problem(500, "the desk failed to answer (an internal error, logged); please retry")
