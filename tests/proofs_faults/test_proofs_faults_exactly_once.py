"""Exactly once through a hostile network: the device outbox, the app's
sender and the real engine over loopback, with a fault proxy in between.

Given orders queued on a device, when the proxy drops requests, drops the
engine's answers after it committed, delays past the client's time-out,
resets connections and answers 502/503/429 with ``Retry-After``, then every
order is held by the engine exactly once, with the lines the device sent.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from offline_store import AsyncDeviceStore, DeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient
from pos_app.order_sync import engine_sender
from tests.proofs_faults.drain import drain
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.fault_proxy import (
    Fault,
    FaultProxy,
    RandomFaults,
    Request,
)
from tests.support_faults.figures import record
from tests.support_faults.orders import BEST_SELLERS, delivery_payload, engine_orders

CLIENT_TIMEOUT = httpx.Timeout(1.0, connect=1.0)
ORDERS = int(os.environ.get("OPENAISLE_FAULT_ORDERS", "40"))


@pytest.fixture
async def device(tmp_path: Path) -> AsyncIterator[AsyncDeviceStore]:
    store = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3"))
    yield store
    await store.aclose()


async def queue_orders(
    device: AsyncDeviceStore, count: int, rng: random.Random
) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """Fill and submit ``count`` baskets of real items; return what was sent."""
    queued = {}
    for _ in range(count):
        lines = [
            (sku, rng.randint(1, 3))
            for sku, _name, _price in rng.sample(BEST_SELLERS, 2)
        ]
        for sku, quantity in lines:
            name, price = next((n, p) for s, n, p in BEST_SELLERS if s == sku)
            await device.add_item(sku, name, price, "GBP", quantity)
        order_id = uuid.uuid4()
        await device.submit_basket(order_id, delivery_payload(lines))
        queued[order_id] = sorted(lines)
    return queued


def fast_worker(
    device: AsyncDeviceStore, client: OmsClient, **options: Any
) -> SyncWorker:
    settings: dict[str, Any] = {
        "base_delay": 0.01,
        "max_delay": 0.05,
        "lease_seconds": 10.0,
        "idle_poll": 0.05,
    }
    settings.update(options)
    return SyncWorker(device, engine_sender(client), **settings)


def held_by_engine(
    server: EngineProcess,
) -> dict[uuid.UUID, list[tuple[str, int]]]:
    return {i: sorted(lines) for i, lines in engine_orders(server.database_url).items()}


async def test_every_order_arrives_exactly_once_through_random_faults(
    engine_server: EngineProcess, device: AsyncDeviceStore
) -> None:
    rng = random.Random(7)
    queued = await queue_orders(device, ORDERS, rng)
    plan = RandomFaults(random.Random(11), rate=0.6)
    with FaultProxy(engine_server.port, plan=plan, delay=1.5) as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=CLIENT_TIMEOUT
        ) as client:
            seconds = await drain(device, fast_worker(device, client), timeout=90)

    summary = await device.outbox_summary()
    held = held_by_engine(engine_server)
    stats = proxy.stats
    record(
        "network faults, one worker",
        orders=ORDERS,
        requests=stats.requests,
        faults_injected=stats.injected,
        by_fault={str(k): v for k, v in sorted(stats.faults.items())},
        lost=len(set(queued) - set(held)),
        doubled=sum(n - 1 for n in stats.created_by_key.values() if n > 1),
        seconds=round(seconds, 1),
    )
    assert summary[OutboxState.ACCEPTED] == ORDERS
    assert held == queued
    assert set(stats.created_by_key.values()) == {1}
    assert stats.max_in_flight == 1
    for fault in (Fault.DROP_ANSWER, Fault.DELAY, Fault.RESET, Fault.STATUS_429):
        assert stats.faults[fault] > 0, fault
    for entry in await device.entries(OutboxState.ACCEPTED):
        assert entry.answer is not None
        assert entry.answer["id"] == str(entry.order_id)


async def test_an_answer_lost_after_commit_is_answered_again_on_retry(
    engine_server: EngineProcess, device: AsyncDeviceStore
) -> None:
    queued = await queue_orders(device, 1, random.Random(3))
    plan_calls: list[Fault] = []

    def drop_first_answer(request: Request) -> Fault:
        fault = Fault.DROP_ANSWER if not plan_calls else Fault.PASS
        plan_calls.append(fault)
        return fault

    with FaultProxy(engine_server.port, plan=drop_first_answer) as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=CLIENT_TIMEOUT
        ) as client:
            await drain(device, fast_worker(device, client))

    (order_id,) = queued
    entry = await device.get_entry(order_id)
    assert proxy.stats.posts_by_key[str(order_id)] == 2
    assert proxy.stats.created_by_key[str(order_id)] == 1
    assert entry.attempts == 2
    assert entry.answer["id"] == str(order_id)
    assert held_by_engine(engine_server) == queued


async def test_retry_after_is_a_floor_on_the_next_attempt(
    engine_server: EngineProcess, device: AsyncDeviceStore
) -> None:
    await queue_orders(device, 1, random.Random(5))
    seen: list[float] = []

    def busy_once(request: Request) -> Fault:
        if request.method != "POST":
            return Fault.PASS
        seen.append(time.monotonic())
        return Fault.STATUS_429 if len(seen) == 1 else Fault.PASS

    with FaultProxy(engine_server.port, plan=busy_once, retry_after="1") as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=CLIENT_TIMEOUT
        ) as client:
            await drain(device, fast_worker(device, client))

    assert proxy.stats.faults[Fault.STATUS_429] == 1
    assert len(seen) == 2
    assert seen[1] - seen[0] >= 1.0


async def test_retries_are_bounded_then_the_order_is_parked(
    engine_server: EngineProcess, device: AsyncDeviceStore, allow_log: Any
) -> None:
    allow_log("order parked in the outbox")
    queued = await queue_orders(device, 1, random.Random(9))
    plan = RandomFaults(
        random.Random(1), rate=1.0, kinds=(Fault.STATUS_503, Fault.RESET)
    )

    with FaultProxy(engine_server.port, plan=plan) as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=CLIENT_TIMEOUT
        ) as client:
            await drain(device, fast_worker(device, client, max_attempts=5))

    (order_id,) = queued
    entry = await device.get_entry(order_id)
    assert entry.state is OutboxState.PARKED
    assert entry.attempts == 5
    assert entry.last_error.startswith("gave up after 5 attempts")
    assert proxy.stats.injected == 5
    assert held_by_engine(engine_server) == {}


async def test_one_failing_order_never_holds_up_the_queue(
    engine_server: EngineProcess, device: AsyncDeviceStore, allow_log: Any
) -> None:
    allow_log("order parked in the outbox")
    queued = await queue_orders(device, 6, random.Random(13))
    poison = next(iter(queued))  # the oldest: first in the queue

    def poison_fails(request: Request) -> Fault:
        if request.idempotency_key == str(poison):
            return Fault.STATUS_503
        return Fault.PASS

    with FaultProxy(engine_server.port, plan=poison_fails) as proxy:
        async with OmsClient.remote(
            proxy.url, token=engine_server.token, timeout=CLIENT_TIMEOUT
        ) as client:
            worker = fast_worker(device, client, max_attempts=1000)
            await drain_all_but(device, worker, poison)

    entry = await device.get_entry(poison)
    held = held_by_engine(engine_server)
    assert entry.state is OutboxState.PENDING
    assert entry.attempts >= 2
    assert set(held) == set(queued) - {poison}
    assert proxy.stats.faults[Fault.STATUS_503] == entry.attempts


async def drain_all_but(
    device: AsyncDeviceStore, worker: SyncWorker, poison: uuid.UUID
) -> None:
    """Run ``worker`` until every row but ``poison`` is accepted."""
    import asyncio

    task = asyncio.create_task(worker.run())
    try:
        for _ in range(600):
            summary = await device.outbox_summary()
            if summary[OutboxState.ACCEPTED] == summary[OutboxState.PENDING] + 4:
                pass
            pending = await device.entries(OutboxState.PENDING)
            if [e.order_id for e in pending] == [poison]:
                break
            await asyncio.sleep(0.05)
        else:
            raise TimeoutError("the queue did not get past the failing order")
    finally:
        worker.stop()
        await task
