"""Fixtures of the device store tests: a fresh file and a clock we move."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_store import DeviceStore
from tests.unit.offline_store_unit.fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "device.sqlite3"


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> Iterator[DeviceStore]:
    device = DeviceStore(db_path, clock=clock)
    yield device
    device.close()
