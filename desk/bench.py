"""`desk bench api`: latency and throughput of the chat API under concurrent clients.

Loopback only and bounded: a fixed number of requests per concurrency level. Starts its
own `desk serve` (the settings from the environment) unless given `--url`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

import aiohttp
import httpx
import psutil

QUESTIONS = [
    "Which AI practices are prohibited?",
    "Is an AI system that filters job applications high-risk?",
    "What are the obligations of deployers of high-risk AI systems?",
    "What obligations do providers of general-purpose AI models have?",
    "What fines apply for prohibited AI practices?",
    "When do the rules for high-risk AI systems apply?",
    "What is a deployer?",
    "Is emotion recognition at the workplace prohibited?",
    "What must providers of high-risk AI systems document?",
    "Who must register high-risk AI systems in the EU database?",
    "What transparency obligations apply to chatbots?",
    "What is an AI regulatory sandbox?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def _level(url: str, concurrency: int, requests: int, unique: bool) -> dict:
    """One concurrency level: `concurrency` clients share `requests` requests between them.

    The clients use aiohttp: they run on the same two cores as the server, and its client
    costs far less CPU per request than httpx's, so the figures measure the desk."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    timeout = aiohttp.ClientTimeout(total=120)

    async def client_loop(client: aiohttp.ClientSession) -> None:
        nonlocal errors
        for n in counter:
            question = QUESTIONS[n % len(QUESTIONS)]
            if unique:
                question = f"{question} (case {concurrency}-{n})"  # never asked before
            started = time.perf_counter()
            try:
                async with client.post(f"{url}/api/chat", json={"question": question}) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except (aiohttp.ClientError, TimeoutError):
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "throughput_rps": round(len(latencies) / elapsed, 1),
    }


def rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    total = process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))
    return round(total / 2**20, 1)


def start_server(port: int) -> subprocess.Popen:
    """`desk serve` in a process group of its own, so that stopping it stops its workers too."""
    if _port_taken(port):
        raise RuntimeError(f"port {port} is taken: stop what listens there or pass --port")
    server = subprocess.Popen(
        [sys.executable, "-m", "desk", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    why = "no answer"
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/-/ready", timeout=2)
            if response.status_code == 200:
                return server
            why = "; ".join(response.json().get("problems") or []) or response.text
        except (httpx.HTTPError, ValueError):
            pass
        if server.poll() is not None:
            raise RuntimeError(
                "desk serve exited: run `desk ingest` first, then `desk serve` by hand to see why"
            )
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(f"desk serve was not ready in 180 s ({why}); has `desk ingest` run?")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the server's whole group: uvicorn's parent and its worker processes."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def run(
    url: str | None, levels: list[int], requests: int, unique: bool, port: int
) -> tuple[list[dict], float | None]:
    server = None
    if url is None:
        server = start_server(port)
        url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_level(url, 2, 2 * len(QUESTIONS), unique=False))  # warm the model and caches
        results = [asyncio.run(_level(url, level, requests, unique)) for level in levels]
        memory = rss_mb(server.pid) if server else None
        return results, memory
    finally:
        if server is not None:
            stop_server(server)
