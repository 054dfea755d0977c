"""A real desk (`desk serve` on the full corpus) and firms' pages on other origins that embed
its widget with the one script tag, for driving it in Debian's chromium through Playwright."""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from desk.settings import REPO_ROOT
from tests.conftest import free_port, start_desk, stop

# Screenshots the tests write (desktop and mobile); the README shows copies in docs/images.
ARTIFACTS = Path(os.environ.get("DESK_TEST_ARTIFACTS", REPO_ROOT / "var" / "artifacts" / "widget"))


@dataclass(frozen=True)
class Desk:
    url: str
    database_url: str


@dataclass(frozen=True)
class Site:
    """A firm's web server: its origin and the pages it serves."""

    origin: str
    folder: Path

    def page(self, name: str) -> str:
        return f"{self.origin}/{name}"


def _serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def sites(tmp_path_factory):
    """Two firms' web servers: `allowed` is in the desk's DESK_CORS_ORIGINS, `other` is not."""
    started = {}
    for name in ("allowed", "other"):
        folder = tmp_path_factory.mktemp(f"site-{name}")
        server, origin = _serve_folder(folder)
        started[name] = (server, Site(origin, folder))
    yield {name: site for name, (_server, site) in started.items()}
    for server, _site in started.values():
        server.shutdown()


@pytest.fixture(scope="session")
def desk(corpus_settings, sites, tmp_path_factory):
    """`desk serve` on loopback over the full corpus, allowing pages of the `allowed` site."""
    folder = tmp_path_factory.mktemp("widget-desk")
    database_url = f"sqlite:///{folder / 'desk.sqlite3'}"
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": database_url,
        "DESK_CORS_ORIGINS": sites["allowed"].origin,
    }
    server, url = start_desk(env, folder / "serve.log")
    try:
        yield Desk(url, database_url)
    finally:
        stop(server)


@pytest.fixture(scope="module")
def limited_page(corpus_settings, sites, tmp_path_factory):
    """A firm's page embedding a desk whose rate limits are tiny: one follow-up per
    conversation and four questions per address in an hour (so no window ends mid-test)."""
    folder = tmp_path_factory.mktemp("limited-desk")
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": f"sqlite:///{folder / 'desk.sqlite3'}",
        "DESK_CORS_ORIGINS": sites["allowed"].origin,
        "DESK_RATE_LIMIT__CONVERSATION_REQUESTS": "1",
        "DESK_RATE_LIMIT__REQUESTS": "4",
        "DESK_RATE_LIMIT__WINDOW_S": "3600",
    }
    server, url = start_desk(env, folder / "serve.log")
    (sites["allowed"].folder / "limited.html").write_text(_host_page(url), encoding="utf-8")
    try:
        yield sites["allowed"].page("limited.html")
    finally:
        stop(server)


@pytest.fixture(scope="session")
def host_pages(desk, sites):
    """A firm's page embedding the widget with one tag (launcher mode, a theme, hostile CSS),
    the same page on a site the desk does not allow, and one pointing at a desk that is down."""
    dead_desk = f"http://127.0.0.1:{free_port()}"
    for site in sites.values():
        (site.folder / "launcher.html").write_text(_host_page(desk.url), encoding="utf-8")
        (site.folder / "dead.html").write_text(_host_page(dead_desk, script_from=desk.url), encoding="utf-8")
    return {
        "launcher": sites["allowed"].page("launcher.html"),
        "refused": sites["other"].page("launcher.html"),
        "dead": sites["allowed"].page("dead.html"),
    }


def _host_page(desk_url: str, script_from: str | None = None) -> str:
    # The page's own styles are hostile on purpose: the widget's shadow root must keep them out.
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Firm &amp; Co: compliance</title>
<style>
  * {{ font-family: serif !important; }}
  button {{ background: red !important; color: yellow !important; }}
  body {{ margin: 0; padding: 24px; background: #fafafa; }}
</style></head>
<body>
  <h1>Firm &amp; Co</h1>
  <p>Our compliance pages. <button type="button">A button of the firm's page</button></p>
  <script src="{script_from or desk_url}/widget.js" data-desk-url="{desk_url}" data-accent="#5a189a"
          data-title="Firm &amp; Co: AI Act questions" defer></script>
</body></html>
"""


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
