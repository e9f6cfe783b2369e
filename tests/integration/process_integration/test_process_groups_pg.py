"""Shipment groups on PostgreSQL: the migration, a mixed order, one group cancelled."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from oms_core import orders
from oms_core.api_models import LineQuantity, OrderRequest, OrderStatus
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.process_schema import process_tasks
from oms_core.db.schema import orders as orders_table
from oms_core.process import exceptions, tasks
from oms_core.process.group_views import views
from oms_core.process.runner import run_due_work
from tests.pg_schema import seeded_schema

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
SKU = "85123A"
STORE = "store-0001"


def _mixed_order(engine) -> uuid.UUID:
    order_id = uuid.uuid4()
    request = OrderRequest.model_validate(
        {
            "selling_location_id": STORE,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": 1,
                    "fulfilment": {"method": "collect", "location_id": STORE},
                },
                {
                    "sku": SKU,
                    "quantity": 1,
                    "fulfilment": {
                        "method": "deliver",
                        "address": {
                            "name": "A Customer",
                            "line1": "1 High Street",
                            "city": "Daventry",
                            "postcode": "NN11 4AA",
                        },
                    },
                },
            ],
        }
    )
    orders.place_order(engine, order_id, request)
    return order_id


def _finish_group_tasks(engine, order_id: uuid.UUID, group: int, count: int) -> None:
    for _ in range(count):
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            task_id = conn.scalar(
                select(process_tasks.c.id).where(
                    process_tasks.c.order_id == order_id,
                    process_tasks.c.group_no == group,
                    process_tasks.c.status == "open",
                )
            )
            tasks.complete_task(conn, task_id, "s1", [], datetime.now(UTC))


def _check_mixed_order(url: str) -> None:
    engine = make_engine(url)
    try:
        order_id = _mixed_order(engine)
        run_due_work(engine, datetime.now(UTC), deliver=False)
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            exceptions.cancel(
                conn,
                order_id,
                [LineQuantity(line_no=1, quantity=1)],
                {},
                datetime.now(UTC),
            )
        _finish_group_tasks(engine, order_id, 0, 3)
        run_due_work(engine, datetime.now(UTC), deliver=False)

        with engine.connect() as conn:
            groups = views(conn, order_id)
            status = conn.scalar(
                select(orders_table.c.status).where(orders_table.c.id == order_id)
            )
        assert (groups[0].process, groups[0].state) == ("collect_here", "completed")
        assert groups[1].state == "cancelled"
        assert status == OrderStatus.COMPLETED
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="OPENAISLE_TEST_PG_URL is not set")
def test_a_mixed_order_with_one_group_cancelled_completes_on_postgresql(shared_data):
    with seeded_schema(shared_data, [STORE]) as url:
        _check_mixed_order(url)


def test_a_mixed_order_with_one_group_cancelled_completes_on_sqlite(
    engine_database_url,
):
    _check_mixed_order(engine_database_url)
