"""An HTTP client on the engine app, for the inventory API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI


@pytest.fixture
async def client(engine_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An async client that calls the app in-process (no socket)."""
    transport = httpx.ASGITransport(app=engine_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://engine.test"
    ) as http:
        yield http
