"""Fixtures of the network-fault proofs: a real engine behind a fault proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.figures import pytest_terminal_summary  # noqa: F401


@pytest.fixture
def engine_server(engine_db_template: Path, tmp_path: Path) -> Iterator[EngineProcess]:
    """``openaisle-oms serve`` on this test's copy of the seeded database."""
    with EngineProcess(engine_db_template, tmp_path / "engine") as server:
        yield server
