"""schemathesis against the engine's OpenAPI: no input makes it answer 5xx.

Every operation the engine publishes is called with inputs generated from
its schema, valid and not; each answer must be below 500 and, for a
refusal, an ``ApiError`` body. Bounded: a few dozen cases per operation.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from tests.support_faults.figures import record

schemathesis = pytest.importorskip("schemathesis")

CASES = int(os.environ.get("OPENAISLE_API_FUZZ_EXAMPLES", "25"))

# Paths with a known 5xx; none at present.
KNOWN_5XX_PREFIXES: tuple[str, ...] = ()


def test_no_input_makes_the_engine_fail(engine_app: FastAPI, allow_log: Any) -> None:
    # Refusals of bad input are logged at warning level by design.
    allow_log(r".*")
    schema = schemathesis.openapi.from_asgi("/openapi.json", engine_app)
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    known: list[str] = []
    operations = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=CASES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call()
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                where = f"{case.method} {case.formatted_path}"
                if case.formatted_path.startswith(KNOWN_5XX_PREFIXES):
                    known.append(where)
                else:
                    failures.append(f"{where}: {response.text[:200]}")
            elif response.status_code >= 400:
                body = response.json()
                assert {"code", "message"} <= set(body), body

        call()

    record(
        "schemathesis on the engine API",
        operations=operations,
        requests=sum(statuses.values()),
        by_status=dict(sorted(statuses.items())),
        server_errors=len(failures),
        known_server_errors=len(known),
    )
    assert operations > 5
    assert failures == []
