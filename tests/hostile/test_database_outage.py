"""PostgreSQL goes away under load (its connections cut, new ones refused for a while):
no feedback is lost. Each one is either stored (201) or refused with a clear 503 the client
can retry; a write whose connection broke is tried again by the store.

The outage is real: the database refuses connections and its sessions are terminated, as
in a restart, without stopping the server the other tests use.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from desk.api.app import create_app
from tests.conftest import POSTGRES_ADMIN, secret_of

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def _outage(database: str, seconds: float) -> None:
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS false'))
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
            ),
            {"db": database},
        )
        time.sleep(seconds)
        connection.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS true'))
    admin.dispose()


def test_no_feedback_is_lost_when_the_database_goes_away(corpus_settings, new_postgres_database):
    url = new_postgres_database()
    settings = corpus_settings.model_copy(update={"database_url": url})
    with TestClient(create_app(settings)) as client:
        answer = client.post("/api/chat", json={"question": "What is a deployer?"}).json()
        outcomes: Counter = Counter()
        accepted: list[str] = []
        problems: list[str] = []

        def rate(worker: int) -> None:
            for n in range(40):
                comment = f"worker {worker} comment {n}"
                response = client.post(
                    f"/api/answers/{answer['id']}/feedback",
                    json={"rating": "down", "comment": comment},
                    headers=secret_of(answer),
                )
                outcomes[response.status_code] += 1
                if response.status_code == 201:
                    accepted.append(comment)
                elif response.status_code != 503 or "retry" not in response.json()["error"]:
                    problems.append(f"{response.status_code}: {response.text[:200]}")
                time.sleep(0.02)

        workers = [threading.Thread(target=rate, args=(n,)) for n in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(0.3)
        _outage(url.rsplit("/", 1)[1], seconds=1.5)
        for worker in workers:
            worker.join(timeout=120)

        assert problems == []
        assert outcomes[201] + outcomes[503] == 160
        assert outcomes[503] > 0, "the outage was not felt: the test proves nothing"
        stored = [f.comment for f in client.app.state.desk.store.feedback(answer["id"])]
        assert sorted(stored) == sorted(accepted)  # every 201 is in the database, once
        # And the desk is whole again without a restart.
        assert client.get("/-/ready").status_code == 200
