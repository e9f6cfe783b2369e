"""The status bar warns when the device clock is off the engine's.

Given a till whose engine answers with a ``Date`` three hours behind the
device, then the status bar says the clock is off, by how much and which
way; when the engine's date agrees again, the warning goes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from fastapi import FastAPI

from oms_client import OmsClient
from tests.till_support import until

pytestmark = pytest.mark.webengine

SKU = "85123A"


class _DatedTransport(httpx.AsyncBaseTransport):
    """The in-process engine, with a ``Date`` header ``lag`` behind the device."""

    def __init__(self, app: FastAPI) -> None:
        self._inner = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self.lag = timedelta(hours=3, minutes=12)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        engine_now = datetime.now(UTC) - self.lag
        response.headers["Date"] = format_datetime(engine_now, usegmt=True)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def dated(engine_app: FastAPI) -> _DatedTransport:
    return _DatedTransport(engine_app)


@pytest.fixture
def engine_client(engine_app: FastAPI, dated: _DatedTransport) -> OmsClient:
    """This module's engine client: its answers are dated by ``dated``."""
    return OmsClient.in_process(engine_app, transport=dated)


def test_the_status_bar_warns_while_the_device_clock_is_off(
    open_till, run, dated, allow_log
):
    allow_log(r"device clock is -?\d+ s off")
    till = open_till("till")
    label = till.window.clock_label

    async def scenario() -> None:
        # Given answers dated 3 h 12 min behind the device.
        await till.session.find_product(SKU)

        # Then the warning shows, and says how far and which way.
        await until(label.isVisible, what="the clock warning")
        assert "3 h 12 min ahead of" in label.text()
        assert "Set the clock" in label.text()
        assert label.accessibleName() == "Clock warning"

        # When the engine's date agrees with the device again (the next
        # answer: the product itself is now answered from the session).
        dated.lag = timedelta(0)
        await till.session.lookup_stock(SKU)

        # Then the warning goes.
        await until(lambda: not label.isVisible(), what="the warning to go")
        assert label.text() == ""

    run(scenario())
