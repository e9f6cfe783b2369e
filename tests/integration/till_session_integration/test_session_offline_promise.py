"""A till selling offline sends the promise its stock snapshot showed.

Given a till that looked an item's stock up while the engine answered,
when the engine is out of reach and the associate sells it, the queued
order's line carries what the snapshot showed (location, units, its time);
when the item sold out at the engine meanwhile, the order is accepted with
the line in an exception rather than parked. A line the device has no
stock snapshot for goes without a promise.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import update

from offline_store import AsyncDeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient
from oms_client.models import DeliverFulfilment, OrderRequest
from oms_core.db.schema import stock
from pos_app.order_sync import engine_sender
from pos_app.session import TillSession
from tests.support_faults.engine_process import free_port
from tests.support_faults.orders import LEEDS

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER
HOME = "store-0001"


@pytest.fixture
async def device(engine_app, tmp_path):
    store = await AsyncDeviceStore.open(tmp_path / "device.sqlite3")
    yield store
    await store.aclose()


async def test_an_offline_sale_carries_the_promise_it_showed(engine_app, device):
    online = OmsClient.in_process(engine_app)
    home = await online.get_location(HOME)
    till = TillSession(device, online, home)
    assert await till.find_product(SKU) is not None  # cached for offline use
    snapshot = await till.stock_for(SKU)
    assert snapshot.live and snapshot.here_atp > 0

    # The cable goes: a client whose engine does not answer, same device.
    away = OmsClient.remote(
        f"http://127.0.0.1:{free_port()}", timeout=httpx.Timeout(0.5)
    )
    offline = TillSession(device, away, home)
    await offline.add_to_basket(SKU, 2)
    assert not offline.online
    order_id = await offline.submit(DeliverFulfilment(address=LEEDS))

    entry = await device.get_entry(order_id)
    [line] = OrderRequest.model_validate(entry.payload).lines
    assert line.promise is not None
    assert line.promise.location_id == HOME
    assert line.promise.atp_seen == snapshot.here_atp
    assert line.promise.as_of == snapshot.as_of

    # Meanwhile the network sold out; the order still goes in, with a task.
    with engine_app.state.engine.begin() as conn:
        conn.execute(
            update(stock)
            .where(stock.c.sku == SKU)
            .values(on_hand=stock.c.reserved + stock.c.buffer)
        )
    worker = SyncWorker(device, engine_sender(online))
    await worker.run_pass()
    accepted = await device.get_entry(order_id)
    assert accepted.state == OutboxState.ACCEPTED
    assert accepted.answer["lines"][0]["exception"]["reason"] == "unavailable"
    tasks = await online.list_tasks(HOME)
    assert [t.kind for t in tasks if t.order_id == order_id] == ["line_exception"]
    await away.aclose()
    await online.aclose()


async def test_a_line_with_no_snapshot_sends_no_promise(engine_app, device):
    client = OmsClient.in_process(engine_app)
    till = TillSession(device, client, await client.get_location(HOME))
    await till.add_to_basket(SKU, 1)

    order_id: uuid.UUID = await till.submit(DeliverFulfilment(address=LEEDS))

    entry = await device.get_entry(order_id)
    [line] = OrderRequest.model_validate(entry.payload).lines
    assert till.online and line.promise is None
    await client.aclose()
