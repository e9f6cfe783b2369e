"""A device clock days wrong: the engine's time decides, the app is told.

Given a till whose clock is three days off (its store, its sync worker, its
client and the ``placed_at`` it sends all read that clock), when it sells
through the real engine, then the order's business time is the engine's,
the device's time is kept only as advisory ``placed_at``, the client
reports the skew once, and a ``Retry-After`` date is read against the
engine's clock, so retries neither spin nor stall for days.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest

from offline_store import AsyncDeviceStore, DeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient
from oms_client.clock_skew import SKEW_WARNING
from pos_app.order_sync import engine_sender
from tests.proofs_faults.drain import drain
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.fault_proxy import Fault, FaultProxy, Request
from tests.support_faults.orders import delivery_payload


def skewed(offset: timedelta) -> Callable[[], datetime]:
    return lambda: datetime.now(UTC) + offset


async def sell_one(
    device: AsyncDeviceStore, clock: Callable[[], datetime]
) -> uuid.UUID:
    await device.add_item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255, "GBP")
    payload = delivery_payload([("85123A", 1)])
    payload["placed_at"] = clock().isoformat()
    order_id = uuid.uuid4()
    await device.submit_basket(order_id, payload)
    return order_id


@pytest.mark.parametrize("days", [3, -3])
async def test_the_engine_clock_decides_and_the_skew_is_reported(
    engine_server: EngineProcess, tmp_path: Path, allow_log: Any, days: int
) -> None:
    allow_log("device clock is .* off the engine's")
    offset = timedelta(days=days)
    clock = skewed(offset)
    device = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3", clock=clock))
    order_id = await sell_one(device, clock)
    heard: list[timedelta] = []

    async with OmsClient.remote(
        engine_server.url, token=engine_server.token, clock=clock
    ) as client:
        client.add_clock_skew_listener(heard.append)
        worker = SyncWorker(
            device, engine_sender(client), clock=clock, base_delay=0.01, max_delay=0.05
        )
        await drain(device, worker, timeout=20)
        order = await client.get_order(order_id)
        skew = client.clock_skew
        is_off = client.clock_is_off
    entry = await device.get_entry(order_id)
    await device.aclose()

    assert entry.state is OutboxState.ACCEPTED
    assert abs(order.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert abs(skew - offset) < timedelta(seconds=5)
    assert is_off
    assert len(heard) == 1
    assert abs(entry.created_at - order.created_at - offset) < timedelta(minutes=1)


async def test_an_honest_clock_is_not_reported(
    engine_server: EngineProcess,
) -> None:
    async with OmsClient.remote(engine_server.url, token=engine_server.token) as client:
        await client.get_location("store-0000")

        assert client.clock_skew is not None
        assert abs(client.clock_skew) < SKEW_WARNING
        assert not client.clock_is_off


async def test_a_retry_after_date_is_read_on_the_engine_clock(
    engine_server: EngineProcess, tmp_path: Path, allow_log: Any
) -> None:
    allow_log("device clock is .* off the engine's")
    clock = skewed(timedelta(days=-3))  # behind: a naive reading waits 3 days
    device = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3", clock=clock))
    await sell_one(device, clock)
    seen: list[float] = []

    def busy_once(request: Request) -> Fault:
        if request.method != "POST":
            return Fault.PASS
        seen.append(time.monotonic())
        return Fault.STATUS_503 if len(seen) == 1 else Fault.PASS

    def one_second_from_now() -> str:
        return formatdate(time.time() + 2, usegmt=True)

    proxy = FaultProxy(
        engine_server.port, plan=busy_once, retry_after=one_second_from_now
    )
    with proxy:
        async with OmsClient.remote(
            proxy.url,
            token=engine_server.token,
            clock=clock,
            timeout=httpx.Timeout(2.0),
        ) as client:
            worker = SyncWorker(
                device,
                engine_sender(client),
                clock=clock,
                base_delay=0.01,
                max_delay=0.05,
            )
            await drain(device, worker, timeout=15)
    summary = await device.outbox_summary()
    await device.aclose()

    assert summary[OutboxState.ACCEPTED] == 1
    assert len(seen) == 2
    assert 0.5 <= seen[1] - seen[0] < 5
