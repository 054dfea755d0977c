"""Generated requests against the desk's own OpenAPI schema (schemathesis): whatever a client
sends, the desk answers without a server error and within what its schema promises.

A real `desk serve` on the real index; every operation gets generated cases, at least 1,000
in all (counted and checked).
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from tests.conftest import start_desk, stop

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 50  # per operation and generation mode
MINIMUM_CASES = 1000


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


def test_no_server_error_and_no_schema_violation(desk_schema):
    # Each operation's cases are drawn by Hypothesis from its schema; one test for all of
    # them, as schemathesis' pytest plugin does not run under this pytest.
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    ran: list[str] = []
    operations = [result.ok() for result in desk_schema.get_all_operations()]
    assert len(operations) >= 8

    for operation, mode in itertools.product(operations, GenerationMode):
        # Positive cases follow the schema; negative ones break it (wrong types, missing
        # fields, bad ids): both must get an answer or a clear 4xx, never a 5xx.

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same cases on every run: a failure here is reproducible
            database=None,
        )
        def exercise(case):
            response = case.call(timeout=60)
            case.validate_response(response, checks=checks)
            ran.append(f"{case.method} {case.path}")

        try:
            exercise()
        except Unsatisfiable:
            if mode is GenerationMode.POSITIVE:
                raise
            # An operation that takes no input cannot be sent input that breaks its schema.
    assert len(ran) >= MINIMUM_CASES, f"{len(ran)} cases over {len(set(ran))} operations"
