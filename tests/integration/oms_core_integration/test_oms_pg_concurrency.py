"""On PostgreSQL, concurrent orders never sell more than is on hand."""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import text, update

from oms_core import orders
from oms_core.api_models import OrderRequest
from oms_core.db.engine import make_engine
from oms_core.db.schema import stock
from oms_core.errors import EngineError
from tests.pg_schema import seeded_schema

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
THREADS = 8
ON_HAND = 5
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


def test_eight_threads_buy_the_last_units_and_exactly_on_hand_is_sold(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(
            update(stock)
            .where(stock.c.sku == SKU, stock.c.location_id == STORE)
            .values(on_hand=ON_HAND, reserved=0, buffer=0)
        )
    request = OrderRequest.model_validate(
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
    barrier = threading.Barrier(THREADS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def buy() -> None:
        barrier.wait()
        try:
            orders.place_order(engine, uuid.uuid4(), request)
            result = "sold"
        except EngineError as exc:
            result = exc.code.value
        with lock:
            outcomes[result] += 1

    workers = [threading.Thread(target=buy) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    with engine.connect() as connection:
        reserved = connection.execute(
            text("SELECT reserved FROM stock WHERE sku = :sku AND location_id = :loc"),
            {"sku": SKU, "loc": STORE},
        ).scalar_one()
    engine.dispose()

    assert outcomes == Counter(sold=ON_HAND, insufficient_stock=THREADS - ON_HAND)
    assert reserved == ON_HAND


def test_the_same_key_from_eight_threads_makes_one_order(pg_url):
    engine = make_engine(pg_url)
    order_id = uuid.uuid4()
    request = OrderRequest.model_validate(
        {
            "selling_location_id": STORE,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": 2,
                    "fulfilment": {"method": "collect", "location_id": STORE},
                }
            ],
        }
    )
    barrier = threading.Barrier(THREADS)
    created: list[bool] = []
    lock = threading.Lock()

    def submit() -> None:
        barrier.wait()
        placed = orders.place_order(engine, order_id, request)
        with lock:
            created.append(placed.created)

    workers = [threading.Thread(target=submit) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    with engine.connect() as connection:
        reserved = connection.execute(
            text("SELECT reserved FROM stock WHERE sku = :sku AND location_id = :loc"),
            {"sku": SKU, "loc": STORE},
        ).scalar_one()
    engine.dispose()

    assert sorted(created) == [False] * (THREADS - 1) + [True]
    assert reserved == 2
