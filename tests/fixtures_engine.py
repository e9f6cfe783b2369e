"""Fixtures of the order engine on a database seeded from the real data.

Register with ``pytest_plugins = ["tests.fixtures_engine"]``.

The template is seeded once per session: the full catalogue (both files),
the four distribution centres and the first 300 stores of the real store
list (rows 0-299: all three size classes, across the country). Seeding all
2,832 stores takes about 20 s, too long for every test run; the subset
keeps the same rules and takes a few seconds. Each test gets its own copy
of the file, so tests can place orders without seeing each other's.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from oms_core.app import create_app
from oms_core.seed import seed_database

TEMPLATE_STORE_LIMIT = 300


@pytest.fixture(scope="session")
def engine_db_template(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Path:
    """Path of an SQLite file seeded once from the real data set."""
    path = tmp_path_factory.mktemp("engine-template") / "oms.sqlite3"
    seed_database(f"sqlite:///{path}", shared_data, store_limit=TEMPLATE_STORE_LIMIT)
    return path


@pytest.fixture
def engine_database_url(engine_db_template: Path, tmp_path: Path) -> str:
    """URL of this test's own copy of the seeded template."""
    copy = tmp_path / "oms.sqlite3"
    shutil.copyfile(engine_db_template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def engine_app(engine_database_url: str) -> Iterator[FastAPI]:
    """The engine's API on this test's database; its engine is closed after."""
    app = create_app(engine_database_url)
    yield app
    app.state.engine.dispose()
