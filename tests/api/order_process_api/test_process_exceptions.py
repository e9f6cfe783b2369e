"""Short picks, cancelling whole orders or lines, and returns to any store."""

from __future__ import annotations

from datetime import timedelta

from tests.api.oms_core_api.helpers import atp_at, reserved_total
from tests.api.order_process_api.helpers import (
    HEART,
    OTHER_STORE,
    STORE,
    collect,
    do_task,
    place,
    state_of,
    tasks_at,
    turn,
)
from tests.api.order_process_api.test_payment_cases import _answer, _on_hand


async def _paid_order(client, engine_app, quantity: int) -> dict:
    order = await place(client, collect(HEART, STORE, quantity))
    await client.post(
        f"/v1/orders/{order['id']}/payments",
        json=_answer(
            order, "capture", order["total"]["amount"], "cap-1", provider="scripted"
        ),
    )
    turn(engine_app)
    return order


async def _mine(client, location_id: str, order: dict) -> list[dict]:
    return [
        t for t in await tasks_at(client, location_id) if t["order_id"] == order["id"]
    ]


async def test_a_short_pick_completes_with_what_was_found_and_resources_the_rest(
    client, engine_app
):
    order = await _paid_order(client, engine_app, 3)
    on_hand = _on_hand(engine_app, HEART, STORE)
    [pick] = await _mine(client, STORE, order)

    await do_task(client, pick, found=[{"seq": 0, "found": 1}])

    assert _on_hand(engine_app, HEART, STORE) == on_hand - 2
    assert await state_of(client, order["id"]) == "picking"
    timeline = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    [moved] = [e for e in timeline["timeline"] if e["kind"] == "order.line_resourced"]
    elsewhere = moved["payload"]["location_id"]
    assert elsewhere != STORE
    [rest] = await _mine(client, elsewhere, order)
    assert rest["kind"] == "pick" and rest["lines"][0]["quantity"] == 2

    await do_task(client, rest)
    assert await state_of(client, order["id"]) == "packing"


async def test_cancelling_some_lines_releases_exactly_the_stock_held_and_refunds_it(
    client, engine_app
):
    order = await _paid_order(client, engine_app, 3)
    unit = order["lines"][0]["unit_price"]["amount"]
    atp_before = atp_at(engine_app, HEART, STORE)

    answer = await client.post(
        f"/v1/orders/{order['id']}/cancel",
        json={"lines": [{"line_no": 0, "quantity": 2}]},
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert atp_at(engine_app, HEART, STORE) == atp_before + 2
    assert body["payments"]["refunded"]["amount"] == 2 * unit
    assert body["process"]["state"] == "picking"
    [pick] = await _mine(client, STORE, order)
    assert pick["lines"][0]["quantity"] == 3  # the task was made before


async def test_cancelling_more_units_than_a_line_has_says_so(client, engine_app):
    order = await _paid_order(client, engine_app, 2)
    atp_before = atp_at(engine_app, HEART, STORE)

    answer = await client.post(
        f"/v1/orders/{order['id']}/cancel",
        json={"lines": [{"line_no": 0, "quantity": 5}]},
    )

    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] == "line 0 was ordered with 2 units; 5 asked for"
    assert atp_at(engine_app, HEART, STORE) == atp_before


async def test_cancelling_the_whole_order_cancels_tasks_stock_and_money(
    client, engine_app
):
    reserved = reserved_total(engine_app, HEART)
    order = await _paid_order(client, engine_app, 2)

    answer = await client.post(f"/v1/orders/{order['id']}/cancel", json={})

    body = answer.json()
    assert body["process"]["state"] == "cancelled"
    assert body["order"]["status"] == "cancelled"
    assert reserved_total(engine_app, HEART) == reserved
    assert body["payments"]["refunded"]["amount"] == order["total"]["amount"]
    assert await _mine(client, STORE, order) == []
    again = await client.post(f"/v1/orders/{order['id']}/cancel", json={})
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_to_cancel"


