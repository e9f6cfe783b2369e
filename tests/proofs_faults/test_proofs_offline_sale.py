"""A whole sale with the engine out of reach, then the cable back in.

Given a till that fetched the catalogue and stock of the network while the
engine answered, when the engine becomes unreachable, the till still reads
every product and every location's stock from its snapshot, each with the
time it was fetched, and queues orders for delivery from anywhere in the
network, each line with the promise it showed; when the engine is back,
each queued order reaches it once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

from offline_store import AsyncDeviceStore, DeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient, OmsUnreachable
from oms_client.models import ShownPromise
from pos_app.order_sync import engine_sender
from tests.proofs_faults.drain import drain
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.fault_proxy import Fault, FaultProxy, Request
from tests.support_faults.orders import BEST_SELLERS, delivery_payload, engine_orders


class Cable:
    """A plan that drops every request while unplugged."""

    def __init__(self) -> None:
        self.plugged = True

    def __call__(self, request: Request) -> Fault:
        return Fault.PASS if self.plugged else Fault.DROP_REQUEST


async def test_the_till_sells_the_network_offline_and_syncs_once(
    engine_server: EngineProcess, tmp_path: Path
) -> None:
    cable = Cable()
    device = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3"))
    with FaultProxy(engine_server.port, plan=cable) as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=httpx.Timeout(1.0)
        ) as client:
            fetched_at = datetime.now(UTC)
            for sku, _name, _price in BEST_SELLERS:
                product = await client.get_product(sku)
                await device.cache_products(
                    [product.model_dump(mode="json")], fetched_at
                )
                levels = await client.stock_nearby(sku, postcode="LS1", limit=10)
                await device.cache_stock(
                    sku,
                    "near:LS1",
                    [lv.model_dump(mode="json") for lv in levels],
                    fetched_at,
                )

            cable.plugged = False
            try:
                await client.get_product(BEST_SELLERS[0][0])
                unreachable = False
            except OmsUnreachable:
                unreachable = True
            queued = set()
            for sku, _name, _price in BEST_SELLERS:
                product = await device.cached_product(sku)
                levels, as_of = await device.cached_stock(sku, "near:LS1")
                assert as_of == fetched_at
                assert sum(level["atp"] for level in levels) > 0
                price = product["price"]
                await device.add_item(
                    sku, product["name"], price["amount"], price["currency"]
                )
                shown = next(level for level in levels if level["atp"] > 0)
                payload = delivery_payload([(sku, 1)])
                payload["lines"][0]["promise"] = ShownPromise(
                    location_id=shown["location_id"],
                    atp_seen=shown["atp"],
                    as_of=as_of,
                ).model_dump(mode="json")
                order_id = uuid.uuid4()
                await device.submit_basket(order_id, payload)
                queued.add(order_id)
            worker = SyncWorker(
                device, engine_sender(client), base_delay=0.01, max_delay=0.05
            )
            offline_pass = await worker.run_pass()
            waiting = await device.outbox_summary()

            cable.plugged = True
            await drain(device, worker, timeout=30)
    summary = await device.outbox_summary()
    await device.aclose()

    assert unreachable
    assert offline_pass == 1  # one failed send pauses the pass
    assert waiting[OutboxState.PENDING] == len(BEST_SELLERS)
    assert summary[OutboxState.ACCEPTED] == len(BEST_SELLERS)
    assert set(engine_orders(engine_server.database_url)) == queued
    assert set(proxy.stats.created_by_key.values()) == {1}
