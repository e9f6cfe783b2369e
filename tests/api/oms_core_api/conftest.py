"""The engine fixtures for this folder, and an HTTP client on the app.

TODO: drop the import below once tests/conftest.py registers
``tests.fixtures_engine`` with ``pytest_plugins``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures_engine import (  # noqa: F401
    engine_app,
    engine_database_url,
    engine_db_template,
)


@pytest.fixture
async def client(engine_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    """An async client that calls the app in-process (no socket)."""
    transport = httpx.ASGITransport(app=engine_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://engine.test"
    ) as http:
        yield http
