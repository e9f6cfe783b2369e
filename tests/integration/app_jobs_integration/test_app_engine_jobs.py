"""The app turns the bundled engine's timers on its own loop."""

from __future__ import annotations

import asyncio
import uuid

from oms_core import orders
from oms_core.api_models import OrderRequest
from oms_core.process.engine import view
from pos_app.engine_jobs import BundledJobLoop


def _order(engine) -> uuid.UUID:
    order_id = uuid.uuid4()
    request = OrderRequest.model_validate(
        {
            "selling_location_id": "store-0001",
            "lines": [
                {
                    "sku": "85123A",
                    "quantity": 1,
                    "fulfilment": {"method": "collect", "location_id": "store-0001"},
                }
            ],
        }
    )
    orders.place_order(engine, order_id, request)
    return order_id


async def test_the_loop_moves_a_new_order_on_to_picking(engine_app):
    order_id = _order(engine_app.state.engine)
    jobs = BundledJobLoop(engine_app, interval=0.05)

    jobs.start()
    for _ in range(200):
        with engine_app.state.engine.connect() as conn:
            if view(conn, order_id).state == "picking":
                break
        await asyncio.sleep(0.05)
    await jobs.stop()

    with engine_app.state.engine.connect() as conn:
        assert view(conn, order_id).state == "picking"


async def test_a_single_pass_reports_what_fired(engine_app):
    _order(engine_app.state.engine)
    jobs = BundledJobLoop(engine_app)

    assert await jobs.run_once() >= 2
    assert await jobs.run_once() == 0
    await jobs.stop()
