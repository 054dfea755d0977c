"""Tests of ingest.fetch against a real HTTP server on loopback, serving files made here."""

from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from desk.settings import REPO_ROOT, SHARED_CORPUS
from desk.sources import Manifest, SourceError, load_manifest
from ingest.fetch import (
    ChecksumMismatch,
    FetchError,
    SourceUnavailable,
    fetch_all,
    fetch_source,
)

ACT_XML = b'<?xml version="1.0"?>\n<ACT><ARTICLE IDENTIFIER="001">Subject matter</ARTICLE></ACT>\n'
MEMBER_XML = b'<?xml version="1.0"?>\n<ACT><ARTICLE IDENTIFIER="002">Scope</ARTICLE></ACT>\n'
MEMBER_NAME = "L_202601744EN.000101.fmx.xml"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def zip_with_member() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("L_202601744EN.doc.fmx.xml", b"<DOC/>")
        # Nested in a folder, to exercise the basename match.
        package.writestr(f"package/{MEMBER_NAME}", MEMBER_XML)
    return buffer.getvalue()


@dataclass
class Server:
    base_url: str
    routes: dict[str, bytes]
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def paths_requested(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server(base_url="", routes={"/act.xml": ACT_XML, "/package.zip": zip_with_member()})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, dict(self.headers)))
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/act.xml")
                self.end_headers()
                return
            body = state.routes.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep pytest output clean

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    # A short poll interval: shutdown() waits for one poll, and every test tears a server down.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def make_manifest(*sources: dict) -> Manifest:
    return Manifest.model_validate({"source": list(sources)})


def source_entry(source_id: str, files: list[dict], *, optional: bool = False) -> dict:
    return {
        "id": source_id,
        "title": f"Test source {source_id}",
        "url": "https://example.invalid/",
        "format": "formex",
        "language": "en",
        "version": "2026-07-27",
        "authority": "binding",
        "uses": "all",
        "label": f"Label {source_id}",
        "optional": optional,
        "files": files,
    }