async def test_a_collected_line_is_returned_to_another_store_and_refunded(
    client, engine_app
):
    order = await _paid_order(client, engine_app, 2)
    for _ in range(3):
        [task] = await _mine(client, STORE, order)
        await do_task(client, task)
    turn(engine_app)
    assert await state_of(client, order["id"]) == "completed"
    cancel = await client.post(
        f"/v1/orders/{order['id']}/cancel",
        json={"lines": [{"line_no": 0, "quantity": 1}]},
    )
    assert cancel.status_code == 409
    elsewhere = _on_hand(engine_app, HEART, OTHER_STORE) or 0

    answer = await client.post(
        f"/v1/orders/{order['id']}/returns",
        json={"location_id": OTHER_STORE, "lines": [{"line_no": 0, "quantity": 1}]},
    )

    assert answer.status_code == 200, answer.text
    assert _on_hand(engine_app, HEART, OTHER_STORE) == elsewhere + 1
    unit = order["lines"][0]["unit_price"]["amount"]
    assert answer.json()["payments"]["refunded"]["amount"] == unit
    too_many = await client.post(
        f"/v1/orders/{order['id']}/returns",
        json={"location_id": STORE, "lines": [{"line_no": 0, "quantity": 2}]},
    )
    assert too_many.status_code == 409
    assert too_many.json()["code"] == "nothing_to_return"


async def test_an_event_the_state_has_no_exit_for_is_refused_clearly(client):
    order = await place(client, collect(HEART, STORE, 1))

    answer = await client.post(
        f"/v1/orders/{order['id']}/process/events", json={"event": "delivered"}
    )

    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "invalid_transition"
    assert "placed" in body["message"]
    assert "cancel" in body["detail"]["allowed"]


async def test_a_task_claimed_by_one_associate_is_refused_to_another(
    client, engine_app
):
    order = await place(client, collect(HEART, STORE, 1))
    turn(engine_app)
    [pick] = await _mine(client, STORE, order)

    first = await client.post(f"/v1/tasks/{pick['id']}/claim", json={"staff": "a1"})
    second = await client.post(f"/v1/tasks/{pick['id']}/claim", json={"staff": "b2"})
    finish = await client.post(f"/v1/tasks/{pick['id']}/complete", json={"staff": "b2"})

    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["code"] == "task_unavailable"
    assert finish.status_code == 409


async def test_a_cancellation_whose_refund_times_out_is_refunded_by_a_later_pass(
    client, engine_app, scripted
):
    order = await _paid_order(client, engine_app, 2)
    total = order["total"]["amount"]
    atp_before = atp_at(engine_app, HEART, STORE)
    scripted._script.append("timeout")

    answer = await client.post(f"/v1/orders/{order['id']}/cancel", json={})

    # The cancellation stands (the provider is not part of its transaction);
    # the refund waits as a pending request.
    assert answer.status_code == 200, answer.text
    assert atp_at(engine_app, HEART, STORE) == atp_before + 2
    payments = answer.json()["payments"]
    assert payments["refunded"]["amount"] == 0
    [pending] = payments["pending"]
    assert pending["operation"] == "refund"
    assert pending["amount"]["amount"] == total
    assert pending["attempts"] == 1

    # A second cancel finds nothing left to cancel, and asks no refund.
    again = await client.post(f"/v1/orders/{order['id']}/cancel", json={})
    assert again.status_code == 409

    # The runner asks again after the back-off, with the same reference.
    turn(engine_app)
    assert len(scripted.requests) == 1
    turn(engine_app, after=timedelta(minutes=1))
    after = (await client.get(f"/v1/orders/{order['id']}/payments")).json()
    assert after["refunded"]["amount"] == total
    assert after["pending"] == []
    assert [r.reference for r in scripted.requests] == [pending["reference"]] * 2
