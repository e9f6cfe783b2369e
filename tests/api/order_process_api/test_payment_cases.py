"""The payment cases that must hold, on the real engine."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from oms_core.db.schema import stock
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


def _on_hand(app, sku: str, location_id: str) -> int:
    with app.state.engine.connect() as conn:
        return conn.scalar(
            select(stock.c.on_hand).where(
                stock.c.sku == sku, stock.c.location_id == location_id
            )
        )


def _answer(order: dict, operation: str, amount: int, reference: str, **extra) -> dict:
    return {
        "provider": extra.get("provider", "external_terminal"),
        "reference": reference,
        "operation": operation,
        "tender": extra.get("tender", "card"),
        "amount": {"amount": amount, "currency": order["total"]["currency"]},
    }


async def test_a_payment_succeeded_answer_that_arrives_three_times_moves_stock_and_money_once(  # noqa: E501
    client, engine_app
):
    order = await place(client, collect(HEART, STORE, 2))
    total = order["total"]["amount"]
    plan = await client.put(
        f"/v1/orders/{order['id']}/payment-plan", json={"kind": "on_confirmation"}
    )
    assert plan.status_code == 200, plan.text
    turn(engine_app)
    assert await state_of(client, order["id"]) == "awaiting_payment"
    on_hand = _on_hand(engine_app, HEART, STORE)

    statuses = []
    for _ in range(3):
        answer = await client.post(
            f"/v1/orders/{order['id']}/payments",
            json=_answer(order, "capture", total, "psp-777"),
        )
        statuses.append(answer.status_code)
    turn(engine_app)

    assert statuses == [201, 200, 200]
    payments = (await client.get(f"/v1/orders/{order['id']}/payments")).json()
    assert payments["captured"]["amount"] == total
    assert len(payments["records"]) == 1
    picks = [t for t in await tasks_at(client, STORE) if t["order_id"] == order["id"]]
    assert len(picks) == 1
    for _ in range(3):  # pick, pack, hand over
        [task] = [
            t for t in await tasks_at(client, STORE) if t["order_id"] == order["id"]
        ]
        await do_task(client, task)
    assert _on_hand(engine_app, HEART, STORE) == on_hand - 2
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    kinds = [e["kind"] for e in tracking["timeline"]]
    assert kinds.count("payment.capture_approved") == 1
    assert kinds.count("stock.consumed") == 1


async def test_a_provider_that_answers_twice_captures_once(
    client, engine_app, scripted
):
    order = await place(client, deliver(HEART, "NN11 4AA", 1))
    total = order["total"]["amount"]
    await client.put(
        f"/v1/orders/{order['id']}/payment-plan", json={"kind": "authorise_capture"}
    )
    await client.post(
        f"/v1/orders/{order['id']}/payments",
        json=_answer(order, "authorise", total, "auth-1", provider="scripted"),
    )
    turn(engine_app)
    source = order["lines"][0]["source_location_id"]
    scripted_steps = ["timeout", "twice"]
    scripted._script.extend(scripted_steps)

    for _ in range(3):  # pick, pack, hand to the carrier
        [task] = [
            t for t in await tasks_at(client, source) if t["order_id"] == order["id"]
        ]
        await do_task(client, task)
    turn(engine_app)
    # The capture was asked after the job's transaction committed; it timed
    # out and waits, asked again later, while the goods travel.
    assert await state_of(client, order["id"]) == "in_transit"
    waiting = (await client.get(f"/v1/orders/{order['id']}/payments")).json()
    assert waiting["captured"]["amount"] == 0
    assert [p["operation"] for p in waiting["pending"]] == ["capture"]
    turn(engine_app, after=timedelta(minutes=2))

    payments = (await client.get(f"/v1/orders/{order['id']}/payments")).json()
    assert payments["captured"]["amount"] == total
    assert payments["pending"] == []
    captures = [r for r in payments["records"] if r["operation"] == "capture"]
    assert len(captures) == 1
    # The retry used the same request reference as the timed-out attempt.
    assert [r.reference for r in scripted.requests] == [
        scripted.requests[0].reference
    ] * 2


async def test_a_deposit_survives_reissuing_the_final_invoice(client, engine_app):
    order = await place(client, collect(HEART, STORE, 4))
    total = order["total"]["amount"]
    plan = (
        await client.put(
            f"/v1/orders/{order['id']}/payment-plan",
            json={"kind": "deposit", "deposit": {"percent": 20}},
        )
    ).json()
    deposit = plan["due_now"]["amount"]
    await client.post(
        f"/v1/orders/{order['id']}/payments",
        json=_answer(order, "capture", deposit, "slip-1", tender="cash"),
    )

    first = (await client.post(f"/v1/orders/{order['id']}/invoices")).json()
    again = (await client.post(f"/v1/orders/{order['id']}/invoices")).json()

    assert first["credited"]["amount"] == deposit
    assert again["id"] != first["id"]
    assert again["credited"]["amount"] == deposit
    assert again["balance"]["amount"] == total - deposit
    assert again["total"]["amount"] == total


async def test_a_refund_after_a_partial_capture_is_limited_to_the_capture(
    client, engine_app
):
    order = await place(client, collect(HEART, STORE, 5))
    total = order["total"]["amount"]
    url = f"/v1/orders/{order['id']}"
    await client.post(f"{url}/payments", json=_answer(order, "authorise", total, "a1"))
    part = total * 2 // 5
    await client.post(f"{url}/payments", json=_answer(order, "capture", part, "c1"))
    money = {"currency": order["total"]["currency"]}

    too_much = await client.post(
        f"{url}/refunds",
        json={"amount": {**money, "amount": part + 1}, "provider": "scripted"},
    )
    exact = await client.post(
        f"{url}/refunds",
        json={"amount": {**money, "amount": part}, "provider": "scripted"},
    )
    one_more = await client.post(
        f"{url}/refunds",
        json={"amount": {**money, "amount": 1}, "provider": "scripted"},
    )

    assert too_much.status_code == 409
    assert too_much.json()["code"] == "refund_exceeds_capture"
    assert exact.status_code == 200, exact.text
    assert exact.json()["refunded"]["amount"] == part
    assert one_more.status_code == 409


async def test_an_answer_refunding_more_than_captured_is_refused(client):
    order = await place(client, collect(HEART, STORE, 1))
    answer = await client.post(
        f"/v1/orders/{order['id']}/payments",
        json=_answer(order, "refund", 1, "r1"),
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "refund_exceeds_capture"


async def test_a_declined_answer_is_kept_but_neither_counts_nor_releases(
    client, engine_app
):
    order = await place(client, collect(HEART, STORE, 1))
    await client.put(
        f"/v1/orders/{order['id']}/payment-plan", json={"kind": "on_confirmation"}
    )
    turn(engine_app)
    declined = {**_answer(order, "capture", order["total"]["amount"], "d1")}
    declined["approved"] = False

    answer = await client.post(f"/v1/orders/{order['id']}/payments", json=declined)

    assert answer.status_code == 201
    assert answer.json()["captured"]["amount"] == 0
    assert answer.json()["records"][0]["outcome"] == "declined"
    assert await state_of(client, order["id"]) == "awaiting_payment"
