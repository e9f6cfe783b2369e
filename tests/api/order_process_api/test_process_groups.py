"""An order mixing collected and delivered lines: one process per group."""

from __future__ import annotations

from datetime import timedelta

from tests.api.oms_core_api.helpers import atp_at
from tests.api.order_process_api.helpers import (
    HEART,
    STORE,
    collect,
    deliver,
    do_task,
    place,
    tasks_at,
    turn,
)
from tests.api.order_process_api.test_payment_cases import _answer

POSTCODE = "NN11 4AA"


async def _groups(client, order_id: str) -> list[dict]:
    answer = await client.get(f"/v1/orders/{order_id}/processes")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def _group_tasks(client, order: dict, group: int) -> list[dict]:
    places = {line["source_location_id"] for line in order["lines"]} | {STORE}
    found = []
    for place_id in sorted(places):
        found += [
            task
            for task in await tasks_at(client, place_id)
            if task["order_id"] == order["id"] and task["group"] == group
        ]
    return found


async def _do_group_tasks(client, order: dict, group: int, count: int) -> None:
    for _ in range(count):
        [task] = await _group_tasks(client, order, group)
        await do_task(client, task)


async def _mixed_order(client) -> dict:
    return await place(client, collect(HEART, STORE, 1), deliver(HEART, POSTCODE, 2))


async def test_a_mixed_order_runs_one_process_per_shipment_group(client, engine_app):
    order = await _mixed_order(client)

    groups = await _groups(client, order["id"])

    assert [(g["group"], g["process"], g["lines"]) for g in groups] == [
        (0, "collect_here", [0]),
        (1, groups[1]["process"], [1]),
    ]
    assert groups[1]["process"] in {"deliver_from_dc", "ship_from_store"}
    assert {g["groups"] for g in groups} == {2}
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    assert [g["group"] for g in tracking["groups"]] == [0, 1]
    created = [e for e in tracking["timeline"] if e["kind"] == "order.created"]
    assert [g["lines"] for g in created[0]["payload"]["groups"]] == [[0], [1]]


async def test_a_mixed_order_completes_when_both_groups_have_ended(client, engine_app):
    order = await _mixed_order(client)
    order_id = order["id"]
    total = order["total"]["amount"]
    collect_value = order["lines"][0]["line_total"]["amount"]
    await client.put(
        f"/v1/orders/{order_id}/payment-plan", json={"kind": "authorise_capture"}
    )
    await client.post(
        f"/v1/orders/{order_id}/payments",
        json=_answer(order, "authorise", total, "auth-mixed", provider="scripted"),
    )
    turn(engine_app)
    assert [g["state"] for g in await _groups(client, order_id)] == [
        "picking",
        "picking",
    ]

    # The collected line: picked, packed and handed over at the till.
    await _do_group_tasks(client, order, 0, 3)
    turn(engine_app)

    states = [g["state"] for g in await _groups(client, order_id)]
    assert states == ["completed", "picking"]
    order_now = (await client.get(f"/v1/orders/{order_id}")).json()
    assert order_now["status"] == "created"
    payments = (await client.get(f"/v1/orders/{order_id}/payments")).json()
    # Captured per shipment: the collected line only; the rest stays authorised.
    assert payments["captured"]["amount"] == collect_value
    assert payments["authorised"]["amount"] == total

    # The delivered lines: picked, packed, handed to the carrier, delivered.
    await _do_group_tasks(client, order, 1, 3)
    turn(engine_app)
    assert [g["state"] for g in await _groups(client, order_id)] == [
        "completed",
        "in_transit",
    ]
    delivered = await client.post(
        f"/v1/orders/{order_id}/process/events", json={"event": "delivered"}
    )
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["group"] == 1
    turn(engine_app)

    assert [g["state"] for g in await _groups(client, order_id)] == [
        "completed",
        "completed",
    ]
    order_now = (await client.get(f"/v1/orders/{order_id}")).json()
    assert order_now["status"] == "completed"
    payments = (await client.get(f"/v1/orders/{order_id}/payments")).json()
    assert payments["captured"]["amount"] == total


async def test_cancelling_the_delivered_lines_cancels_only_their_group(
    client, engine_app
):
    order = await _mixed_order(client)
    order_id = order["id"]
    source = order["lines"][1]["source_location_id"]
    atp_before = atp_at(engine_app, HEART, source)
    turn(engine_app)

    answer = await client.post(
        f"/v1/orders/{order_id}/cancel",
        json={"lines": [{"line_no": 1, "quantity": 2}]},
    )

    assert answer.status_code == 200, answer.text
    assert [g["state"] for g in answer.json()["groups"]] == ["picking", "cancelled"]
    assert atp_at(engine_app, HEART, source) == atp_before + 2
    assert await _group_tasks(client, order, 1) == []
    assert answer.json()["order"]["status"] == "created"

    await _do_group_tasks(client, order, 0, 3)
    turn(engine_app)
    order_now = (await client.get(f"/v1/orders/{order_id}")).json()
    assert order_now["status"] == "completed"


async def test_cancelling_a_whole_mixed_order_cancels_every_group(client, engine_app):
    order = await _mixed_order(client)
    turn(engine_app)

    answer = await client.post(f"/v1/orders/{order['id']}/cancel", json={})

    assert answer.status_code == 200, answer.text
    assert [g["state"] for g in answer.json()["groups"]] == [
        "cancelled",
        "cancelled",
    ]
    assert answer.json()["order"]["status"] == "cancelled"


async def test_an_event_goes_to_the_group_named_or_the_only_one_that_takes_it(
    client, engine_app
):
    order = await _mixed_order(client)
    turn(engine_app)

    refused = await client.post(
        f"/v1/orders/{order['id']}/process/events", json={"event": "delivered"}
    )
    wrong_group = await client.post(
        f"/v1/orders/{order['id']}/process/events",
        json={"event": "delivered", "group": 0},
    )
    picture = await client.get(f"/v1/orders/{order['id']}/process.svg?group=1")
    missing = await client.get(f"/v1/orders/{order['id']}/process?group=7")

    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert wrong_group.status_code == 409
    assert picture.status_code == 200
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert missing.status_code == 404


async def test_curbside_is_chosen_for_the_collected_group_only(client, engine_app):
    order = await _mixed_order(client)

    switched = await client.put(
        f"/v1/orders/{order['id']}/process",
        json={"process": "curbside", "group": 0},
    )

    assert switched.status_code == 200, switched.text
    processes = [g["process"] for g in await _groups(client, order["id"])]
    assert processes[0] == "curbside"
    assert processes[1] in {"deliver_from_dc", "ship_from_store"}


async def test_an_uncollected_group_is_cancelled_while_the_delivery_runs_on(
    client, engine_app
):
    order = await _mixed_order(client)
    order_id = order["id"]
    turn(engine_app)
    await _do_group_tasks(client, order, 0, 2)  # pick and pack: ready
    assert [g["state"] for g in await _groups(client, order_id)] == [
        "ready",
        "picking",
    ]

    # When the collection's timers run out (reminder at 3 days, then 7).
    turn(engine_app, after=timedelta(days=7, minutes=1))
    turn(engine_app, after=timedelta(days=7, minutes=2))

    # Then only the collection is cancelled; the delivery's pick still waits.
    groups = await _groups(client, order_id)
    assert [g["state"] for g in groups] == ["cancelled", "picking"]
    assert len(await _group_tasks(client, order, 1)) == 1
    order_now = (await client.get(f"/v1/orders/{order_id}")).json()
    assert order_now["status"] == "created"
