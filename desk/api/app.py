"""The desk's HTTP service, built by `create_app(settings)`.

Clients (index, vector store, model, database) open in the lifespan, never at import, so
one process can build several apps (the tests do) and a worker starts clean.

Errors answer as JSON `{"error": ...}` with a status a client can act on:
    400  a body that cannot be read, or a Host the desk does not answer to (desk/api/hosts.py)
    401  an operators' route without the operators' token, when one is set
    403  an API call from a page on a site not allowed (desk/api/origins.py)
    404  no such conversation or provision
    408  a body that did not arrive in time (desk/api/body_deadline.py)
    413  a body too large (desk/api/limits.py)
    422  the request is malformed (empty or over-long question, wrong type, bad JSON)
    429  too many questions from one client (desk/ratelimit.py)
    503  a part the desk needs is down (index, vector store, database); retry later
    500  a bug; the message says so and no stack trace leaves the process
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from desk.api.body_deadline import BodyDeadline
from desk.api.headers import SecurityHeaders
from desk.api.hosts import AllowedHosts
from desk.api.limits import BodyLimit
from desk.api.logs import RequestLog
from desk.api.metrics import Metrics
from desk.api.openapi import document_problems
from desk.api.origins import add_origin_rules
from desk.api.routes import chat, docs, favicon, feedback, ops, passages, timeline, widget
from desk.api.routes.review import install as install_review
from desk.api.state import DeskState, ServiceUnavailable
from desk.index.layout import ENCODER_DIR, IndexUnavailable
from desk.index.vectors import VectorStoreUnavailable
from desk.ratelimit import RateLimiter
from desk.review.intake import QueueIntake
from desk.settings import Settings
from desk.store import Store, StoreUnavailable

log = logging.getLogger("desk")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        store = Store(settings.database_url)
        store.migrate()
        state = DeskState(
            settings=settings,
            store=store,
            metrics=metrics,
            opener=_open_answering,
            rate_limiter=RateLimiter(store.engine, settings.rate_limit),
            queue_intake=QueueIntake(store.engine, settings.review),
        )
        metrics.count_backlog_with(lambda: _backlog(store))
        metrics.count_declined_questions_with(lambda: _declined_questions(store))
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
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: desk/api/routes/docs.py serves them
        redoc_url=None,
    )
    routers = (chat.router, passages.router, timeline.router, ops.router, feedback.router, widget.router)
    for router in (*routers, favicon.router):
        app.include_router(router)
    install_review(app)  # staff review: /api/review (JSON) and the /review pages
    docs.install(app)  # /docs and /redoc, with their assets served by the desk
    add_origin_rules(app, settings.cors_origins)
    _add_error_handlers(app)
    document_problems(app, settings)
    app.add_middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors)
    app.add_middleware(RequestLog, observe=metrics.request)
    app.add_middleware(BodyDeadline, seconds=settings.body_timeout_s)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # before any read
    app.add_middleware(AllowedHosts, allowed_hosts=settings.allowed_hosts)  # outermost: before anything
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and `desk serve` workers: settings from the environment."""
    return create_app(Settings())


def _open_answering(state: DeskState) -> None:
    """Open the index and build the answerer; without an index the app still serves 503s."""
    from desk.answering.answerer import Answerer
    from desk.backends import get_backend
    from desk.embedder import EmbedderError, embedder_for_index
    from desk.index import LoadedIndex
    from desk.microbatch import MicroBatchingEmbedder
    from desk.retrieval import HybridRetriever

    settings = state.settings
    try:
        index = LoadedIndex.open(settings)
    except (IndexUnavailable, VectorStoreUnavailable) as error:
        state.problems.append(str(error))
        log.warning("desk starts without an index: %s", error)
        return
    try:
        embedder = embedder_for_index(
            index.manifest.embedding_model, settings.embedding, encoder=index.folder / ENCODER_DIR
        )
    except EmbedderError as error:
        state.problems.append(str(error))
        log.warning("desk starts without its embedding model: %s", error)
        return
    if settings.embedding.micro_batch:
        embedder = MicroBatchingEmbedder(embedder, max_batch=settings.embedding.batch_size)
    answerer = Answerer(
        HybridRetriever(index, embedder),
        get_backend(settings.backend),
        settings,
        index.manifest.corpus_version,
    )
    # Both at once, and only when whole: a request meanwhile sees the desk not ready, never half open.
    state.index, state.answerer = index, answerer
    _mark_stale_answers(state)


def _backlog(store: Store) -> float:
    from desk.review.queue import backlog

    return _read(store, backlog)


def _declined_questions(store: Store) -> float:
    from desk.review.dashboard import declined_questions

    return _read(store, declined_questions)


def _read(store: Store, figure) -> float:
    try:
        with store.engine.connect() as connection:
            return figure(connection)
    except SQLAlchemyError:  # the database is down: the gauge says "unknown", not 0
        return float("nan")


def _mark_stale_answers(state: DeskState) -> None:
    """Answers given on an earlier corpus that cite provisions it changed go to review."""
    from desk.history import text_now

    index = state.index
    try:
        flagged = state.store.mark_stale(index.manifest.corpus_version, lambda pid: text_now(index, pid))
    except SQLAlchemyError as error:  # the desk still answers; the next start checks again
        log.warning("could not check stored answers for staleness: %s", error)
        return
    if flagged:
        log.info(
            "%d stored answers cite provisions the corpus %s changed: flagged stale", flagged, index.name
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

    # Starlette's class: FastAPI's own is a subclass, and Starlette raises its own for an
    # unknown route (404), a wrong method (405) or a body it cannot parse (400).
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        response = _problem(error.status_code, str(error.detail))
        response.headers.update(error.headers or {})  # Retry-After of a 429, for one
        return response

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
