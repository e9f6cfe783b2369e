"""An order collected at the store that sold it, from placement to completion."""

from __future__ import annotations

from datetime import timedelta

from tests.api.oms_core_api.helpers import atp_at
from tests.api.order_process_api.helpers import (
    HEART,
    STORE,
    collect,
    do_task,
    place,
    state_of,
    tasks_at,
    turn,
)


async def test_a_collect_order_runs_from_pick_to_completion(client, engine_app):
    order = await place(client, collect(HEART, STORE, 2))
    order_id = order["id"]
    assert await state_of(client, order_id) == "placed"

    turn(engine_app)

    assert await state_of(client, order_id) == "picking"
    [pick] = [t for t in await tasks_at(client, STORE) if t["order_id"] == order_id]
    assert pick["kind"] == "pick"
    assert pick["lines"][0]["quantity"] == 2

    await do_task(client, pick)
    assert await state_of(client, order_id) == "packing"
    [pack] = [t for t in await tasks_at(client, STORE) if t["order_id"] == order_id]
    await do_task(client, pack)
    assert await state_of(client, order_id) == "ready"

    on_hand_before = atp_at(engine_app, HEART, STORE)
    [hand_over] = [
        t for t in await tasks_at(client, STORE) if t["order_id"] == order_id
    ]
    assert hand_over["kind"] == "hand_over"
    await do_task(client, hand_over)
    turn(engine_app)

    assert await state_of(client, order_id) == "completed"
    order_now = (await client.get(f"/v1/orders/{order_id}")).json()
    assert order_now["status"] == "completed"
    # The reservation became a sale: ATP is unchanged by the hand-over.
    assert atp_at(engine_app, HEART, STORE) == on_hand_before
    timeline = (await client.get(f"/v1/orders/{order_id}/tracking")).json()["timeline"]
    assert [e["order_seq"] for e in timeline] == list(range(1, len(timeline) + 1))
    assert "stock.consumed" in {e["kind"] for e in timeline}


async def test_an_uncollected_order_is_reminded_then_cancelled(client, engine_app):
    order = await place(client, collect(HEART, STORE, 1))
    atp_before = atp_at(engine_app, HEART, STORE) + 1
    turn(engine_app)
    for _ in range(2):
        [task] = [
            t for t in await tasks_at(client, STORE) if t["order_id"] == order["id"]
        ]
        await do_task(client, task)
    assert await state_of(client, order["id"]) == "ready"

    turn(engine_app, after=timedelta(days=3, minutes=1))
    timeline = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    notes = [e for e in timeline["timeline"] if e["kind"] == "customer.notify"]
    assert len(notes) == 2  # on arrival and the reminder
    assert await state_of(client, order["id"]) == "ready"

    turn(engine_app, after=timedelta(days=7, minutes=1))
    turn(engine_app, after=timedelta(days=7, minutes=2))

    assert await state_of(client, order["id"]) == "cancelled"
    assert atp_at(engine_app, HEART, STORE) == atp_before


async def test_a_curbside_order_waits_for_the_car_then_is_carried_out(
    client, engine_app
):
    order = await place(client, collect(HEART, STORE, 1))
    switched = await client.put(
        f"/v1/orders/{order['id']}/process", json={"process": "curbside"}
    )
    assert switched.status_code == 200, switched.text
    turn(engine_app)
    for _ in range(2):  # pick, pack
        [task] = [
            t for t in await tasks_at(client, STORE) if t["order_id"] == order["id"]
        ]
        await do_task(client, task)
    assert await state_of(client, order["id"]) == "waiting_for_customer"

    arrived = await client.post(
        f"/v1/orders/{order['id']}/process/events", json={"event": "arrived"}
    )
    [carry] = [t for t in await tasks_at(client, STORE) if t["order_id"] == order["id"]]
    await do_task(client, carry)
    turn(engine_app)

    assert arrived.json()["state"] == "carrying_out"
    assert await state_of(client, order["id"]) == "completed"
    late = await client.put(
        f"/v1/orders/{order['id']}/process", json={"process": "collect_here"}
    )
    assert late.status_code == 409
