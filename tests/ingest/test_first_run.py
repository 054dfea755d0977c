"""The first run (issue 18): `desk ingest --packaged-first` indexes with the packaged model and
`desk serve` answers at once; it adapts the model in a background process, and its workers swap
the adapted index in when it is published, without a request failing (real commands, real
model, real training on the fixture corpus)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from desk.embedder import is_adapted
from tests.conftest import start_desk, stop

QUESTION = {"question": "What must providers of high-risk AI systems do?"}
SWAP_WITHIN_S = 600  # the adaptation of the fixture corpus takes well under a minute; a slow CI more


def _environment(fixture_corpus: Path, data: Path, models: Path) -> dict[str, str]:
    return {
        "DESK_DATA_DIR": str(data),
        "DESK_MODELS_DIR": str(models),
        "DESK_CORPUS__SOURCES_FILE": str(fixture_corpus / "sources.toml"),
        "DESK_CORPUS__LOCAL_DIR": str(fixture_corpus),
        "DESK_DATABASE_URL": f"sqlite:///{data / 'desk.sqlite3'}",
        "DESK_EMBEDDING__ADAPT": "true",  # the desk's default; the tests turn it off elsewhere
    }


def _ingest(env: dict[str, str], *flags: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "desk", "ingest", "--json", *flags],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_first_run_serves_the_packaged_model_then_swaps_in_the_adapted_one(fixture_corpus, tmp_path):
    env = _environment(fixture_corpus, tmp_path / "data", tmp_path / "models")
    first = _ingest(env, "--packaged-first")
    assert first["built"] and not first["adapted"] and not is_adapted(first["model"])
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())

    process, url = start_desk(env, tmp_path / "desk.log", workers=2)
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            config = client.get("/-/config").json()
            assert config["index"] == first["index"] and config["embedding_model"] == first["model"]
            assert config["question_encoder"] == "onnx-int8"  # the packaged index's own export
            statuses, served_by = [], set()
            deadline = time.monotonic() + SWAP_WITHIN_S
            while time.monotonic() < deadline:
                answer = client.post("/api/chat", json=QUESTION)
                statuses.append(answer.status_code)
                served_by.add(client.get("/-/config").json()["embedding_model"])
                if any(is_adapted(model) for model in served_by) and len(statuses) > 3:
                    # both workers: each swaps on its own; ask until neither serves the old one
                    models = {client.get("/-/config").json()["embedding_model"] for _ in range(8)}
                    if all(is_adapted(model) for model in models):
                        break
                time.sleep(0.5)
            assert set(statuses) == {200}, statuses  # no request failed before, during or after the swap
            adapted = client.get("/-/config").json()
            assert is_adapted(adapted["embedding_model"]) and adapted["index"] != first["index"]
            assert adapted["question_encoder"] == "onnx-int8"  # the adapted index brings its own export
            assert client.post("/api/chat", json=QUESTION).json()["citations"]
    finally:
        stop(process)
    log = (tmp_path / "data" / "logs" / "adapt.log").read_text(encoding="utf-8")
    assert "adapted to the corpus" in log

    # The next `make run`: the adapted index is served, nothing is adapted or built again.
    again = _ingest(env, "--packaged-first")
    assert not again["built"] and again["index"] == adapted["index"]


def test_serve_adapts_nothing_when_the_index_is_already_the_adapted_models(fixture_corpus, tmp_path):
    env = _environment(fixture_corpus, tmp_path / "data", tmp_path / "models")
    adapted = _ingest(env)
    assert adapted["adapted"] or is_adapted(adapted["model"])
    process, url = start_desk(env, tmp_path / "desk.log")
    try:
        assert httpx.get(f"{url}/-/config").json()["embedding_model"] == adapted["model"]
    finally:
        stop(process)
    assert not (tmp_path / "data" / "logs" / "adapt.log").exists()
    assert "adapting the model in the background" not in (tmp_path / "desk.log").read_text(encoding="utf-8")
