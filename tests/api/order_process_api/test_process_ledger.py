"""The order process moves stock through the allocation ledger, and only there.

Whatever the process does (a short pick, a cancelled line, a hand-over),
the order's allocations say where its units are, and the pool agrees:
reserved at a location is the open units of the allocations there.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from oms_core import allocations
from oms_core.db.engine import WRITE
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.schema import stock
from tests.api.order_process_api.helpers import HEART, STORE, do_task
from tests.api.order_process_api.test_process_exceptions import _mine, _paid_order


def _ledger(engine_app, order: dict) -> dict[str, tuple[int, int, int, str]]:
    """(quantity, shipped, released, method) of each allocation, by location."""
    with engine_app.state.engine.connect() as connection:
        rows = connection.execute(
            select(order_allocations).where(
                order_allocations.c.order_id == uuid.UUID(order["id"])
            )
        ).all()
    return {
        row.location_id: (row.quantity, row.shipped, row.released, row.method)
        for row in rows
    }


def _pool_agrees(engine_app, location_id: str) -> None:
    """Reserved at the location = open units of every allocation there."""
    with engine_app.state.engine.connect() as connection:
        reserved = connection.scalar(
            select(stock.c.reserved).where(
                stock.c.sku == HEART, stock.c.location_id == location_id
            )
        )
        table = order_allocations
        open_units = connection.scalar(
            select(
                func.coalesce(
                    func.sum(table.c.quantity - table.c.shipped - table.c.released), 0
                )
            ).where(table.c.sku == HEART, table.c.location_id == location_id)
        )
    assert reserved == open_units


async def test_a_short_pick_writes_off_on_the_ledger_and_allocates_the_rest(
    client, engine_app
):
    order = await _paid_order(client, engine_app, 3)
    [pick] = await _mine(client, STORE, order)

    await do_task(client, pick, found=[{"seq": 0, "found": 1}])

    ledger = _ledger(engine_app, order)
    assert ledger[STORE] == (3, 0, 2, "collect")
    [elsewhere] = [location for location in ledger if location != STORE]
    # The rest travels to the store the customer chose.
    assert ledger[elsewhere] == (2, 0, 0, "transfer")
    _pool_agrees(engine_app, STORE)
    _pool_agrees(engine_app, elsewhere)


async def test_a_cancelled_line_is_released_on_the_ledger(client, engine_app):
    order = await _paid_order(client, engine_app, 3)

    answer = await client.post(
        f"/v1/orders/{order['id']}/cancel",
        json={"lines": [{"line_no": 0, "quantity": 2}]},
    )

    assert answer.status_code == 200, answer.text
    assert _ledger(engine_app, order)[STORE] == (3, 0, 2, "collect")
    _pool_agrees(engine_app, STORE)


async def test_handed_over_units_are_shipped_on_the_ledger(client, engine_app):
    order = await _paid_order(client, engine_app, 2)
    for _ in range(3):
        [task] = await _mine(client, STORE, order)
        await do_task(client, task)

    assert _ledger(engine_app, order)[STORE] == (2, 2, 0, "collect")
    _pool_agrees(engine_app, STORE)


async def test_a_cancel_through_the_process_leaves_nothing_for_the_ledger_to_give(
    client, engine_app
):
    order = await _paid_order(client, engine_app, 2)
    answer = await client.post(f"/v1/orders/{order['id']}/cancel", json={})
    assert answer.status_code == 200, answer.text

    engine = engine_app.state.engine
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            again = allocations.release_unshipped(
                connection, uuid.UUID(order["id"]), datetime.now(UTC)
            )

    assert again == 0
    assert _ledger(engine_app, order)[STORE] == (2, 0, 2, "collect")
    _pool_agrees(engine_app, STORE)
