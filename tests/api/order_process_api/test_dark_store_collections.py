"""A store going dark: its waiting collections move by transfer, or go to a person."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from oms_core import geo, network
from oms_core.api_models import Capability
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.process_schema import order_processes
from oms_core.db.schema import locations, stock
from oms_core.events import read_events
from tests.api.order_process_api.helpers import (
    HEART,
    STORE,
    collect,
    do_task,
    place,
    state_of,
    tasks_at,
)
from tests.api.order_process_api.test_process_exceptions import _mine, _paid_order

TRANSFER_RULES = {"name": "transfers", "collect_by_transfer": True, "transfer_days": 2}


def _events(engine_app, order: dict, kind: str) -> list[dict]:
    with engine_app.state.engine.connect() as connection:
        found = read_events(connection, 0, 500, order_id=uuid.UUID(order["id"]))
    return [event.payload for event in found if event.kind == kind]


def _nearest_collection_store(engine_app, store_id: str) -> str:
    """By hand: the nearest other open store that collects and receives."""
    with engine_app.state.engine.connect() as connection:
        rows = connection.execute(select(locations)).all()
    home = next(row for row in rows if row.id == store_id)
    wanted = {Capability.CLICK_COLLECT, Capability.RECEIVE_FOR_COLLECTION}
    able = sorted(
        (
            geo.haversine_km(
                geo.Point(home.lat, home.lon), geo.Point(row.lat, row.lon)
            ),
            row.id,
        )
        for row in rows
        if row.id != store_id
        and row.state == "open"
        and wanted <= network.decode_capabilities(row.capabilities)
    )
    return able[0][1]


def _reserved(engine_app, location_id: str) -> int:
    with engine_app.state.engine.connect() as connection:
        return connection.scalar(
            select(stock.c.reserved).where(
                stock.c.sku == HEART, stock.c.location_id == location_id
            )
        )


async def _go_dark(client) -> dict:
    answer = await client.put(
        f"/v1/locations/{STORE}/state", json={"state": "dark", "reason": "refit"}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_with_transfers_allowed_a_collection_moves_to_the_nearest_open_store(
    client, engine_app
):
    rules = await client.put("/v1/sourcing/rules/default", json=TRANSFER_RULES)
    assert rules.status_code in (200, 201), rules.text
    order = await place(client, collect(HEART, STORE, 2))
    reserved = _reserved(engine_app, STORE)
    target = _nearest_collection_store(engine_app, STORE)

    result = await _go_dark(client)

    assert result["resourced_lines"] == 1
    stored = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert stored["lines"][0]["fulfilment"] == {
        "method": "collect",
        "location_id": target,
    }
    # The dark store still picks the units it holds and sends them over.
    assert _reserved(engine_app, STORE) == reserved
    with engine_app.state.engine.connect() as connection:
        method = connection.scalar(
            select(order_allocations.c.method).where(
                order_allocations.c.order_id == uuid.UUID(order["id"]),
                order_allocations.c.location_id == STORE,
            )
        )
        process = connection.execute(
            select(order_processes).where(
                order_processes.c.order_id == uuid.UUID(order["id"])
            )
        ).one()
    assert method == "transfer"
    assert (process.process_name, process.collection_location_id) == (
        "collect_elsewhere",
        target,
    )
    [moved] = _events(engine_app, order, "order.collection_moved")
    assert (moved["from"], moved["to"], moved["line"]) == (STORE, target, 0)
    assert await _mine(client, STORE, order) == []


async def test_when_the_rules_forbid_transfers_a_person_gets_a_task(client, engine_app):
    order = await place(client, collect(HEART, STORE, 1))

    result = await _go_dark(client)

    assert result["unsourced_lines"] == 1
    stored = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert stored["lines"][0]["fulfilment"]["location_id"] == STORE
    [note] = _events(engine_app, order, "order.collection_needs_attention")
    assert note["reason"] == "the rule set does not allow collection by transfer"
    assert note["suggested"] == _nearest_collection_store(engine_app, STORE)
    [task] = [
        t
        for t in await tasks_at(client, STORE)
        if t["order_id"] == order["id"] and t["kind"] == "dark_store_collection"
    ]
    assert task["lines"] == [{"seq": 0, "sku": HEART, "quantity": 1}]

    # Dealing with the customer is recorded; the order's process stays put.
    before = await state_of(client, order["id"])
    await do_task(client, task)
    assert await state_of(client, order["id"]) == before


async def test_goods_already_waiting_on_the_shelf_go_to_a_person(client, engine_app):
    await client.put("/v1/sourcing/rules/default", json=TRANSFER_RULES)
    order = await _paid_order(client, engine_app, 1)
    for _ in range(2):  # pick, pack
        [task] = await _mine(client, STORE, order)
        await do_task(client, task)
    assert await state_of(client, order["id"]) == "ready"

    result = await _go_dark(client)

    assert result["unsourced_lines"] == 1
    [note] = _events(engine_app, order, "order.collection_needs_attention")
    assert note["reason"] == "the order is already 'ready' at the store"
    kinds = sorted(t["kind"] for t in await _mine(client, STORE, order))
    assert kinds == ["dark_store_collection", "hand_over"]


async def test_a_collection_already_handed_over_is_left_alone(client, engine_app):
    await client.put("/v1/sourcing/rules/default", json=TRANSFER_RULES)
    order = await _paid_order(client, engine_app, 1)
    for _ in range(3):  # pick, pack, hand over
        [task] = await _mine(client, STORE, order)
        await do_task(client, task)

    result = await _go_dark(client)

    assert (result["resourced_lines"], result["unsourced_lines"]) == (0, 0)
    assert _events(engine_app, order, "order.collection_moved") == []
