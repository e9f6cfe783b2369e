"""Property tests: how many examples each runs, and the figures printed."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from tests.support_faults.figures import pytest_terminal_summary  # noqa: F401

EXAMPLES = int(os.environ.get("OPENAISLE_FUZZ_EXAMPLES", "300"))

settings.register_profile(
    "proofs",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
