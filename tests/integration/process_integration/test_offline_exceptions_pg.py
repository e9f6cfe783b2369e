"""Offline orders racing for the last unit, on PostgreSQL and on SQLite.

Two tills sold the same last unit while offline, each showing it on the
shelf of the store. Both orders arrive at once: both are accepted, the unit
is reserved once, and the order that lost it carries a line exception with
a task; it waits unreleased until the task cancels the line, which cancels
the order and reserves nothing more.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update

from oms_core import orders
from oms_core.api_models import ExceptionResolution, OrderRequest, OrderStatus
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.process_schema import process_tasks
from oms_core.db.schema import orders as orders_table
from oms_core.db.schema import stock
from oms_core.process import tasks
from oms_core.process.group_views import views
from oms_core.process.runner import run_due_work
from tests.pg_schema import seeded_schema

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
STORE = "store-0001"


def _last_unit_at_the_store(engine) -> str:
    """A SKU the store holds; the network is left with one unit, there."""
    with engine.begin() as conn:
        sku = conn.scalar(
            select(func.min(stock.c.sku)).where(
                stock.c.location_id == STORE,
                stock.c.on_hand - stock.c.reserved - stock.c.buffer > 0,
            )
        )
        conn.execute(
            update(stock)
            .where(stock.c.sku == sku)
            .values(on_hand=stock.c.reserved + stock.c.buffer)
        )
        conn.execute(
            update(stock)
            .where(stock.c.sku == sku, stock.c.location_id == STORE)
            .values(on_hand=stock.c.reserved + stock.c.buffer + 1)
        )
    return sku


def _offline_request(sku: str) -> OrderRequest:
    return OrderRequest.model_validate(
        {
            "selling_location_id": STORE,
            "lines": [
                {
                    "sku": sku,
                    "quantity": 1,
                    "fulfilment": {"method": "collect", "location_id": STORE},
                    "promise": {
                        "location_id": STORE,
                        "atp_seen": 1,
                        "as_of": "2026-12-04T09:00:00Z",
                    },
                }
            ],
        }
    )


def _reserved(engine, sku: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.sum(stock.c.reserved)).where(stock.c.sku == sku))


def _race(engine, sku: str) -> list:
    barrier = threading.Barrier(2)
    placed: list = [None, None]

    def place(slot: int) -> None:
        barrier.wait()
        placed[slot] = orders.place_order(engine, uuid.uuid4(), _offline_request(sku))

    threads = [threading.Thread(target=place, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return [result.order for result in placed]


def _check_the_race(url: str) -> None:
    engine = make_engine(url)
    try:
        sku = _last_unit_at_the_store(engine)
        reserved = _reserved(engine, sku)

        both = _race(engine, sku)

        assert all(order is not None for order in both)
        broken = [order for order in both if order.lines[0].exception is not None]
        kept = [order for order in both if order.lines[0].exception is None]
        assert len(broken) == len(kept) == 1
        [lost] = broken
        assert lost.lines[0].exception.missing == 1
        assert _reserved(engine, sku) == reserved + 1

        run_due_work(engine, datetime.now(UTC), deliver=False)
        with engine.connect() as conn:
            assert {view.state for view in views(conn, lost.id)} == {"placed"}
            task_id = conn.scalar(
                select(process_tasks.c.id).where(
                    process_tasks.c.order_id == lost.id,
                    process_tasks.c.kind == "line_exception",
                )
            )
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            tasks.complete_task(
                conn,
                task_id,
                "s1",
                [],
                datetime.now(UTC),
                {},
                ExceptionResolution.CANCEL_LINE,
            )

        with engine.connect() as conn:
            status = conn.scalar(
                select(orders_table.c.status).where(orders_table.c.id == lost.id)
            )
        assert status == OrderStatus.CANCELLED
        assert _reserved(engine, sku) == reserved + 1
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="OPENAISLE_TEST_PG_URL is not set")
def test_two_offline_orders_for_the_last_unit_on_postgresql(shared_data):
    with seeded_schema(shared_data, [STORE]) as url:
        _check_the_race(url)


def test_two_offline_orders_for_the_last_unit_on_sqlite(engine_database_url):
    _check_the_race(engine_database_url)
