"""Payment answers and refunds within bounds: no capture past the order."""

from __future__ import annotations

from tests.api.order_process_api.helpers import HEART, STORE, collect, place


def _answer(order: dict, operation: str, amount: int, reference: str) -> dict:
    return {
        "provider": "external_terminal",
        "reference": reference,
        "operation": operation,
        "amount": {"amount": amount, "currency": order["total"]["currency"]},
    }


async def _paid_in_full(client) -> tuple[dict, str]:
    order = await place(client, collect(HEART, STORE, 1))
    url = f"/v1/orders/{order['id']}"
    plan = await client.put(f"{url}/payment-plan", json={"kind": "full"})
    assert plan.status_code == 200, plan.text
    return order, url


async def test_a_capture_beyond_the_order_total_is_refused(client):
    order, url = await _paid_in_full(client)
    total = order["total"]["amount"]

    huge = await client.post(
        f"{url}/payments", json=_answer(order, "capture", 10**15, "c0")
    )
    whole = await client.post(
        f"{url}/payments", json=_answer(order, "capture", total, "c1")
    )
    one_more = await client.post(
        f"{url}/payments", json=_answer(order, "capture", 1, "c2")
    )
    summary = await client.get(f"{url}/payments")

    assert huge.status_code == 409
    assert huge.json()["code"] == "capture_exceeds_order"
    assert huge.json()["detail"]["capturable"] == total
    assert whole.status_code == 201, whole.text
    assert one_more.status_code == 409
    assert one_more.json()["detail"]["capturable"] == 0
    assert summary.status_code == 200
    assert summary.json()["captured"]["amount"] == total


async def test_what_was_refunded_may_be_captured_again(client):
    order, url = await _paid_in_full(client)
    total = order["total"]["amount"]

    for operation, reference in (
        ("capture", "c1"),
        ("refund", "r1"),
        ("capture", "c2"),
    ):
        answer = await client.post(
            f"{url}/payments", json=_answer(order, operation, total, reference)
        )
        assert answer.status_code == 201, answer.text
    again = await client.post(
        f"{url}/payments", json=_answer(order, "capture", 1, "c3")
    )

    assert again.status_code == 409


async def test_a_refund_that_is_not_positive_is_an_invalid_request(client):
    order, url = await _paid_in_full(client)
    total = order["total"]["amount"]
    await client.post(f"{url}/payments", json=_answer(order, "capture", total, "c1"))
    money = {"currency": order["total"]["currency"]}

    negative = await client.post(
        f"{url}/refunds",
        json={"amount": {**money, "amount": -5}, "provider": "scripted"},
    )
    zero = await client.post(
        f"{url}/refunds",
        json={"amount": {**money, "amount": 0}, "provider": "scripted"},
    )
    too_much = await client.post(
        f"{url}/refunds",
        json={"amount": {**money, "amount": 999_999}, "provider": "scripted"},
    )
    summary = await client.get(f"{url}/payments")

    for answer in (negative, zero):
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "invalid_request"
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "refund_exceeds_capture"
    assert summary.status_code == 200
    assert summary.json()["refunded"]["amount"] == 0


async def test_answers_never_sum_past_what_an_amount_can_carry(client):
    order, url = await _paid_in_full(client)

    first = await client.post(
        f"{url}/payments", json=_answer(order, "authorise", 10**15, "a1")
    )
    second = await client.post(
        f"{url}/payments", json=_answer(order, "authorise", 10**15, "a2")
    )
    summary = await client.get(f"{url}/payments")

    assert first.status_code == 201, first.text
    assert second.status_code == 409
    assert second.json()["code"] == "invalid_request"
    assert summary.status_code == 200, summary.text
    assert summary.json()["authorised"]["amount"] == 10**15
