"""On PostgreSQL, an order placed on a connection the server dropped goes through.

The pool does not ping a connection before lending it, so the first use of
one the server ended fails; placing the order tries again on a fresh one.
"""

from __future__ import annotations

import logging
import os
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from oms_core import orders
from oms_core.api_models import OrderRequest
from oms_core.db.engine import make_engine
from oms_core.db.schema import orders as orders_table
from tests.pg_schema import seeded_schema

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
SKU = "85123A"
STORE = "store-0001"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="OPENAISLE_TEST_PG_URL is not set"),
]


@pytest.fixture
def pg_url(shared_data):
    """A fresh schema seeded with one store and the DCs; dropped afterwards."""
    with seeded_schema(shared_data, [STORE]) as url:
        yield url


def _request() -> OrderRequest:
    return OrderRequest.model_validate(
        {
            "selling_location_id": STORE,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": 1,
                    "fulfilment": {"method": "collect", "location_id": STORE},
                }
            ],
        }
    )


def test_an_order_on_a_connection_the_server_ended_is_placed_once(
    pg_url, allow_log, caplog
):
    allow_log(r"database connection lost while placing an order")
    engine = make_engine(pg_url)
    admin = create_engine(PG_URL)
    try:
        orders.place_order(engine, uuid.uuid4(), _request())
        with engine.connect() as connection:
            pooled_pid = connection.scalar(text("SELECT pg_backend_pid()"))
        with admin.connect() as connection:
            ended = connection.scalar(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled_pid}
            )
        assert ended is True

        order_id = uuid.uuid4()
        with caplog.at_level(logging.WARNING, logger="oms_core.orders"):
            placed = orders.place_order(engine, order_id, _request())

        assert placed.created is True
        assert any("connection lost" in r.getMessage() for r in caplog.records)
        with engine.connect() as connection:
            stored = connection.scalar(
                select(func.count())
                .select_from(orders_table)
                .where(orders_table.c.id == order_id)
            )
        assert stored == 1
    finally:
        engine.dispose()
        admin.dispose()
