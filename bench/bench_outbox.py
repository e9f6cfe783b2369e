"""Outbox drain after a day offline, against creating the orders directly.

    python -m bench.bench_outbox --oms-database PATH [--orders 2000]

A day offline is rebuilt from the catalogue week: every complete sales
invoice is one basket (its catalogue lines, at the catalogue's price),
filled in the device database and submitted to the outbox, the invoices
taken in turn until ``--orders`` are queued. The queue is built once and
copied for each run. A run then times two things, each on its own fresh
copy of the seeded engine, in-process as the app runs it:

* direct: ``OmsClient.create_order`` for every queued order, one after
  another, with the outbox's order ids;
* drain: one pass of the app's :class:`offline_store.SyncWorker` with the
  app's engine sender, which claims, sends and records every row.

``--device-only`` times the drain alone, with a sender that accepts every
order at once: what the device itself costs per order (its durable writes).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import data_dir, emit_result

logger = logging.getLogger(__name__)

HOME_STORE = "store-1554"
MAX_QUANTITY = 9_999


def catalogue(oms_database: Path) -> dict[str, tuple[str, int, str]]:
    """SKU → (name, price in minor units, currency) from the seeded engine."""
    with sqlite3.connect(oms_database) as connection:
        rows = connection.execute(
            "SELECT sku, name, price_minor, currency FROM products"
        )
        return {sku: (name, price, currency) for sku, name, price, currency in rows}


def week_baskets(products: dict) -> list[list[tuple[str, int]]]:
    """Each sales invoice of the week as (sku, quantity) lines, first line kept."""
    from oms_core.datasets import WEEK_FILE, read_sales_lines

    invoices: dict[str, dict[str, int]] = {}
    for line in read_sales_lines(data_dir() / WEEK_FILE):
        if line.invoice.startswith("C") or line.quantity <= 0:
            continue
        if line.stock_code not in products:
            continue
        lines = invoices.setdefault(line.invoice, {})
        lines.setdefault(line.stock_code, min(line.quantity, MAX_QUANTITY))
    return [list(lines.items())[:200] for lines in invoices.values() if lines]


def _in_turn(baskets: list, count: int) -> Iterator[list[tuple[str, int]]]:
    for index in range(count):
        yield baskets[index % len(baskets)]


def queue_day(
    device_db: Path, oms_database: Path, orders: int, home: str = HOME_STORE
) -> None:
    """Fill and submit ``orders`` real baskets in a new device database.

    The day is built in memory-backed storage when there is some (its
    durable commits would take minutes on a disk and are not what is
    measured), then copied to ``device_db``.
    """
    from offline_store import DeviceStore

    products = catalogue(oms_database)
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else device_db.parent
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        building = Path(folder) / "day.sqlite3"
        _fill(DeviceStore(building), products, orders, home)
        with sqlite3.connect(building) as source, sqlite3.connect(device_db) as copy:
            source.backup(copy)


def _fill(store, products: dict, orders: int, home: str) -> None:
    import uuid

    try:
        for basket in _in_turn(week_baskets(products), orders):
            for sku, quantity in basket:
                name, price, currency = products[sku]
                store.add_item(sku, name, price, currency, quantity)
            payload = {
                "selling_location_id": home,
                "lines": [
                    {
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "fulfilment": {"method": "collect", "location_id": home},
                    }
                    for line in store.current_basket().lines
                ],
            }
            store.submit_basket(uuid.uuid4(), payload)
    finally:
        store.close()


async def _direct(device_db: Path, oms_database: Path) -> tuple[float, int, int]:
    from offline_store import AsyncDeviceStore
    from oms_client import OmsClient, OmsConflict, OmsRejected
    from oms_client.models import OrderRequest
    from oms_core.app import create_app

    store = await AsyncDeviceStore.open(device_db)
    entries = await store.entries()
    await store.aclose()
    requests = [(e.order_id, OrderRequest.model_validate(e.payload)) for e in entries]

    app = create_app(f"sqlite:///{oms_database}")
    client = OmsClient.in_process(app)
    try:
        accepted = 0
        started = time.perf_counter()
        for order_id, request in requests:
            try:
                await client.create_order(order_id, request)
            except (OmsConflict, OmsRejected):
                continue
            accepted += 1
        seconds = time.perf_counter() - started
    finally:
        await client.aclose()
        app.state.engine.dispose()
    return seconds, len(requests), accepted


async def _drain(device_db: Path, oms_database: Path) -> tuple[float, int, int]:
    from offline_store import AsyncDeviceStore, SyncWorker
    from oms_client import OmsClient
    from oms_core.app import create_app
    from pos_app.order_sync import engine_sender

    store = await AsyncDeviceStore.open(device_db)
    app = create_app(f"sqlite:///{oms_database}")
    client = OmsClient.in_process(app)
    try:
        worker = SyncWorker(store, engine_sender(client))
        started = time.perf_counter()
        handled = await worker.run_pass()
        seconds = time.perf_counter() - started
        summary = await store.outbox_summary()
    finally:
        await client.aclose()
        app.state.engine.dispose()
        await store.aclose()
    accepted = sum(n for state, n in summary.items() if str(state) == "accepted")
    return seconds, handled, accepted


async def _drain_device_only(device_db: Path) -> tuple[float, int, int]:
    """The drain against a sender that accepts at once: the device's own cost."""
    from offline_store import Accepted, AsyncDeviceStore, SyncWorker

    async def accept(order_id, _payload):
        return Accepted({"id": str(order_id), "status": "created"})

    store = await AsyncDeviceStore.open(device_db)
    try:
        worker = SyncWorker(store, accept)
        started = time.perf_counter()
        handled = await worker.run_pass()
        seconds = time.perf_counter() - started
    finally:
        await store.aclose()
    return seconds, handled, handled


def device_only(queued: Path, workdir: Path) -> dict:
    """Time the drain alone, no engine: what the device adds per order."""
    device = workdir / "device-only.sqlite3"
    shutil.copyfile(queued, device)
    seconds, count, _ = asyncio.run(_drain_device_only(device))
    return {
        "device_only": {"seconds": seconds, "orders": count, "rate": count / seconds}
    }


def run_once(queued: Path, oms_database: Path, workdir: Path) -> dict:
    """Time the direct creation and the drain, each on fresh copies."""
    results = {}
    for name, step in (("direct", _direct), ("drain", _drain)):
        device = workdir / f"{name}-device.sqlite3"
        engine = workdir / f"{name}-oms.sqlite3"
        shutil.copyfile(queued, device)
        shutil.copyfile(oms_database, engine)
        seconds, count, accepted = asyncio.run(step(device, engine))
        results[name] = {
            "seconds": seconds,
            "orders": count,
            "accepted": accepted,
            "rate": count / seconds,
        }
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oms-database", type=Path, required=True)
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument(
        "--queue", type=Path, help="a device database already queued (reused)"
    )
    parser.add_argument("--home-store", default=HOME_STORE)
    parser.add_argument(
        "--device-only",
        action="store_true",
        help="drain with a sender that accepts at once (no engine)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="openaisle-bench-") as folder:
        workdir = Path(folder)
        queued = args.queue or workdir / "queued.sqlite3"
        if not queued.exists():
            queue_day(queued, args.oms_database, args.orders, args.home_store)
        if args.device_only:
            emit_result(device_only(queued, workdir))
        else:
            emit_result(run_once(queued, args.oms_database, workdir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
