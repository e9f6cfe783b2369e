"""Approvals price the order; notes and payment choice; receipt references."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from oms_core.api_models import OrderRequest
from oms_core.db.schema import products, stock
from oms_core.db.store_ops_schema import order_approvals
from oms_core.orders import request_hash
from oms_core.process.runner import run_due_work
from oms_core.sale_pricing import spread_discount, units_value
from oms_core.staff import DEMO_STAFF
from tests.api.oms_core_api.helpers import collect_line

ASSOCIATE, SUPERVISOR, KIOSK = DEMO_STAFF
STORE = "store-0001"
OTHER_STORE = "store-0002"


def _two_skus(engine_app) -> list[tuple[str, int]]:
    """Two real SKUs the store holds at least three of, with their prices."""
    with engine_app.state.engine.connect() as connection:
        rows = connection.execute(
            select(products.c.sku, products.c.price_minor)
            .join(stock, stock.c.sku == products.c.sku)
            .where(
                stock.c.location_id == STORE,
                stock.c.on_hand - stock.c.reserved - stock.c.buffer >= 3,
            )
            .order_by(products.c.sku)
            .limit(2)
        ).all()
    assert len(rows) == 2
    return [(row.sku, row.price_minor) for row in rows]


async def _approve(client, order_id, kind, amount, sku=None, location=STORE):
    body = {
        "kind": kind,
        "amount": {"amount": amount, "currency": "GBP"},
        "reason": "price match",
        "requested_by": "1001",
        "supervisor_number": "2001",
        "supervisor_pin": SUPERVISOR.pin,
        "location_id": location,
    }
    if sku is not None:
        body["sku"] = sku
    answer = await client.post(f"/v1/orders/{order_id}/approvals", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


async def _place(client, order_id, lines, **extra):
    body = {"selling_location_id": STORE, "lines": lines} | extra
    return await client.post(
        "/v1/orders", json=body, headers={"Idempotency-Key": str(order_id)}
    )


async def test_an_override_and_a_discount_set_the_order_total(client, engine_app):
    (first, first_price), (second, second_price) = _two_skus(engine_app)
    order_id = uuid.uuid4()
    override = await _approve(client, order_id, "price_override", 100, sku=first)
    discount = await _approve(client, order_id, "discount", 51)

    answer = await _place(
        client,
        order_id,
        [collect_line(first, STORE, 2), collect_line(second, STORE, 1)],
        approval_ids=[override, discount],
    )

    assert answer.status_code == 201, answer.text
    order = answer.json()
    gross = [100 * 2, second_price]
    shares = spread_discount(51, gross)
    assert sum(shares) == 51
    assert order["list_total"]["amount"] == first_price * 2 + second_price
    assert order["total"]["amount"] == sum(gross) - 51
    lines = order["lines"]
    assert lines[0]["unit_price"]["amount"] == 100
    assert lines[0]["list_price"]["amount"] == first_price
    assert [line["discount"]["amount"] for line in lines] == shares
    assert [line["line_total"]["amount"] for line in lines] == [
        g - s for g, s in zip(gross, shares, strict=True)
    ]
    assert (await client.get(f"/v1/orders/{order_id}")).json() == order

    # The payment plan is made for the approved total.
    plan = await client.put(
        f"/v1/orders/{order_id}/payment-plan", json={"kind": "full"}
    )
    assert plan.json()["due_now"]["amount"] == order["total"]["amount"]

    used = (await client.get(f"/v1/orders/{order_id}/approvals")).json()["items"]
    assert {a["used_by_order_id"] for a in used} == {str(order_id)}


async def test_a_discount_never_takes_the_order_below_zero(client, engine_app):
    (sku, price), _ = _two_skus(engine_app)
    order_id = uuid.uuid4()
    discount = await _approve(client, order_id, "discount", price * 10)

    answer = await _place(
        client, order_id, [collect_line(sku, STORE, 1)], approval_ids=[discount]
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["total"]["amount"] == 0
    assert answer.json()["lines"][0]["discount"]["amount"] == price


async def test_an_approval_that_is_not_this_orders_is_refused(client, engine_app):
    (sku, _price), _ = _two_skus(engine_app)
    elsewhere = uuid.uuid4()
    given_elsewhere = await _approve(client, elsewhere, "discount", 10)
    order_id = uuid.uuid4()
    other_store = await _approve(client, order_id, "discount", 10, location=OTHER_STORE)
    expired = await _approve(client, order_id, "discount", 10)
    with engine_app.state.engine.begin() as connection:
        connection.execute(
            update(order_approvals)
            .where(order_approvals.c.id == uuid.UUID(expired))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )

    invented = str(uuid.uuid4())
    answers = {
        why: await _place(
            client, order_id, [collect_line(sku, STORE, 1)], approval_ids=[ident]
        )
        for why, ident in (
            ("no such approval", invented),
            ("another order", given_elsewhere),
            ("not given at this store", other_store),
            ("expired", expired),
        )
    }

    for why, answer in answers.items():
        assert answer.status_code == 422, why
        assert answer.json()["code"] == "approval_invalid"
        assert why in answer.json()["message"]
    # Nothing was placed, so the order id is still free.
    assert (await client.get(f"/v1/orders/{order_id}")).status_code == 404


async def test_an_approval_counts_at_the_time_of_the_sale(client, engine_app):
    # A sale approved and made before the engine went away reaches it hours
    # later from the outbox: the approval was good when the sale was made.
    (sku, price), _ = _two_skus(engine_app)
    order_id = uuid.uuid4()
    sold_at = datetime.now(UTC) - timedelta(hours=9)
    discount = await _approve(client, order_id, "discount", 10)
    with engine_app.state.engine.begin() as connection:
        connection.execute(
            update(order_approvals)
            .where(order_approvals.c.id == uuid.UUID(discount))
            .values(expires_at=sold_at + timedelta(hours=8))
        )

    answer = await _place(
        client,
        order_id,
        [collect_line(sku, STORE, 1)],
        approval_ids=[discount],
        placed_at=sold_at.isoformat(),
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["total"]["amount"] == price - 10


async def test_an_approval_must_make_sense(client):
    order_id = uuid.uuid4()
    body = {
        "kind": "discount",
        "amount": {"amount": -5, "currency": "GBP"},
        "reason": "x",
        "requested_by": "1001",
        "supervisor_number": "2001",
        "supervisor_pin": SUPERVISOR.pin,
    }
    negative = await client.post(f"/v1/orders/{order_id}/approvals", json=body)
    no_sku = await client.post(
        f"/v1/orders/{order_id}/approvals",
        json=body
        | {"kind": "price_override", "amount": {"amount": 5, "currency": "GBP"}},
    )

    assert negative.status_code == no_sku.status_code == 422


def test_a_discount_spreads_by_largest_remainder_and_units_add_up():
    assert spread_discount(10, [100, 100, 100]) == [4, 3, 3]
    assert spread_discount(1_000, [300, 200]) == [300, 200]
    assert spread_discount(0, [5]) == [0]

    # A line of 3 at 333 with 10 off: units worth 329, 330, 330.
    values = [units_value(333, 3, 10, k) for k in range(4)]
    assert values == [0, 329, 659, 989]
    assert units_value(333, 3, 10, 3) == 333 * 3 - 10


async def test_notes_and_payment_choice_reach_the_order_and_its_tasks(
    client, engine_app, caplog
):
    (sku, _price), _ = _two_skus(engine_app)
    order_id = uuid.uuid4()
    notes = "Ring the bell twice\nCustomer: Ms Example-Note"

    with caplog.at_level(logging.DEBUG):
        answer = await _place(
            client,
            order_id,
            [collect_line(sku, STORE, 1)],
            notes=f"  {notes}  ",
            payment_choice="on_confirmation",
        )

    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert order["notes"] == notes
    assert order["payment_choice"] == "on_confirmation"
    assert "Example-Note" not in caplog.text
    payments = (await client.get(f"/v1/orders/{order_id}/payments")).json()
    assert payments["plan"]["kind"] == "on_confirmation"
    assert payments["plan"]["due_now"] == order["total"]

    # A paid-later order waits for its payment; one without a plan is picked.
    picked_id = uuid.uuid4()
    await _place(client, picked_id, [collect_line(sku, STORE, 1)], notes=notes)
    run_due_work(engine_app.state.engine, datetime.now(UTC), providers={})
    tasks = (await client.get(f"/v1/locations/{STORE}/tasks")).json()["items"]
    mine = [task for task in tasks if task["order_id"] == str(picked_id)]
    assert mine
    assert all(task["notes"] == notes for task in mine)


async def test_a_card_not_present_order_is_paid_in_full(client, engine_app):
    (sku, _price), _ = _two_skus(engine_app)
    order_id = uuid.uuid4()

    answer = await _place(
        client,
        order_id,
        [collect_line(sku, STORE, 1)],
        payment_choice="card_not_present",
    )

    payments = (await client.get(f"/v1/orders/{order_id}/payments")).json()
    assert answer.json()["notes"] is None
    assert payments["plan"]["kind"] == "full"
    assert payments["plan"]["tenders"][0]["tender"] == "card"


@pytest.mark.parametrize(
    "notes",
    ["x" * 501, "bell\x07", "nul\x00"],
    ids=["too long", "bell character", "nul character"],
)
async def test_notes_are_validated(client, engine_app, notes):
    (sku, _price), _ = _two_skus(engine_app)

    answer = await _place(
        client, uuid.uuid4(), [collect_line(sku, STORE, 1)], notes=notes
    )

    assert answer.status_code == 422


async def test_a_receipt_reference_finds_its_order(client, engine_app):
    (sku, _price), _ = _two_skus(engine_app)
    first = uuid.UUID("abcd1234-0000-4000-8000-000000000001")
    second = uuid.UUID("abcd5678-0000-4000-8000-000000000002")
    # Device-made ids can share their first eight digits: so can receipts.
    twin = uuid.UUID("abcd5678-0000-4000-8000-000000000003")
    for order_id in (first, second):
        placed = await _place(client, order_id, [collect_line(sku, STORE, 1)])
        assert placed.json()["reference"] == f"OA-{order_id.hex[:8].upper()}"

    full = await client.get("/v1/orders/by-reference/OA-ABCD1234")
    typed = await client.get("/v1/orders/by-reference/oa-abcd 5678")
    prefix = await client.get("/v1/orders/by-reference/OA-ABCD")
    unknown = await client.get("/v1/orders/by-reference/OA-FFFF0000")
    nonsense = await client.get("/v1/orders/by-reference/OA-XYZ1")
    await _place(client, twin, [collect_line(sku, STORE, 1)])
    ambiguous = await client.get("/v1/orders/by-reference/OA-ABCD5678")

    assert full.status_code == 200 and full.json()["id"] == str(first)
    assert typed.status_code == 200 and typed.json()["id"] == str(second)
    assert prefix.status_code == 422  # no walking through orders by prefix
    assert unknown.status_code == 404
    assert nonsense.status_code == 422
    assert ambiguous.status_code == 422
    assert ambiguous.json()["code"] == "reference_ambiguous"
    assert set(ambiguous.json()["detail"]["orders"]) == {str(second), str(twin)}


def test_a_request_without_the_sale_fields_hashes_as_before_they_existed():
    request = OrderRequest(
        selling_location_id=STORE, lines=[collect_line("85123A", STORE, 1)]
    )
    before = request.model_dump(mode="json")
    for name in ("approval_ids", "notes", "payment_choice"):
        del before[name]
    canonical = json.dumps(before, sort_keys=True, separators=(",", ":"))

    assert request_hash(request) == hashlib.sha256(canonical.encode()).hexdigest()
    noted = request.model_copy(update={"notes": "call first"})
    assert request_hash(noted) != request_hash(request)


async def test_a_cancelled_unit_of_a_discounted_line_refunds_its_net_value(client):
    order_id = uuid.uuid4()
    discount = await _approve(client, order_id, "discount", 100)
    placed = await _place(
        client, order_id, [collect_line("85123A", STORE, 3)], approval_ids=[discount]
    )
    total = placed.json()["total"]["amount"]
    unit = placed.json()["lines"][0]["unit_price"]["amount"]
    await client.put(f"/v1/orders/{order_id}/payment-plan", json={"kind": "full"})
    paid = await client.post(
        f"/v1/orders/{order_id}/payments",
        json={
            "provider": "external_terminal",
            "reference": "slip-1",
            "operation": "capture",
            "amount": {"amount": total, "currency": "GBP"},
        },
    )
    assert paid.status_code == 201, paid.text

    # When one of the three units is cancelled.
    cancelled = await client.post(
        f"/v1/orders/{order_id}/cancel",
        json={"lines": [{"line_no": 0, "quantity": 1}]},
    )

    # Then the refund asked is that unit's share of the discounted line.
    assert cancelled.status_code == 200, cancelled.text
    records = (await client.get(f"/v1/orders/{order_id}/payments")).json()["records"]
    refunds = [r["amount"]["amount"] for r in records if r["operation"] == "refund"]
    assert total == unit * 3 - 100
    assert refunds == [total - units_value(unit, 3, 100, 2)] == [unit - 33]
