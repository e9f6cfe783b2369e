"""An order sold just after the engine went away, before the till noticed.

Given a till that read two items and their stock while the engine answered,
when the cable goes and, within the product memo's minute, the associate
adds the second item (answered from memory: the session still believes it
is online) and submits, then every queued line carries the promise its
snapshot showed; when the second item sold out at the engine meanwhile and
the cable comes back, the order is accepted with that line in an exception
(the associate is told), never parked for stock.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from offline_store import AsyncDeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient
from oms_client.models import DeliverFulfilment, OrderRequest
from oms_core.db.schema import stock
from pos_app.broken_promises import broken_promises
from pos_app.order_sync import engine_sender
from pos_app.session import TillSession
from tests.support_faults.orders import LEEDS

KEPT = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER
SOLD_OUT = "22423"  # REGENCY CAKESTAND 3 TIER
HOME = "store-0001"


class Cable(httpx.AsyncBaseTransport):
    """The network between till and engine; pulled, every call fails to connect."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self.plugged = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pass the request on, or fail as a refused connection would."""
        if not self.plugged:
            raise httpx.ConnectError("connection refused", request=request)
        return await self._inner.handle_async_request(request)


@pytest.fixture
async def till(engine_app, tmp_path):
    device = await AsyncDeviceStore.open(tmp_path / "device.sqlite3")
    cable = Cable(httpx.ASGITransport(app=engine_app, raise_app_exceptions=False))
    client = OmsClient.in_process(engine_app, transport=cable)
    session = TillSession(device, client, await client.get_location(HOME))
    yield session, device, client, cable
    await client.aclose()
    await device.aclose()


async def test_a_sale_the_till_thought_online_keeps_its_shown_promise(till, engine_app):
    session, device, client, cable = till
    await session.add_to_basket(KEPT, 1)
    await session.show_product(await session.find_product(KEPT))
    await session.show_product(await session.find_product(SOLD_OUT))
    shown = await session.stock_for(SOLD_OUT)
    assert shown.live and shown.here_atp > 0

    # The engine goes; the next add is answered from the product memo.
    cable.plugged = False
    await session.add_to_basket(SOLD_OUT, 1)
    assert session.online  # nothing told the session
    order_id = await session.submit(DeliverFulfilment(address=LEEDS))

    entry = await device.get_entry(order_id)
    lines = OrderRequest.model_validate(entry.payload).lines
    assert [line.sku for line in lines] == [KEPT, SOLD_OUT]
    assert all(line.promise is not None for line in lines)
    assert lines[1].promise.location_id == HOME
    assert lines[1].promise.atp_seen == shown.here_atp

    # Meanwhile the network sold the second item out; the engine comes back.
    with engine_app.state.engine.begin() as conn:
        conn.execute(
            update(stock)
            .where(stock.c.sku == SOLD_OUT)
            .values(on_hand=stock.c.reserved + stock.c.buffer)
        )
    cable.plugged = True
    await SyncWorker(device, engine_sender(client)).run_pass()

    accepted = await device.get_entry(order_id)
    assert accepted.state == OutboxState.ACCEPTED
    answer = accepted.answer["lines"]
    assert answer[0]["exception"] is None
    assert answer[1]["exception"]["reason"] == "unavailable"
    [told] = broken_promises(accepted.answer)
    assert told.sku == SOLD_OUT and "cannot be kept" in told.text()


async def test_an_online_sale_keeps_its_promise_when_stock_holds(till):
    session, device, client, _ = till
    await session.show_product(await session.find_product(KEPT))
    await session.add_to_basket(KEPT, 2)

    order_id = await session.submit(DeliverFulfilment(address=LEEDS))
    await SyncWorker(device, engine_sender(client)).run_pass()

    accepted = await device.get_entry(order_id)
    assert accepted.state == OutboxState.ACCEPTED
    assert accepted.answer["lines"][0]["exception"] is None
    assert broken_promises(accepted.answer) == []
