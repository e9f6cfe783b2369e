"""The client lists a store's collection slots and books one for an order."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI

from oms_client import OmsClient, OmsConflict
from oms_client.models import (
    CollectFulfilment,
    CollectionSlot,
    OrderLineRequest,
    OrderRequest,
)

STORE = "store-0001"
HEART = "85123A"


@pytest.fixture
async def client(engine_app: FastAPI) -> AsyncIterator[OmsClient]:
    async with OmsClient.in_process(engine_app) as oms:
        yield oms


def _in_three_days() -> date:
    return datetime.now(UTC).date() + timedelta(days=3)


async def test_a_slot_listed_by_the_client_is_booked_and_shown(client, engine_app):
    with engine_app.state.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE locations SET opening_hours = 'Mo-Su 09:00-17:00' WHERE id = ?",
            (STORE,),
        )
    request = OrderRequest(
        selling_location_id=STORE,
        lines=[
            OrderLineRequest(
                sku=HEART, quantity=1, fulfilment=CollectFulfilment(location_id=STORE)
            )
        ],
    )
    order = await client.create_order(uuid.uuid4(), request)

    slots = await client.collection_slots(STORE, _in_three_days(), order.id)
    chosen = slots[4]
    booking = await client.book_collection_slot(order.id, chosen.starts_at)
    tracking = await client.get_tracking(order.id)

    assert all(isinstance(slot, CollectionSlot) for slot in slots)
    assert len(slots) == 16 and all(slot.available for slot in slots)
    assert booking.slot.starts_at == chosen.starts_at
    assert tracking.collection == booking


async def test_a_closed_hour_is_refused_and_a_store_without_hours_has_no_slots(
    client, engine_app
):
    with engine_app.state.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE locations SET opening_hours = NULL WHERE id = ?", (STORE,)
        )
    request = OrderRequest(
        selling_location_id=STORE,
        lines=[
            OrderLineRequest(
                sku=HEART, quantity=1, fulfilment=CollectFulfilment(location_id=STORE)
            )
        ],
    )
    order = await client.create_order(uuid.uuid4(), request)
    day = _in_three_days()

    with pytest.raises(OmsConflict):
        await client.collection_slots(STORE, day)
    with pytest.raises(OmsConflict):
        await client.book_collection_slot(
            order.id, datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
        )
    with pytest.raises(ValueError):
        await client.collection_slots("Not a store", day)
