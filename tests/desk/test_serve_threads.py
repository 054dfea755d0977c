"""`desk serve` shares the cores among its workers: torch's threads and the BLAS and OpenMP
pools numpy and torch start, which otherwise each take every core in every worker and spin
against each other (issue 18: 33 questions a second at 8 clients with them, 60 without)."""

from __future__ import annotations

import os
import time

import psutil
import pytest

from tests.conftest import spawn_desk, stop

POOLS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "DESK_EMBEDDING__THREADS")


def _workers_environ(process, workers: int, deadline_s: float = 60) -> list[dict[str, str]]:
    """The environment of each of `desk serve`'s worker processes, once they have started."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        children = psutil.Process(process.pid).children(recursive=True)
        if len(children) >= workers:
            try:
                return [child.environ() for child in children]
            except psutil.Error:
                pass
        time.sleep(0.2)
    raise AssertionError(f"desk serve did not start {workers} workers in {deadline_s} s")


@pytest.fixture
def serving_env(tmp_path, monkeypatch):
    for pool in POOLS:
        monkeypatch.delenv(pool, raising=False)
    return {
        "DESK_DATA_DIR": str(tmp_path / "data"),
        "DESK_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
    }


def test_each_worker_gets_its_share_of_the_cores_for_every_thread_pool(serving_env, tmp_path):
    process, _ = spawn_desk(serving_env, tmp_path / "serve.log", workers=2)
    try:
        share = str(max(1, (os.cpu_count() or 1) // 2))
        for environ in _workers_environ(process, 2):
            assert {pool: environ.get(pool) for pool in POOLS} == dict.fromkeys(POOLS, share)
    finally:
        stop(process)


def test_each_worker_accepts_one_connection_at_a_time(serving_env, tmp_path):
    """libuv's switch: without it one worker took whole bursts of kept-alive connections
    while the other idled (`desk bench api --unique`, 8 clients: 83 questions a second in
    half the runs, 131 to 146 with it in every run). What it buys is a benchmark figure."""
    process, _ = spawn_desk(serving_env, tmp_path / "serve.log", workers=2)
    try:
        assert all(environ.get("UV_TCP_SINGLE_ACCEPT") == "1" for environ in _workers_environ(process, 2))
    finally:
        stop(process)


def test_an_operators_own_setting_stands(serving_env, tmp_path):
    process, _ = spawn_desk({**serving_env, "OMP_NUM_THREADS": "3"}, tmp_path / "serve.log", workers=2)
    try:
        assert all(environ["OMP_NUM_THREADS"] == "3" for environ in _workers_environ(process, 2))
    finally:
        stop(process)
