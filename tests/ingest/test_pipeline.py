"""The whole ingest on the fixture corpus: real model, real Chroma (embedded and server)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desk.index import IndexLayout, LoadedIndex
from desk.index.layout import CHROMA_DIR
from desk.index.vectors import DenseIndex, open_client
from desk.retrieval import HybridRetriever
from desk.settings import Settings
from ingest.fetch import ChecksumMismatch
from ingest.parse import ParseError
from ingest.pipeline import ingest
from tests.conftest import write_fixture_manifest


def _ingest(settings: Settings, embedder, **options):
    return ingest(settings, lambda: embedder, **options)


def _edit(corpus: Path, old: str, new: str, *, update_manifest: bool = True) -> None:
    path = corpus / "mini-consolidated.fmx.xml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    if update_manifest:
        write_fixture_manifest(corpus)


def test_ingest_builds_an_index_that_answers(fixture_settings, embedder):
    report = _ingest(fixture_settings, embedder)
    assert report.built and report.embedded == report.passages > 0
    index = LoadedIndex.open(fixture_settings)
    assert index.name == report.index_name
    assert {p.anchor for p in index.passages} >= {
        "rct-1",
        "rct-2",
        "art-1.par-1",
        "art-2.pt-2a",
        "anx-I.pt-1",
    }
    assert "art-1.par-3" not in {p.anchor for p in index.passages}  # deleted
    top = HybridRetriever(index, embedder).search("analyse and filter job applications", k=3)
    assert top[0].anchor == "anx-I.pt-1"
    cited = HybridRetriever(index, embedder).search("What does Article 2, point (2a) say?", k=3)
    assert cited[0].anchor == "art-2.pt-2a"
    # OJ articles are kept for look-up, the recitals indexed; the law in force answers first
    assert index.provision("art-1.par-2").source_id == "ai-act-consolidated"
    assert [p.source_id for p in index.versions("art-1.par-2")] == ["ai-act-consolidated", "ai-act-oj"]


def test_a_second_ingest_embeds_nothing(fixture_settings, embedder):
    first = _ingest(fixture_settings, embedder)
    second = _ingest(fixture_settings, embedder)
    assert not second.built and second.index_name == first.index_name
    forced = _ingest(fixture_settings, embedder, force=True)
    assert forced.built and forced.embedded == 0 and forced.reused == first.passages


def test_an_edited_passage_is_embedded_again_alone(fixture_settings, fixture_corpus, embedder):
    first = _ingest(fixture_settings, embedder)
    _edit(fixture_corpus, "lays down harmonised rules", "lays down uniform rules")
    second = _ingest(fixture_settings, embedder)
    assert second.built and second.index_name != first.index_name
    assert second.embedded == 1
    index = LoadedIndex.open(fixture_settings)
    assert "uniform rules" in index.passage("ai-act-consolidated:art-1.par-1").text
    assert IndexLayout(fixture_settings.index_root).names() == [second.index_name]  # old one gone


@pytest.mark.chroma_server
def test_embedded_and_server_chroma_hold_the_same_passages(
    fixture_settings, embedder, chroma_server, tmp_path
):
    embedded = _ingest(fixture_settings, embedder)
    served_settings = fixture_settings.model_copy(
        update={"data_dir": tmp_path / "served", "chroma_url": chroma_server}
    )
    served = _ingest(served_settings, embedder)
    assert served.index_name == embedded.index_name
    local, remote = LoadedIndex.open(fixture_settings), LoadedIndex.open(served_settings)
    assert local.dense.ids() == remote.dense.ids() == {p.id for p in local.passages}
    question = "Which systems used for recruitment are high-risk?"
    local_top = [p.id for p in HybridRetriever(local, embedder).search(question, k=5)]
    remote_top = [p.id for p in HybridRetriever(remote, embedder).search(question, k=5)]
    assert local_top == remote_top
    # The exact search from memory agrees with Chroma's own (HNSW) search, on either store,
    # and the similarities of chosen passages are the search's.
    vector = embedder.embed([question])[0]
    nearest = dict(local.dense.search(vector, 3))
    for dense, client in ((local.dense, None), (remote.dense, chroma_server)):
        by_chroma = DenseIndex(open_client(client, local.folder / CHROMA_DIR), dense.name, exact_up_to=0)
        assert [pid for pid, _ in by_chroma.search(vector, 3)] == list(nearest)
        held = dense.similarities(vector, [*nearest, "no-such-passage"])
        assert set(held) == set(nearest)
        assert all(abs(held[pid] - nearest[pid]) < 1e-4 for pid in nearest)
    # the collection on the server is checked too: a no-op only when it is whole
    assert not _ingest(served_settings, embedder).built


def test_kill_9_during_ingest_leaves_the_previous_index_answering(fixture_settings, fixture_corpus, embedder):
    before = _ingest(fixture_settings, embedder)
    _edit(fixture_corpus, "to evaluate candidates", "to rank candidates")
    env = {
        **os.environ,
        "DESK_DATA_DIR": str(fixture_settings.data_dir),
        "DESK_CORPUS__SOURCES_FILE": str(fixture_corpus / "sources.toml"),
        "DESK_CORPUS__LOCAL_DIR": str(fixture_corpus),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "desk", "ingest", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    root = fixture_settings.index_root
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".building-") for p in root.iterdir()):
        assert process.poll() is None, "ingest ended before it started building"
        assert time.monotonic() < deadline, "ingest never started building"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert IndexLayout(root).current_name() == before.index_name
    index = LoadedIndex.open(fixture_settings)
    top = HybridRetriever(index, embedder).search("evaluate candidates", k=1)
    assert top[0].anchor == "anx-I.pt-1" and "evaluate candidates" in top[0].text

    after = _ingest(fixture_settings, embedder)  # the next run finishes the job and sweeps up
    assert after.built and IndexLayout(root).current_name() == after.index_name
    assert not any(p.name.startswith(".building-") for p in root.iterdir())


def test_a_corrupt_source_is_a_clear_error_and_the_index_keeps_serving(
    fixture_settings, fixture_corpus, embedder
):
    before = _ingest(fixture_settings, embedder)
    _edit(fixture_corpus, "</CONS.ACT>", "")  # truncated: the root never closes
    with pytest.raises(ParseError, match=r"mini-consolidated\.fmx\.xml"):
        _ingest(fixture_settings, embedder)
    assert LoadedIndex.open(fixture_settings).name == before.index_name


def test_a_checksum_mismatch_names_the_file_and_both_hashes(fixture_settings, fixture_corpus, embedder):
    before = _ingest(fixture_settings, embedder)
    expected = (fixture_corpus / "sources.toml").read_text().split('sha256 = "')[1].split('"')[0]
    _edit(fixture_corpus, "harmonised", "harmonized", update_manifest=False)
    with pytest.raises(ChecksumMismatch) as raised:
        _ingest(fixture_settings, embedder)
    message = str(raised.value)
    assert "mini-consolidated.fmx.xml" in message and expected in message
    assert len(message.split("got ")[-1].strip()) == 64
    assert LoadedIndex.open(fixture_settings).name == before.index_name


def _desk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desk", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_line_reports_and_refuses_with_one_line(fixture_settings, fixture_corpus):
    env = {
        "DESK_DATA_DIR": str(fixture_settings.data_dir),
        "DESK_CORPUS__SOURCES_FILE": str(fixture_corpus / "sources.toml"),
        "DESK_CORPUS__LOCAL_DIR": str(fixture_corpus),
    }
    built = _desk("ingest", env=env)
    assert built.returncode == 0, built.stderr
    assert "passages" in built.stdout and "ai-act-consolidated" in built.stdout

    stats = _desk("corpus", "stats", "--json", env=env)
    import json

    counts = json.loads(stats.stdout)
    assert counts["ai-act-oj"]["recitals"] == 2 and counts["ai-act-consolidated"]["articles"] == 2
    assert counts["ai-act-consolidated"]["annexes"] == 1 and counts["ai-act-consolidated"]["passages"] > 0

    unknown = _desk("corpus", "fetch", "--only", "no-such-source", env=env)
    assert unknown.returncode == 2
    assert "unknown source id 'no-such-source'" in unknown.stderr and "Traceback" not in unknown.stderr

    (fixture_corpus / "mini-oj.fmx.xml").write_bytes(b"\x00\x01 not xml")
    write_fixture_manifest(fixture_corpus)
    broken = _desk("ingest", env=env)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "mini-oj.fmx.xml" in broken.stderr
    asked = _desk("ask", "What is a deployer?", "-k", "2", env=env)  # the old index still answers
    assert asked.returncode == 0 and "Article 2, point (2)" in asked.stdout
