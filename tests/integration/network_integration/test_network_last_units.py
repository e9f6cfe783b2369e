"""A store network on one machine: one served engine, two stores' tills.

The engine runs as ``openaisle-oms serve`` with several uvicorn workers on
a real PostgreSQL, on a loopback port. Two till sessions (the app's own
TillSession, device store and sync worker) belong to two different stores
and reach it over real HTTP with their own device tokens, issued by the
``openaisle-oms token issue`` command. Both sell the last units of the
same SKU at once; the engine sells exactly what exists and both tills then
show the same truth.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.engine import make_url

from offline_store import AsyncDeviceStore, SyncWorker
from oms_client import OmsClient
from oms_client.models import CollectFulfilment
from oms_core.db.engine import make_engine
from oms_core.db.schema import order_lines, stock
from oms_core.seed import seed_database
from pos_app.order_sync import engine_sender
from pos_app.session import TillSession

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
SKU = "85123A"
LEEDS, SHEFFIELD = "store-0001", "store-0002"
LAST_UNITS = 3
ORDERS_PER_TILL = 3
WORKERS = 3

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="OPENAISLE_TEST_PG_URL is not set"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def network_url(shared_data: Path):
    """A fresh schema with two stores and the DCs; the SKU's last units at one."""
    schema = f"oms_net_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    seed_database(rendered, shared_data, store_ids=[LEEDS, SHEFFIELD])

    engine = make_engine(rendered)
    with engine.begin() as connection:
        connection.execute(
            update(stock).where(stock.c.sku == SKU).values(on_hand=0, reserved=0)
        )
        connection.execute(
            update(stock)
            .where(stock.c.sku == SKU, stock.c.location_id == LEEDS)
            .values(on_hand=LAST_UNITS, buffer=0)
        )
    engine.dispose()
    try:
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _oms(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oms_core.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )


@pytest.fixture
def served(network_url: str, tmp_path: Path):
    """The engine served with several workers; yields its URL and tokens."""
    env = {**os.environ, "OPENAISLE_OMS_DATABASE_URL": network_url}
    tokens = {
        store: _oms(
            "token", "issue", "--store", store, "--role", "till", env=env
        ).stdout.strip()
        for store in (LEEDS, SHEFFIELD)
    }
    port = _free_port()
    log = (tmp_path / "engine.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oms_core.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(WORKERS),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process)
        yield url, tokens, tmp_path / "engine.log"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_ready(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the engine exited at start")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the engine did not become ready")


async def _till(url: str, token: str, store_id: str, folder: Path):
    store = await AsyncDeviceStore.open(folder / f"{store_id}.sqlite3")
    client = OmsClient.remote(url, token=token)
    home = await client.get_location(store_id)
    session = TillSession(store, client, home)
    worker = SyncWorker(store, engine_sender(client))
    return session, store, client, worker


async def test_two_stores_sell_the_last_units_and_both_see_the_truth(
    qapp, served, network_url: str, tmp_path: Path, allow_log
) -> None:
    allow_log("order parked in the outbox")  # the orders that found no stock
    url, tokens, engine_log = served
    tills = [
        await _till(url, tokens[store], store, tmp_path) for store in (LEEDS, SHEFFIELD)
    ]
    try:
        # Given both tills have queued orders for more than is left.
        for session, *_ in tills:
            for _ in range(ORDERS_PER_TILL):
                await session.add_to_basket(SKU, 1)
                await session.submit(CollectFulfilment(location_id=LEEDS))

        # When both send them at the same moment.
        await asyncio.gather(*(worker.run_pass() for *_, worker in tills))

        # Then exactly the units that existed were sold.
        outcomes = Counter()
        for _, store, _, _ in tills:
            for entry in await store.entries():
                outcomes[str(entry.state)] += 1
        assert outcomes["accepted"] == LAST_UNITS
        assert sum(outcomes.values()) == 2 * ORDERS_PER_TILL
        assert outcomes["accepted"] + outcomes["parked"] == 2 * ORDERS_PER_TILL

        engine = make_engine(network_url)
        with engine.connect() as connection:
            sold = connection.scalar(
                select(func.sum(order_lines.c.quantity)).where(order_lines.c.sku == SKU)
            )
            row = connection.execute(
                select(stock.c.on_hand, stock.c.reserved).where(
                    stock.c.sku == SKU, stock.c.location_id == LEEDS
                )
            ).one()
        engine.dispose()
        assert sold == LAST_UNITS
        assert (row.on_hand, row.reserved) == (LAST_UNITS, LAST_UNITS)

        # And both tills show the truth: nothing left to promise at Leeds.
        for session, *_ in tills:
            snapshot = await session.lookup_stock(SKU)
            assert snapshot.live
            levels = {lvl.location_id: lvl.atp for lvl in snapshot.here}
            levels |= {lvl.location_id: lvl.atp for lvl in snapshot.nearby}
            assert levels.get(LEEDS, 0) == 0
    finally:
        for _, store, client, _ in tills:
            await client.aclose()
            await store.aclose()

    lines = engine_log.read_text(encoding="utf-8").splitlines()
    pids = {
        line.split('"pid": ')[1].split(",")[0] for line in lines if '"pid": ' in line
    }
    assert len(pids) >= 2, "the engine should have served with several workers"
