"""Prometheus metrics, one registry per app (so tests can build many apps)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from desk.types import Answer


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

    def observe(self, answer: Answer) -> None:
        self.answers.labels(answer.backend, str(answer.declined).lower()).inc()
        for flag in answer.flags:
            self.flags.labels(flag.value).inc()
        self.latency.observe(answer.latency_ms / 1000)

    def render(self) -> bytes:
        return generate_latest(self.registry)
