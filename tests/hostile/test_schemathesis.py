"""Generated requests against the desk's own OpenAPI schema (schemathesis): whatever a client
sends, the desk answers without a server error and as its schema promises.

A real `desk serve` on the real index; every operation gets generated cases, at least 2,000
in all (counted and checked), and every response goes through all of schemathesis' checks
(as `st run --checks all`): no server error; status, content type, headers and body as
documented; data the schema allows is accepted and data it forbids is refused; an operation
that declares authentication refuses a request without it.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks

from tests.conftest import start_desk, stop

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 70  # per operation and generation mode
MINIMUM_CASES = 2000


@pytest.fixture(scope="module")
def desk_schema(corpus_settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemathesis")
    env = {
        "DESK_DATA_DIR": str(corpus_settings.data_dir),
        "DESK_DATABASE_URL": f"sqlite:///{folder / 'desk.sqlite3'}",
    }
    process, url = start_desk(env, folder / "serve.log", workers=1)
    yield schemathesis.openapi.from_url(f"{url}/openapi.json")
    stop(process)


def _all_checks() -> list:
    load_all_checks()
    return list(CHECKS.get_all())


def test_every_operation_meets_all_checks(desk_schema):
    # Each operation's cases are drawn by Hypothesis from its schema; one test for all of
    # them, as schemathesis' pytest plugin does not run under this pytest.
    checks = _all_checks()
    assert len(checks) >= 14
    ran: list[str] = []
    failures: list[str] = []
    operations = [result.ok() for result in desk_schema.get_all_operations()]
    assert len(operations) >= 20

    for operation, mode in itertools.product(operations, GenerationMode):
        # Positive cases follow the schema and must be accepted; negative ones break it (wrong
        # types, missing fields, bad ids) and must get a clear 4xx, never a 5xx.

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same cases on every run: a failure here is reproducible
            database=None,
            phases=[Phase.explicit, Phase.generate],  # every failure reported as found, none shrunk
        )
        def exercise(case):
            ran.append(f"{case.method} {case.path}")
            response = case.call(timeout=60)
            case.validate_response(response, checks=checks)

        try:
            exercise()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise
            # An operation that takes no input cannot be sent input that breaks its schema.
        except (Exception, BaseExceptionGroup) as failure:  # every operation runs; all failures are reported
            failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)
    summary = f"{len(ran)} cases over {len(set(ran))} operations"
    print(summary)  # shown with -s
    assert len(ran) >= MINIMUM_CASES, summary
