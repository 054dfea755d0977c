"""X-Forwarded-For names the client only when it comes from a proxy the desk's settings trust
(issue 19). uvicorn trusted it from 127.0.0.1 by default, so a client on loopback escaped the
rate limit by naming a new address with each question. A real `desk serve`, as deployed."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import start_desk, stop

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

QUESTION = "What is a deployer?"
LIMIT = 3


def _statuses(corpus_settings, folder, forwarded_for: list[str], **env: str) -> list[int]:
    """The statuses of one question per X-Forwarded-For value, asked of a fresh `desk serve`
    whose limit is LIMIT questions a day per client."""
    folder.mkdir()
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": f"sqlite:///{folder / 'desk.sqlite3'}",
        "DESK_RATE_LIMIT__REQUESTS": str(LIMIT),
        "DESK_RATE_LIMIT__WINDOW_S": "86400",  # no window ends during the test
        **env,
    }
    process, url = start_desk(env, folder / "serve.log")
    try:
        return [
            httpx.post(
                f"{url}/api/chat",
                json={"question": QUESTION},
                headers={"X-Forwarded-For": client},
                timeout=60,
            ).status_code
            for client in forwarded_for
        ]
    finally:
        stop(process)


def test_only_the_desks_trusted_proxies_name_the_client(corpus_settings, tmp_path):
    rotating = [f"203.0.113.{n}" for n in range(1, 8)]
    # No proxy trusted (the default): the header is ignored, and loopback is one client.
    assert _statuses(corpus_settings, tmp_path / "untrusted", rotating) == [200] * LIMIT + [429] * 4
    # Loopback trusted as a proxy: each address it names is a client with its own count.
    trusted = {"DESK_RATE_LIMIT__TRUSTED_PROXIES": '["127.0.0.1"]'}
    repeated = [*rotating, *["203.0.113.1"] * LIMIT]
    statuses = _statuses(corpus_settings, tmp_path / "trusted", repeated, **trusted)
    assert statuses == [200] * 7 + [200] * (LIMIT - 1) + [429]
