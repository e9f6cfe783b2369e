"""An order sold offline whose promise broke while the cable was out.

Given a till that took its stock snapshot while the engine answered, when
the cable is pulled, the till sells a line the snapshot shows in stock and
queues the order with the promise it showed; meanwhile the other tills of
the network sell every unit of that item at the engine. When the cable is
back the engine accepts the order once (not refused, not parked) with the
line in an exception and a task at the selling store, and the till finds
the broken promise in the answer to tell the associate: order, line, what
changed, and that a task was made.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from offline_store import AsyncDeviceStore, DeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient
from oms_client.models import LineExceptionReason, ShownPromise
from oms_core.db.schema import stock
from pos_app.broken_promises import BrokenPromiseWatch, reference
from pos_app.order_sync import engine_sender
from tests.proofs_faults.drain import drain
from tests.proofs_faults.test_proofs_offline_sale import Cable
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.fault_proxy import FaultProxy
from tests.support_faults.orders import HOME, delivery_payload, engine_orders


def _scarce_sku(database_url: str) -> str:
    """An item only a few locations can promise, so the network sells out fast."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            holders = func.count(stock.c.location_id)
            return conn.scalar(
                select(stock.c.sku)
                .where(stock.c.on_hand - stock.c.reserved - stock.c.buffer > 0)
                .group_by(stock.c.sku)
                .having(holders >= 2)
                .order_by(holders, stock.c.sku)
                .limit(1)
            )
    finally:
        engine.dispose()


async def _sell_out_elsewhere(server: EngineProcess, sku: str) -> int:
    """The other tills sell every unit of ``sku`` at the engine; units sold."""
    sold = 0
    # Sales at other stores: the proof's till may adjust only its own.
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as engine:
        levels = (await engine.get(f"/v1/stock/{sku}")).json()["items"]
        for level in levels:
            answer = await engine.post(
                f"/v1/stock/{sku}/adjustments",
                json={
                    "location_id": level["location_id"],
                    "kind": "sale",
                    "quantity": level["atp"],
                },
            )
            assert answer.status_code == 201, answer.text
            sold += level["atp"]
        assert (await engine.get(f"/v1/stock/{sku}")).json()["items"] == []
    return sold


async def test_an_offline_order_whose_stock_sold_out_is_accepted_with_a_task(
    engine_server: EngineProcess, tmp_path: Path
) -> None:
    cable = Cable()
    sku = _scarce_sku(engine_server.database_url)
    device = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3"))
    watch = BrokenPromiseWatch(device, since=datetime.now(UTC))
    with FaultProxy(engine_server.port, plan=cable) as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=httpx.Timeout(1.0)
        ) as client:
            fetched_at = datetime.now(UTC)
            product = await client.get_product(sku)
            await device.cache_products([product.model_dump(mode="json")], fetched_at)
            levels = await client.stock_nearby(sku, postcode="LS1", limit=10)
            await device.cache_stock(
                sku,
                "near:LS1",
                [lv.model_dump(mode="json") for lv in levels],
                fetched_at,
            )

            cable.plugged = False
            cached = await device.cached_product(sku)
            price = cached["price"]
            await device.add_item(
                sku, cached["name"], price["amount"], price["currency"]
            )
            snapshot, as_of = await device.cached_stock(sku, "near:LS1")
            shown = next(level for level in snapshot if level["atp"] > 0)
            payload = delivery_payload([(sku, 1)])
            payload["lines"][0]["promise"] = ShownPromise(
                location_id=shown["location_id"], atp_seen=shown["atp"], as_of=as_of
            ).model_dump(mode="json")
            order_id = uuid.uuid4()
            await device.submit_basket(order_id, payload)
            worker = SyncWorker(
                device, engine_sender(client), base_delay=0.01, max_delay=0.05
            )
            await worker.run_pass()
            queued = await device.outbox_summary()

            sold = await _sell_out_elsewhere(engine_server, sku)
            cable.plugged = True
            await drain(device, worker, timeout=30)
            tasks = await client.list_tasks(HOME)
            told = await watch.check()
            told_again = await watch.check()
    entry = await device.get_entry(order_id)
    await device.aclose()

    assert queued[OutboxState.PENDING] == 1
    assert sold > 0
    # Accepted once, not parked for a person.
    assert entry.state == OutboxState.ACCEPTED
    assert engine_orders(engine_server.database_url) == {order_id: [(sku, 1)]}
    assert set(proxy.stats.created_by_key.values()) == {1}
    [line] = entry.answer["lines"]
    assert line["exception"]["reason"] == LineExceptionReason.UNAVAILABLE.value
    assert line["exception"]["missing"] == 1
    assert line["exception"]["promised"]["location_id"] == shown["location_id"]
    # A task at the selling store names the order and the line.
    [task] = [t for t in tasks if t.order_id == order_id]
    assert task.kind == "line_exception"
    assert task.exception is not None and task.exception.line_no == 0
    assert [o.value for o in task.exception.options] == ["resource", "cancel_line"]
    # The associate is told once: which order, which line, and the task.
    [notice] = told
    assert notice.order_id == order_id and notice.line_no == 0
    assert reference(order_id) in notice.text()
    assert "line 1" in notice.text() and "task" in notice.text()
    assert told_again == []
