"""`desk bench api`: it drives a real `desk serve`, reports figures, and leaves nothing running."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import free_port

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def _bench(corpus_settings, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": corpus_settings.database_url,
        "DESK_RATE_LIMIT__REQUESTS": "0",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "desk", "bench", "api", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_bench_api_reports_each_level_and_stops_its_server(corpus_settings):
    port = free_port()
    done = _bench(corpus_settings, "--requests", "12", "-c", "1", "-c", "4", "--unique", "--port", str(port))
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout[done.stdout.index('{\n  "levels"') :])
    assert [level["concurrency"] for level in figures["levels"]] == [1, 4]
    for level in figures["levels"]:
        assert level["requests"] == 12 and level["errors"] == 0
        assert 0 < level["p50_ms"] <= level["p95_ms"]
        assert level["throughput_rps"] > 0
    assert figures["server_rss_mb"] > 100  # the server and its workers, each holding the model
    # The server's worker processes went with it: the port is free again.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_bench_api_says_when_its_port_is_taken(corpus_settings):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _bench(corpus_settings, "--requests", "1", "-c", "1", "--port", str(port))
    assert done.returncode == 2
    assert f"port {port} is taken" in done.stderr
