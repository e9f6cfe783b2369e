"""On SQLite, threads racing for the last units never oversell."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

from sqlalchemy import update

from oms_core import orders
from oms_core.api_models import OrderRequest
from oms_core.db.schema import stock
from oms_core.errors import EngineError
from tests.api.oms_core_api.helpers import collect_line, order_body, reserved_total

THREADS = 8
ON_HAND = 3
SKU = "85123A"
STORE = "store-0001"


def test_eight_threads_buy_the_last_units_and_exactly_on_hand_is_sold(engine_app):
    engine = engine_app.state.engine
    with engine.begin() as connection:
        connection.execute(
            update(stock)
            .where(stock.c.sku == SKU, stock.c.location_id == STORE)
            .values(on_hand=ON_HAND, reserved=0, buffer=0)
        )
    request = OrderRequest.model_validate(order_body(collect_line(SKU, STORE)))
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

    assert outcomes == Counter(sold=ON_HAND, insufficient_stock=THREADS - ON_HAND)
    assert reserved_total(engine_app, SKU) == ON_HAND
