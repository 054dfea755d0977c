"""`desk bench load`: the chat API under sustained load, and a count of what was kept.

Drives `POST /api/chat` on one or more replicas (round robin, loopback only) with a bounded
number of requests and a time limit, then reads the database the replicas share and checks
that every answered question is there, with its answer: under load nothing may be lost.
Each question carries the run's id, so runs never mix and a check reads only its own.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import aiohttp
from sqlalchemy import select

from desk.bench import QUESTIONS, percentile
from desk.store import Store
from desk.store.models import AnswerRecord

LOOPBACK = ("http://127.", "http://localhost", "http://[::1]")


@dataclass
class LoadReport:
    run_id: str
    requests: int
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # by status, or by exception name
    answered: dict[str, str] = field(default_factory=dict)  # answer id -> question asked
    per_replica: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # answered, but not in the database
    mismatched: list[str] = field(default_factory=list)  # in the database with another question

    @property
    def figures(self) -> dict:
        done = len(self.latencies_ms)
        return {
            "run_id": self.run_id,
            "requests": done,
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 1),
            "throughput_rps": round(done / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": round(statistics.median(self.latencies_ms), 1) if done else None,
            "p95_ms": round(percentile(self.latencies_ms, 0.95), 1) if done else None,
            "p99_ms": round(percentile(self.latencies_ms, 0.99), 1) if done else None,
            "errors": sum(self.errors.values()),
            "errors_by_kind": dict(self.errors),
            "per_replica": dict(self.per_replica),
            "stored": len(self.answered) - len(self.missing),
            "lost": len(self.missing) + len(self.mismatched),
        }


def run(
    urls: list[str], requests: int, concurrency: int, max_seconds: float, database_url: str
) -> LoadReport:
    for url in urls:
        if not url.startswith(LOOPBACK):
            raise ValueError(f"{url}: the load test only drives a desk on this machine (loopback)")
    report = LoadReport(run_id=uuid.uuid4().hex[:8], requests=requests, concurrency=concurrency, seconds=0.0)
    _run_to_end(_drive(urls, report, max_seconds))
    _check_stored(report, database_url)
    return report


def _run_to_end(work) -> None:
    """Run a coroutine to its end, also from a thread whose own event loop is running (a
    test session that drives a browser has one): then on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(work)
        return
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, work).result()


async def _drive(urls: list[str], report: LoadReport, max_seconds: float) -> None:
    counter = iter(range(report.requests))
    deadline = time.monotonic() + max_seconds
    timeout = aiohttp.ClientTimeout(total=120)

    async def client_loop(client: aiohttp.ClientSession) -> None:
        for n in counter:
            if time.monotonic() > deadline:
                return
            url = urls[n % len(urls)]
            question = f"{QUESTIONS[n % len(QUESTIONS)]} [load {report.run_id}-{n}]"
            started = time.perf_counter()
            try:
                async with client.post(f"{url}/api/chat", json={"question": question}) as response:
                    body = await response.json(content_type=None)
                    if response.status == 200:
                        report.answered[body["id"]] = question
                        report.per_replica[url] += 1
                    else:
                        report.errors[str(response.status)] += 1
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                report.errors[type(error).__name__] += 1
            report.latencies_ms.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=report.concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(report.concurrency)))
        report.seconds = time.perf_counter() - started


def _check_stored(report: LoadReport, database_url: str) -> None:
    """Every answer the API returned is in the database, under the question it was asked."""
    store = Store(database_url)
    try:
        ids = list(report.answered)
        stored: dict[str, str] = {}
        with store.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = connection.execute(
                    select(AnswerRecord.id, AnswerRecord.question).where(AnswerRecord.id.in_(chunk))
                )
                stored.update({row.id: row.question for row in rows})
    finally:
        store.close()
    for answer_id, question in report.answered.items():
        if answer_id not in stored:
            report.missing.append(answer_id)
        elif stored[answer_id] != question:
            report.mismatched.append(answer_id)
