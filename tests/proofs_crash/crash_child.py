"""The till that gets killed: device storage and sync in a child process.

It runs the app's own parts (the device store on its file, the sync worker,
the app's order sender, the engine client over loopback HTTP) through a
scripted day: fill a basket line by line, submit it, start the next, while
the worker sends the outbox. Whatever it has been told is durable (a store
call returned) it writes to a journal, flushed and synced, so the parent
can check that nothing confirmed was lost after a SIGKILL.

The work is derived from the store itself, so a restarted child carries on
where the killed one stopped: order *n* is the one after the *n* rows in
the outbox, and its lines are fixed by the run's seed and *n*. Order ids are
fresh random UUIDs, as in the app: a basket submitted twice would show as
two orders.

A child can also kill itself at a named point, to land exactly where a
random kill rarely does: after the engine committed but before the answer
was stored (``after_commit``), just before a send (``before_send``), or
between the submit's commit and its journal line (``after_submit``).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_store import (
    Accepted,
    AsyncDeviceStore,
    DeviceStore,
    OutboxState,
    SendResult,
    SyncWorker,
)
from oms_client import OmsClient
from pos_app.order_sync import engine_sender
from tests.support_faults.orders import BEST_SELLERS, delivery_payload

KILL_POINTS = ("after_commit", "before_send", "after_submit")


@dataclass(frozen=True)
class ChildPlan:
    """What one child run does."""

    db_path: Path
    journal: Path
    engine_url: str
    token: str
    seed: int
    orders: int
    kill_point: str | None = None
    kill_chance: float = 0.0
    drain_only: bool = False


def lines_of(seed: int, number: int) -> list[tuple[str, int]]:
    """The ``(sku, quantity)`` lines of order ``number`` of a run."""
    rng = random.Random(seed * 1_000_003 + number)
    chosen = rng.sample(BEST_SELLERS, rng.randint(1, 3))
    return [(sku, rng.randint(1, 3)) for sku, _name, _price in chosen]


def run(plan: ChildPlan, ready: Any) -> None:
    """Entry point of the child process."""
    asyncio.run(_main(plan, ready))


class _Journal:
    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")

    def write(self, **entry: Any) -> None:
        self._file.write(json.dumps(entry) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())


def _maybe_die(plan: ChildPlan, point: str, rng: random.Random) -> None:
    if plan.kill_point == point and rng.random() < plan.kill_chance:
        os.kill(os.getpid(), signal.SIGKILL)


async def _main(plan: ChildPlan, ready: Any) -> None:
    rng = random.Random()
    journal = _Journal(plan.journal)
    device = AsyncDeviceStore(DeviceStore(plan.db_path))
    async with OmsClient.remote(plan.engine_url, token=plan.token) as client:
        send = engine_sender(client)

        async def killable_send(
            order_id: uuid.UUID, payload: dict[str, Any]
        ) -> SendResult:
            _maybe_die(plan, "before_send", rng)
            result = await send(order_id, payload)
            if isinstance(result, Accepted):
                _maybe_die(plan, "after_commit", rng)
            return result

        worker = SyncWorker(
            device,
            killable_send,
            base_delay=0.01,
            max_delay=0.05,
            lease_seconds=2.0,
            idle_poll=0.05,
        )
        sync = asyncio.create_task(worker.run())
        ready.set()

        await _sell(plan, device, journal, rng, worker)
        while (await device.outbox_summary())[OutboxState.PENDING]:
            await asyncio.sleep(0.02)
        worker.stop()
        await sync
    await device.aclose()
    journal.write(event="done")


async def _sell(
    plan: ChildPlan,
    device: AsyncDeviceStore,
    journal: _Journal,
    rng: random.Random,
    worker: SyncWorker,
) -> None:
    names = {sku: (name, price) for sku, name, price in BEST_SELLERS}
    while True:
        number = len(await device.entries())
        basket = await device.current_basket()
        if number >= plan.orders or (plan.drain_only and not basket.lines):
            return

        held = {line.sku: line.quantity for line in basket.lines}
        for sku, quantity in lines_of(plan.seed, number):
            if held.get(sku) == quantity:
                continue
            name, price = names[sku]
            if sku in held:
                await device.set_quantity(sku, quantity)
            else:
                await device.add_item(sku, name, price, "GBP", quantity)
            journal.write(event="edit", order=number, sku=sku, quantity=quantity)
            await asyncio.sleep(rng.uniform(0, 0.01))

        order_id = uuid.uuid4()
        await device.submit_basket(
            order_id, delivery_payload(lines_of(plan.seed, number))
        )
        _maybe_die(plan, "after_submit", rng)
        journal.write(event="submit", order=number, order_id=str(order_id))
        worker.wake()
