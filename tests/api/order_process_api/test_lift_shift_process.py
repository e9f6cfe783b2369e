"""Lift and shift under a running order: the work follows the stock.

A source taken offline before or after its order was released: the old
allocation is closed, the release and its tasks go to the new source, the
stock reserved matches the units ordered, and the order runs to the end.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from oms_core.db.process_schema import fulfilment_lines
from oms_core.db.schema import stock
from oms_core.process import source_moves
from tests.api.order_process_api.helpers import (
    HEART,
    STORE,
    collect,
    deliver,
    do_task,
    place,
    state_of,
    tasks_at,
    turn,
)
from tests.api.order_process_api.test_payment_cases import _answer

POSTCODE = "NN11 4AA"


def _stock(app, location_id: str) -> tuple[int, int]:
    """(on hand, reserved) of the heart holder at a location."""
    with app.state.engine.connect() as conn:
        row = conn.execute(
            select(stock.c.on_hand, stock.c.reserved).where(
                stock.c.sku == HEART, stock.c.location_id == location_id
            )
        ).one()
    return row.on_hand, row.reserved


async def _pay(client, order: dict) -> None:
    answer = await client.post(
        f"/v1/orders/{order['id']}/payments",
        json=_answer(
            order, "capture", order["total"]["amount"], "cap-ls", provider="scripted"
        ),
    )
    assert answer.status_code == 201, answer.text


async def _close(client, location_id: str) -> dict:
    answer = await client.put(
        f"/v1/locations/{location_id}/state",
        json={"state": "closed", "reason": "flood"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _mine(client, location_id: str, order: dict) -> list[dict]:
    return [
        t for t in await tasks_at(client, location_id) if t["order_id"] == order["id"]
    ]


async def _shares(client, order: dict) -> list[tuple[str, int]]:
    body = (await client.get(f"/v1/orders/{order['id']}")).json()
    return sorted(
        (a["location_id"], a["quantity"]) for a in body["lines"][0]["allocations"]
    )


async def _run_to_completion(client, engine_app, order: dict, at: str) -> None:
    for kind in ("pick", "pack", "hand_over"):
        [task] = await _mine(client, at, order)
        assert task["kind"] == kind
        await do_task(client, task)
    turn(engine_app)
    delivered = await client.post(
        f"/v1/orders/{order['id']}/process/events", json={"event": "delivered"}
    )
    assert delivered.status_code == 200, delivered.text
    turn(engine_app)
    assert await state_of(client, order["id"]) == "completed"


async def _moved(client, engine_app, order: dict) -> tuple[str, str]:
    """Close the order's source; (old source, new source)."""
    old = order["lines"][0]["source_location_id"]
    result = await _close(client, old)
    assert result["resourced_lines"] == 1
    now = (await client.get(f"/v1/orders/{order['id']}")).json()
    new = now["lines"][0]["source_location_id"]
    assert new != old
    assert await _shares(client, order) == [(new, 2)]
    return old, new


async def test_closing_the_source_before_release_sends_the_release_to_the_new_source(
    client, engine_app
):
    order = await place(client, deliver(HEART, POSTCODE, 2))
    old = order["lines"][0]["source_location_id"]
    old_before = _stock(engine_app, old)

    old, new = await _moved(client, engine_app, order)
    new_before = _stock(engine_app, new)
    await _pay(client, order)
    turn(engine_app)

    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    [released] = [e for e in tracking["timeline"] if e["kind"] == "order.released"]
    assert released["payload"]["locations"] == [new]
    assert await _mine(client, old, order) == []
    await _run_to_completion(client, engine_app, order, new)
    assert _stock(engine_app, old) == (old_before[0], old_before[1] - 2)
    assert _stock(engine_app, new) == (new_before[0] - 2, new_before[1] - 2)


async def test_closing_the_source_after_release_moves_the_pick_to_the_new_source(
    client, engine_app
):
    order = await place(client, deliver(HEART, POSTCODE, 2))
    await _pay(client, order)
    turn(engine_app)
    assert await state_of(client, order["id"]) == "picking"
    old = order["lines"][0]["source_location_id"]
    [waiting] = await _mine(client, old, order)
    old_before = _stock(engine_app, old)

    old, new = await _moved(client, engine_app, order)
    new_before = _stock(engine_app, new)

    assert await _mine(client, old, order) == []
    [pick] = await _mine(client, new, order)
    assert pick["kind"] == "pick" and pick["lines"][0]["quantity"] == 2
    assert await state_of(client, order["id"]) == "picking"
    await _run_to_completion(client, engine_app, order, new)
    assert _stock(engine_app, old) == (old_before[0], old_before[1] - 2)
    assert _stock(engine_app, new) == (new_before[0] - 2, new_before[1] - 2)
    stale = await client.post(
        f"/v1/tasks/{waiting['id']}/claim", json={"staff": "s1001"}
    )
    assert stale.status_code == 409


async def test_a_pick_under_way_stays_with_its_store(client, engine_app):
    order = await place(client, deliver(HEART, POSTCODE, 2))
    await _pay(client, order)
    turn(engine_app)
    old = order["lines"][0]["source_location_id"]
    [pick] = await _mine(client, old, order)
    claimed = await client.post(
        f"/v1/tasks/{pick['id']}/claim", json={"staff": "s1001"}
    )
    assert claimed.status_code == 200, claimed.text

    result = await _close(client, old)

    assert result["resourced_lines"] == 0
    assert await _shares(client, order) == [(old, 2)]
    await _run_to_completion(client, engine_app, order, old)


async def test_a_short_pick_shows_only_the_units_each_store_still_provides(
    client, engine_app
):
    order = await place(client, collect(HEART, STORE, 3))
    await _pay(client, order)
    turn(engine_app)
    [pick] = await _mine(client, STORE, order)

    await do_task(client, pick, found=[{"seq": 0, "found": 1}])

    shares = await _shares(client, order)
    assert sum(units for _, units in shares) == 3
    assert (STORE, 1) in shares


async def test_units_split_over_two_new_sources_get_a_row_and_a_pick_at_each(
    client, engine_app
):
    order = await place(client, deliver(HEART, POSTCODE, 2))
    await _pay(client, order)
    turn(engine_app)
    old = order["lines"][0]["source_location_id"]
    first, second = sorted({"store-0002", "store-0003", "store-0004"} - {old})[:2]

    with engine_app.state.engine.begin() as conn:
        source_moves.follow_source(
            conn,
            uuid.UUID(order["id"]),
            0,
            old,
            [(first, 1), (second, 1)],
            datetime.now(UTC),
        )
        rows = conn.execute(
            select(
                fulfilment_lines.c.seq,
                fulfilment_lines.c.source_location_id,
                fulfilment_lines.c.quantity,
            ).where(fulfilment_lines.c.order_id == uuid.UUID(order["id"]))
        ).all()

    assert sorted(tuple(row) for row in rows) == [(0, first, 1), (1, second, 1)]
    assert await _mine(client, old, order) == []
    [one] = await _mine(client, first, order)
    [other] = await _mine(client, second, order)
    assert one["lines"] == [{"seq": 0, "sku": HEART, "quantity": 1}]
    assert other["lines"] == [{"seq": 1, "sku": HEART, "quantity": 1}]
    assert one["kind"] == other["kind"] == "pick"
