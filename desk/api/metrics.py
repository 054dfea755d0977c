"""Prometheus metrics, one registry per app (so tests can build many apps)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from desk.types import Answer, Flag

_FALLBACKS = {Flag.BACKEND_FAILED, Flag.BACKEND_GARBAGE}
_STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    def __init__(self):
        self.registry = CollectorRegistry()
        self.answers = Counter(
            "desk_answers", "Answers given", ["backend", "declined"], registry=self.registry
        )
        self.flags = Counter("desk_answer_flags", "Flags raised on answers", ["flag"], registry=self.registry)
        self.latency = Histogram(
            "desk_answer_seconds",
            "Time to answer a question",
            buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.errors = Counter("desk_http_errors", "Error responses", ["status"], registry=self.registry)
        self.requests = Histogram(
            "desk_request_seconds",
            "HTTP requests by route and status",
            ["method", "route", "status"],
            buckets=_STEP_BUCKETS,
            registry=self.registry,
        )
        self.steps = Histogram(
            "desk_step_seconds",
            "Time spent per answering step (retrieval, generation by the backend)",
            ["step"],
            buckets=_STEP_BUCKETS,
            registry=self.registry,
        )
        self.fallbacks = Counter(
            "desk_backend_fallbacks", "Answers the extractive fallback wrote instead", registry=self.registry
        )
        self.declines = Counter(
            "desk_declines",
            "Questions not answered from the AI Act, by why (other_regime, unrelated); counted, not queued",
            ["scope"],
            registry=self.registry,
        )
        self.backlog = Gauge(
            "desk_review_backlog",
            "Questions waiting for staff review, identical questions once (read at scrape time)",
            registry=self.registry,
        )
        # Not a label per question: anyone can ask, and every new question would be a new series.
        self.declined_questions = Gauge(
            "desk_declined_questions",
            "Distinct questions declined in the last 30 days, identical questions once; the review "
            "dashboard lists the most asked (read at scrape time)",
            registry=self.registry,
        )

    def observe(self, answer: Answer) -> None:
        self.answers.labels(answer.backend, str(answer.declined).lower()).inc()
        if answer.scope is not None:
            self.declines.labels(answer.scope.value).inc()
        for flag in answer.flags:
            self.flags.labels(flag.value).inc()
        if _FALLBACKS & set(answer.flags):
            self.fallbacks.inc()
        self.latency.observe(answer.latency_ms / 1000)
        for step, ms in answer.timings_ms.items():
            self.steps.labels(step).observe(ms / 1000)

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).observe(seconds)
        if status >= 400:
            self.errors.labels(str(status)).inc()

    def count_backlog_with(self, count: Callable[[], int]) -> None:
        """The backlog is the database's: read when Prometheus scrapes, from any replica."""
        self.backlog.set_function(count)

    def count_declined_questions_with(self, count: Callable[[], int]) -> None:
        self.declined_questions.set_function(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)
