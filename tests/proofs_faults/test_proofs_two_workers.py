"""Two app instances on one device profile never send one order at once.

Each instance has its own connection to the device file, its own sync
worker and its own client. The outbox lease is a conditional UPDATE, so
the proxy sees at most one send of an order in flight, every order is
created once, and without faults each order is sent exactly once.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from offline_store import (
    AsyncDeviceStore,
    DeviceStore,
    LeaseLostError,
    OutboxState,
    SyncWorker,
)
from oms_client import OmsClient
from pos_app.order_sync import engine_sender
from tests.proofs_faults.drain import drain
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.fault_proxy import FaultProxy, RandomFaults
from tests.support_faults.figures import record
from tests.support_faults.orders import delivery_payload, engine_orders

ORDERS = 30


def queue(store: DeviceStore, count: int) -> set[uuid.UUID]:
    ids = set()
    for number in range(count):
        store.add_item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255, "GBP")
        order_id = uuid.uuid4()
        store.submit_basket(order_id, delivery_payload([("85123A", 1 + number % 3)]))
        ids.add(order_id)
    return ids


@pytest.mark.parametrize("fault_rate", [0.0, 0.5])
async def test_two_workers_on_one_profile_never_double_send(
    engine_server: EngineProcess, tmp_path: Path, fault_rate: float
) -> None:
    path = tmp_path / "device.sqlite3"
    first = AsyncDeviceStore(DeviceStore(path))
    second = AsyncDeviceStore(DeviceStore(path))
    queued = queue(first.store, ORDERS)
    plan = RandomFaults(random.Random(17), rate=fault_rate)

    with FaultProxy(engine_server.port, plan=plan, delay=1.5) as proxy:
        async with (
            OmsClient.remote(proxy.url, token=engine_server.token, timeout=1.0) as a,
            OmsClient.remote(proxy.url, token=engine_server.token, timeout=1.0) as b,
        ):
            workers = [
                SyncWorker(store, engine_sender(client), **fast())
                for store, client in ((first, a), (second, b))
            ]
            await drain(first, *workers, timeout=90)
    summary = await second.outbox_summary()
    await first.aclose()
    await second.aclose()

    stats = proxy.stats
    record(
        f"two workers, one profile, fault rate {fault_rate:.0%}",
        orders=ORDERS,
        posts=sum(stats.posts_by_key.values()),
        faults_injected=stats.injected,
        max_in_flight_per_order=stats.max_in_flight,
        doubled=sum(n - 1 for n in stats.created_by_key.values() if n > 1),
    )
    assert summary[OutboxState.ACCEPTED] == ORDERS
    assert set(engine_orders(engine_server.database_url)) == queued
    assert stats.max_in_flight == 1
    assert set(stats.created_by_key.values()) == {1}
    if fault_rate == 0:
        assert set(stats.posts_by_key.values()) == {1}


def fast() -> dict[str, Any]:
    return {
        "base_delay": 0.01,
        "max_delay": 0.05,
        "lease_seconds": 10.0,
        "idle_poll": 0.05,
    }


def test_a_worker_whose_lease_was_taken_over_records_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "device.sqlite3"
    now = datetime(2010, 12, 1, 9, 0, tzinfo=UTC)
    slow, quick = DeviceStore(path, clock=lambda: now), DeviceStore(path)
    (order_id,) = queue(slow, 1)

    slow.claim_due(now, worker_id="slow", lease_seconds=5)
    later = now + timedelta(seconds=6)
    taken = quick.claim_due(later, worker_id="quick", lease_seconds=5)
    with pytest.raises(LeaseLostError):
        slow.record_retry(order_id, "timed out", later, worker_id="slow")
    with pytest.raises(LeaseLostError):
        slow.record_parked(order_id, "gave up", worker_id="slow")
    still = quick.get_entry(order_id)
    slow.close()
    quick.close()

    assert taken is not None
    assert still.claimed_by == "quick"
    assert still.state is OutboxState.PENDING
