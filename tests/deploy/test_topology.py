"""The compose topology, run natively on loopback: two `desk serve` replicas sharing a
`chroma run` server and PostgreSQL, filled by one `desk ingest`.

The fixture corpus keeps the ingest short; what is under test is that the replicas are
stateless (any replica continues any conversation) and that the desk rides out its vector
store going away and coming back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from desk.loadtest import run as run_load
from tests.conftest import (
    FIXTURES,
    free_port,
    secret_of,
    spawn_desk,
    start_desk,
    stop,
    wait_until_ready,
    write_fixture_manifest,
)

pytestmark = [pytest.mark.slow, pytest.mark.chroma_server]


def _chroma(folder: Path, port: int, log: Path) -> subprocess.Popen:
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wait_until_ready(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, "chroma run", timeout=60, log=log)
    return process


@pytest.fixture(scope="module")
def topology(tmp_path_factory, new_postgres_database):
    """Chroma server, PostgreSQL, one ingest, two replicas: the services of docker-compose.yml."""
    root = tmp_path_factory.mktemp("topology")
    corpus = root / "corpus"
    shutil.copytree(FIXTURES / "corpus", corpus)
    write_fixture_manifest(corpus)
    chroma_port = free_port()
    chroma = _chroma(root / "chroma", chroma_port, root / "chroma.log")
    env = {
        "DESK_DATA_DIR": str(root / "data"),
        "DESK_RATE_LIMIT__REQUESTS": "0",  # the test's own requests are not a flood
        "DESK_RATE_LIMIT__CONVERSATION_REQUESTS": "0",
        "DESK_CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
        "DESK_DATABASE_URL": new_postgres_database(),
        "DESK_CORPUS__SOURCES_FILE": str(corpus / "sources.toml"),
        "DESK_CORPUS__LOCAL_DIR": str(corpus),
    }
    ingest = subprocess.run(
        [sys.executable, "-m", "desk", "ingest"], env={**os.environ, **env}, capture_output=True, text=True
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    replicas = [start_desk(env, root / f"desk-{n}.log") for n in (1, 2)]
    state = {"chroma": chroma, "chroma_port": chroma_port, "root": root, "env": env}
    yield [url for _, url in replicas], state
    for process, _ in replicas:
        stop(process)
    stop(state["chroma"])


def test_any_replica_continues_any_conversation(topology):
    (first, second), _ = topology
    opened = httpx.post(f"{first}/api/chat", json={"question": "What does Article 1 say?"}, timeout=60)
    assert opened.status_code == 200, opened.text
    conversation, opens = opened.json()["conversation_id"], secret_of(opened.json())
    for turn in range(6):
        replica = (first, second)[turn % 2]
        answer = httpx.post(
            f"{replica}/api/chat",
            json={"question": f"And Article 2, point {turn}?", "conversation_id": conversation},
            headers=opens,
            timeout=60,
        )
        assert answer.status_code == 200, answer.text
    seen = [
        httpx.get(f"{url}/api/conversations/{conversation}", headers=opens, timeout=30).json()
        for url in (first, second)
    ]
    assert seen[0] == seen[1]
    assert len(seen[0]["turns"]) == 7


def test_load_spread_over_both_replicas_loses_nothing(topology):
    # `desk bench load` in a reduced size; the note reports the full 10,000-request run.
    urls, state = topology
    report = run_load(
        urls, requests=300, concurrency=8, max_seconds=600, database_url=state["env"]["DESK_DATABASE_URL"]
    )
    figures = report.figures
    assert figures["errors"] == 0, figures["errors_by_kind"]
    assert figures["stored"] == 300 and figures["lost"] == 0
    assert sorted(figures["per_replica"].values()) == [150, 150]


def test_chroma_going_away_is_a_clear_503_and_its_return_needs_no_restart(topology):
    (first, _), state = topology
    stop(state["chroma"])
    down = httpx.post(
        f"{first}/api/chat", json={"question": "Which systems are listed in Annex I?"}, timeout=60
    )
    assert down.status_code == 503 and "retry" in down.json()["error"] and "Traceback" not in down.text
    assert httpx.get(f"{first}/-/ready", timeout=30).status_code == 503

    state["chroma"] = _chroma(state["root"] / "chroma", state["chroma_port"], state["root"] / "chroma.log")
    deadline = time.monotonic() + 60
    while httpx.get(f"{first}/-/ready", timeout=30).status_code != 200:
        assert time.monotonic() < deadline, "the desk did not recover after Chroma came back"
        time.sleep(1)
    back = httpx.post(f"{first}/api/chat", json={"question": "What does Annex I list, again?"}, timeout=60)
    assert back.status_code == 200, back.text


def test_a_replica_started_while_chroma_is_down_recovers_without_restart(topology, tmp_path):
    _, state = topology
    stop(state["chroma"])
    env = state["env"]
    log = tmp_path / "late.log"
    late, url = spawn_desk(env, log)
    try:
        deadline = time.monotonic() + 120
        while True:  # up, but not ready: no vector store
            try:
                if httpx.get(f"{url}/-/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert late.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        assert (
            httpx.post(
                f"{url}/api/chat", json={"question": "What does Article 1 say?"}, timeout=60
            ).status_code
            == 503
        )
        state["chroma"] = _chroma(
            state["root"] / "chroma", state["chroma_port"], state["root"] / "chroma.log"
        )
        wait_until_ready(f"{url}/-/ready", late, "desk serve after Chroma came back", timeout=90, log=log)
        answer = httpx.post(f"{url}/api/chat", json={"question": "What does Article 1 say?"}, timeout=60)
        assert answer.status_code == 200, answer.text + log.read_text()[-3000:]
    finally:
        stop(late)
