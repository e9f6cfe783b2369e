"""An in-process client on the engine, and helpers to drive an order's life."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from oms_core.payments.providers import ExternalTerminal, ScriptedProvider


@pytest.fixture
def scripted() -> ScriptedProvider:
    """The test provider, registered on the app as ``scripted``."""
    return ScriptedProvider()


@pytest.fixture
async def client(
    engine_app: FastAPI, scripted: ScriptedProvider
) -> AsyncIterator[httpx.AsyncClient]:
    """An async client that calls the app in-process (no socket)."""
    engine_app.state.payment_providers = {
        "external_terminal": ExternalTerminal(),
        "scripted": scripted,
    }
    transport = httpx.ASGITransport(app=engine_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://engine.test"
    ) as http:
        yield http