def act_file(server: Server, **overrides: object) -> dict:
    return {
        "name": "act.en.fmx.xml",
        "url": f"{server.base_url}/act.xml",
        "sha256": sha(ACT_XML),
    } | overrides


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_download_verifies_and_second_run_uses_cache(server: Server, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    manifest = make_manifest(source_entry("act", [act_file(server)]))

    first = fetch_all(manifest, cache_dir=cache, local_dir=None)
    second = fetch_all(manifest, cache_dir=cache, local_dir=None)

    (fetched,) = first[0].files
    assert fetched.origin == "download"
    assert fetched.path == cache / "act.en.fmx.xml"
    assert fetched.path.read_bytes() == ACT_XML
    assert fetched.sha256 == sha(ACT_XML)
    assert fetched.warnings == []
    assert second[0].files[0].origin == "cache"
    assert server.paths_requested() == ["/act.xml"]
    assert files_under(cache) == [cache / "act.en.fmx.xml"]  # no temporary file left


def test_user_agent_sent_and_redirect_followed(server: Server, tmp_path: Path) -> None:
    manifest = make_manifest(source_entry("act", [act_file(server, url=f"{server.base_url}/moved")]))

    (result,) = fetch_all(manifest, cache_dir=tmp_path, local_dir=None)

    assert result.files[0].path.read_bytes() == ACT_XML
    assert server.paths_requested() == ["/moved", "/act.xml"]
    assert server.requests[0][1]["User-Agent"].startswith("ai-act-desk/")


def test_zip_member_extracted_into_subfolder_with_accept_header(server: Server, tmp_path: Path) -> None:
    spec = {
        "name": f"omnibus.en.formex/{MEMBER_NAME}",
        "url": f"{server.base_url}/package.zip",
        "accept": "application/zip;mtype=fmx4",
        "member": MEMBER_NAME,
        "sha256": sha(MEMBER_XML),
    }
    manifest = make_manifest(source_entry("omnibus", [spec]))

    (result,) = fetch_all(manifest, cache_dir=tmp_path, local_dir=None)

    fetched = result.files[0]
    assert fetched.path == tmp_path / "omnibus.en.formex" / MEMBER_NAME
    assert fetched.path.read_bytes() == MEMBER_XML
    assert server.requests[0][1]["Accept"] == "application/zip;mtype=fmx4"
    assert files_under(tmp_path) == [fetched.path]  # the zip itself is not kept


def test_missing_zip_member_is_an_error(server: Server, tmp_path: Path) -> None:
    spec = {
        "name": "other.xml",
        "url": f"{server.base_url}/package.zip",
        "member": "absent.xml",
        "sha256": sha(MEMBER_XML),
    }
    manifest = make_manifest(source_entry("omnibus", [spec]))

    with pytest.raises(FetchError, match=r"other\.xml: .* 0 members named 'absent\.xml'"):
        fetch_all(manifest, cache_dir=tmp_path, local_dir=None)
    assert files_under(tmp_path) == []


def test_download_checksum_mismatch_names_both_hashes_and_leaves_nothing(
    server: Server, tmp_path: Path
) -> None:
    wrong = "0" * 64
    manifest = make_manifest(source_entry("act", [act_file(server, sha256=wrong)]))

    with pytest.raises(ChecksumMismatch) as caught:
        fetch_all(manifest, cache_dir=tmp_path / "cache", local_dir=None)

    message = str(caught.value)
    assert "act.en.fmx.xml" in message
    assert wrong in message
    assert sha(ACT_XML) in message
    assert "\n" not in message
    assert files_under(tmp_path / "cache") == []


def test_stale_cached_file_is_downloaded_again(server: Server, tmp_path: Path) -> None:
    (tmp_path / "act.en.fmx.xml").write_bytes(b"truncated")
    manifest = make_manifest(source_entry("act", [act_file(server)]))

    (result,) = fetch_all(manifest, cache_dir=tmp_path, local_dir=None)

    assert result.files[0].origin == "download"
    assert (tmp_path / "act.en.fmx.xml").read_bytes() == ACT_XML


def test_http_404_is_a_fetch_error_naming_file_and_url(server: Server, tmp_path: Path) -> None:
    url = f"{server.base_url}/gone.xml"
    manifest = make_manifest(source_entry("act", [act_file(server, url=url)]))

    with pytest.raises(FetchError) as caught:
        fetch_all(manifest, cache_dir=tmp_path, local_dir=None)

    assert not isinstance(caught.value, SourceUnavailable)
    message = str(caught.value)
    assert "act.en.fmx.xml" in message
    assert url in message
    assert "404" in message
    assert files_under(tmp_path) == []


def test_connection_refused_is_a_fetch_error(tmp_path: Path) -> None:
    # A port that was just free: nothing listens there.
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as probe:
        url = f"http://127.0.0.1:{probe.server_address[1]}/act.xml"
    manifest = make_manifest(source_entry("act", [{"name": "act.xml", "url": url, "sha256": sha(ACT_XML)}]))

    with pytest.raises(FetchError, match=r"act\.xml: no local copy and could not be downloaded"):
        fetch_source(manifest.sources[0], cache_dir=tmp_path, local_dir=None, timeout=5)


def test_local_file_used_in_place_without_request(server: Server, tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "act.en.fmx.xml").write_bytes(ACT_XML)
    cache = tmp_path / "cache"
    manifest = make_manifest(source_entry("act", [act_file(server)]))

    (result,) = fetch_all(manifest, cache_dir=cache, local_dir=local)

    fetched = result.files[0]
    assert fetched.origin == "local"
    assert fetched.path == local / "act.en.fmx.xml"
    assert server.requests == []
    assert files_under(cache) == []  # used in place, not copied


def test_local_file_with_wrong_hash_is_not_downloaded_over(server: Server, tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "act.en.fmx.xml").write_bytes(b"<ACT>edited</ACT>")
    manifest = make_manifest(source_entry("act", [act_file(server)]))

    with pytest.raises(ChecksumMismatch) as caught:
        fetch_all(manifest, cache_dir=tmp_path / "cache", local_dir=local)

    assert caught.value.expected == [sha(ACT_XML)]
    assert caught.value.actual == sha(b"<ACT>edited</ACT>")
    assert "act.en.fmx.xml" in str(caught.value)
    assert server.requests == []


def test_also_sha256_is_accepted(server: Server, tmp_path: Path) -> None:
    spec = act_file(server, sha256="f" * 64, also_sha256=[sha(ACT_XML)])
    manifest = make_manifest(source_entry("act", [spec]))

    (result,) = fetch_all(manifest, cache_dir=tmp_path, local_dir=None)

    assert result.files[0].warnings == []


def test_optional_source_missing_is_skipped_with_reason(server: Server, tmp_path: Path) -> None:
    url = f"{server.base_url}/plan.pdf"
    plan = source_entry("plan", [{"name": "plan.pdf", "url": url, "sha256": ""}], optional=True)
    manifest = make_manifest(source_entry("act", [act_file(server)]), plan)
    skipped: list[tuple[str, str]] = []

    results = fetch_all(
        manifest,
        cache_dir=tmp_path,
        local_dir=tmp_path / "local",
        on_skip=lambda source, reason: skipped.append((source.id, reason)),
    )

    assert [r.source.id for r in results] == ["act"]
    ((skipped_id, reason),) = skipped
    assert skipped_id == "plan"
    assert reason.startswith("Label plan: plan.pdf not in ")
    assert url in reason
    assert "HTTP 404" in reason
    assert "\n" not in reason


def test_optional_source_alone_raises_source_unavailable(server: Server, tmp_path: Path) -> None:
    plan = source_entry(
        "plan", [{"name": "plan.pdf", "url": f"{server.base_url}/x", "sha256": ""}], optional=True
    )
    manifest = make_manifest(plan)

    with pytest.raises(SourceUnavailable):
        fetch_source(manifest.sources[0], cache_dir=tmp_path, local_dir=None)


UNITS = b'{"sections": []}'
FACTORIES = b'{"ai_factories": []}'


def _plan_with_copy(server: Server) -> dict:
    """A source whose official PDF is downloadable, with a local copy of its text and a
    secondary file, as the AI Continent Action Plan is listed."""
    plan = source_entry(
        "plan", [{"name": "plan.pdf", "url": f"{server.base_url}/plan.pdf", "sha256": ""}], optional=True
    )
    return plan | {
        "local_copy": [{"name": "plan.units.json", "url": "https://example.invalid/units", "sha256": sha(UNITS)}],
        "secondary": [
            {"name": "plan.structured.json", "url": "https://example.invalid/s", "sha256": sha(FACTORIES),
             "holds": "ai-factories"},
        ],
    }  # fmt: skip


def test_a_local_copy_is_read_in_place_of_the_official_file(server: Server, tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "plan.units.json").write_bytes(UNITS)
    (local / "plan.structured.json").write_bytes(FACTORIES)
    server.routes["/plan.pdf"] = b"%PDF-1.7 the official file"

    (result,) = fetch_all(
        make_manifest(_plan_with_copy(server)), cache_dir=tmp_path / "cache", local_dir=local
    )

    assert [(f.spec.name, f.origin) for f in result.files] == [("plan.units.json", "local")]
    assert [(f.spec.holds, f.origin) for f in result.secondary] == [("ai-factories", "local")]
    assert server.requests == []  # the official file is not downloaded when a copy is at hand
    assert files_under(tmp_path / "cache") == []


def test_without_the_local_copy_the_official_file_is_downloaded(server: Server, tmp_path: Path) -> None:
    server.routes["/plan.pdf"] = b"%PDF-1.7 the official file"

    (result,) = fetch_all(
        make_manifest(_plan_with_copy(server)), cache_dir=tmp_path / "cache", local_dir=tmp_path
    )

    assert [(f.spec.name, f.origin) for f in result.files] == [("plan.pdf", "download")]
    assert result.secondary == []  # never required
    (warning,) = result.warnings
    assert "sha256 not pinned" in warning and "record it" in warning


def test_a_secondary_file_that_does_not_verify_is_refused(server: Server, tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "plan.units.json").write_bytes(UNITS)
    (local / "plan.structured.json").write_bytes(b'{"ai_factories": ["tampered"]}')

    with pytest.raises(ChecksumMismatch, match=r"plan\.structured\.json"):
        fetch_all(make_manifest(_plan_with_copy(server)), cache_dir=tmp_path / "cache", local_dir=local)


def test_unpinned_hash_is_accepted_with_a_warning(server: Server, tmp_path: Path) -> None:
    manifest = make_manifest(source_entry("act", [act_file(server, sha256="")]))

    (result,) = fetch_all(manifest, cache_dir=tmp_path, local_dir=None)

    (warning,) = result.warnings
    assert result.files[0].origin == "download"
    assert "act.en.fmx.xml" in warning
    assert "not pinned" in warning
    assert sha(ACT_XML) in warning
    assert "corpus/sources.toml" in warning


def test_only_fetches_named_sources(server: Server, tmp_path: Path) -> None:
    other = act_file(server, name="other.xml", url=f"{server.base_url}/gone")
    manifest = make_manifest(source_entry("act", [act_file(server)]), source_entry("b", [other]))

    results = fetch_all(manifest, cache_dir=tmp_path, local_dir=None, only=["act"])

    assert [r.source.id for r in results] == ["act"]
    assert server.paths_requested() == ["/act.xml"]


def test_unknown_id_raises_source_error_before_any_download(server: Server, tmp_path: Path) -> None:
    manifest = make_manifest(source_entry("act", [act_file(server)]))

    with pytest.raises(SourceError, match=r"unknown source id 'nope' \(known: act\)"):
        fetch_all(manifest, cache_dir=tmp_path, local_dir=None, only=["act", "nope"])
    assert server.requests == []


@pytest.mark.corpus
@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason=f"{SHARED_CORPUS} is absent")
def test_real_manifest_verifies_against_shared_corpus(tmp_path: Path) -> None:
    manifest = load_manifest(REPO_ROOT / "corpus" / "sources.toml")
    attempted: list[str] = []

    def no_network(request: httpx.Request) -> httpx.Response:
        attempted.append(str(request.url))
        raise httpx.ConnectError("network disabled in tests", request=request)

    skipped: dict[str, str] = {}
    with httpx.Client(transport=httpx.MockTransport(no_network)) as client:
        results = fetch_all(
            manifest,
            cache_dir=tmp_path,
            local_dir=SHARED_CORPUS,
            client=client,
            on_skip=lambda source, reason: skipped.__setitem__(source.id, reason),
        )

    assert [r.source.id for r in results] == [s.id for s in manifest.sources]
    for result in results:
        for fetched in [*result.files, *result.secondary]:
            assert fetched.origin == "local", fetched.spec.name
            assert fetched.spec.accepts_hash(fetched.sha256), fetched.spec.name
            assert fetched.warnings == []
    # The plan is read from the local copy of its text: its official PDF is never asked for.
    plan = next(r for r in results if r.source.id == "ap")
    assert [f.spec.name for f in plan.files] == ["ai-continent-action-plan-com-2025-165.en.units.json"]
    assert [f.spec.holds for f in plan.secondary] == ["ai-factories", ""]
    assert skipped == {}
    assert attempted == []
    assert files_under(tmp_path) == []
