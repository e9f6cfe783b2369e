"""The client's process, task and payment calls against the real engine."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI

from oms_client import OmsClient, OmsConflict
from oms_client.models import CollectFulfilment, OrderLineRequest, OrderRequest
from oms_core.api_models import (
    CustomerDetails,
    LineQuantity,
    Money,
    PaymentAnswer,
    PaymentOperation,
    PaymentPlanRequest,
    PlanKind,
)
from oms_core.process.runner import run_due_work

STORE = "store-0001"
HEART = "85123A"


@pytest.fixture
async def client(engine_app: FastAPI) -> AsyncIterator[OmsClient]:
    async with OmsClient.in_process(engine_app) as oms:
        yield oms


async def _order(client: OmsClient, quantity: int = 2):
    request = OrderRequest(
        selling_location_id=STORE,
        lines=[
            OrderLineRequest(
                sku=HEART,
                quantity=quantity,
                fulfilment=CollectFulfilment(location_id=STORE),
            )
        ],
        customer=CustomerDetails(name="Cy Example", email="cy@example.org"),
    )
    return await client.create_order(uuid.uuid4(), request)


async def test_an_associate_picks_packs_and_hands_over_through_the_client(
    client, engine_app
):
    order = await _order(client)
    run_due_work(engine_app.state.engine, datetime.now(UTC), deliver=False)

    for kind in ("pick", "pack", "hand_over"):
        [task] = [t for t in await client.list_tasks(STORE) if t.order_id == order.id]
        assert task.kind == kind
        await client.claim_task(task.id, "s2001")
        await client.complete_task(task.id, "s2001")
    run_due_work(engine_app.state.engine, datetime.now(UTC), deliver=False)

    tracking = await client.get_tracking(order.id)
    assert tracking.process is not None and tracking.process.state == "completed"
    assert (await client.find_orders(email="cy@example.org"))[0].order.id == order.id
    picture = await client.process_picture(order.id)
    assert picture.startswith(b"<svg")
    events = await client.list_events(after=0, limit=1000)
    assert {e.kind for e in events} >= {"order.created", "task.completed"}


async def test_payments_and_cancellation_through_the_client(client):
    order = await _order(client, 3)
    plan = await client.set_payment_plan(
        order.id, PaymentPlanRequest(kind=PlanKind.FULL)
    )
    answer = PaymentAnswer(
        provider="external_terminal",
        reference="slip-42",
        operation=PaymentOperation.CAPTURE,
        amount=Money(amount=plan.due_now.amount, currency=plan.total.currency),
    )
    await client.record_payment(order.id, answer)
    summary = await client.record_payment(order.id, answer)
    assert summary.captured.amount == order.total.amount

    cancelled = await client.cancel_order(
        order.id, [LineQuantity(line_no=0, quantity=1)]
    )

    # The external terminal cannot be driven: the refund waits for the slip.
    assert cancelled.payments.records[-1].outcome == "pending"
    with pytest.raises(OmsConflict):
        await client.send_process_event(order.id, "delivered")
    invoice = await client.issue_invoice(order.id)
    assert invoice.total.amount == 2 * order.lines[0].unit_price.amount
