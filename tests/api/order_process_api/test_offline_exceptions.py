"""Offline orders whose shown promise broke: accepted with a line exception.

An order that carries the promise a till showed offline is never refused
for stock: each line the network can no longer keep as shown (none, only
some, only later, or not from the collection store's own shelf) is
accepted in an exception with a task at the selling store, and the store
resolves it: re-source, accept, or cancel the line.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from oms_core.db.schema import stock
from tests.api.oms_core_api.helpers import atp_at, reserved_total
from tests.api.order_process_api.helpers import (
    HEART,
    STORE,
    collect,
    deliver,
    place,
    state_of,
    tasks_at,
    turn,
)
from tests.api.order_process_api.test_payment_cases import _answer

POSTCODE = "LS1 4AP"


def _offline(line: dict, location_id: str, atp_seen: int, when: date | None = None):
    """The line with the promise a till showed from its snapshot."""
    return {
        **line,
        "promise": {
            "location_id": location_id,
            "earliest_date": when.isoformat() if when else None,
            "atp_seen": atp_seen,
            "as_of": (datetime.now(UTC) - timedelta(minutes=20)).isoformat(),
        },
    }


def _scarce_sku(app: FastAPI) -> str:
    """A SKU a few locations hold (at least two), so draining it is quick."""
    with app.state.engine.connect() as connection:
        holders = func.count(stock.c.location_id)
        return connection.scalar(
            select(stock.c.sku)
            .where(stock.c.on_hand - stock.c.reserved - stock.c.buffer > 0)
            .group_by(stock.c.sku)
            .having(holders >= 2)
            .order_by(holders, stock.c.sku)
            .limit(1)
        )


async def _drain(client: httpx.AsyncClient, sku: str, keep: dict | None = None):
    """Sell at the tills every unit of ``sku`` the network could promise."""
    keep = keep or {}
    levels = (await client.get(f"/v1/stock/{sku}")).json()["items"]
    for level in levels:
        sell = level["atp"] - keep.get(level["location_id"], 0)
        if sell <= 0:
            continue
        answer = await client.post(
            f"/v1/stock/{sku}/adjustments",
            json={
                "location_id": level["location_id"],
                "kind": "sale",
                "quantity": sell,
            },
        )
        assert answer.status_code == 201, answer.text


async def _receive(client: httpx.AsyncClient, sku: str, location_id: str, units: int):
    """Count the shelf so that ``units`` more can be promised (over any buffer)."""
    record = await client.get(f"/v1/stock/{sku}/locations/{location_id}")
    assert record.status_code == 200, record.text
    want = record.json()["atp"] + units
    on_hand = record.json()["on_hand"] + units
    for _attempt in range(5):  # a buffer may grow with what is on hand
        answer = await client.post(
            f"/v1/stock/{sku}/adjustments",
            json={"location_id": location_id, "kind": "count", "quantity": on_hand},
        )
        assert answer.status_code == 201, answer.text
        if answer.json()["atp"] == want:
            return
        on_hand += want - answer.json()["atp"]
    raise AssertionError(f"could not make {want} of {sku} promisable")


async def _exception_task(client: httpx.AsyncClient, order: dict) -> dict:
    [task] = [
        t
        for t in await tasks_at(client, order["selling_location_id"])
        if t["order_id"] == order["id"] and t["kind"] == "line_exception"
    ]
    return task


async def _resolve(
    client: httpx.AsyncClient, task: dict, resolution: str | None
) -> httpx.Response:
    body: dict = {"staff": "s1001"}
    if resolution is not None:
        body["resolution"] = resolution
    return await client.post(f"/v1/tasks/{task['id']}/complete", json=body)


async def _timeline(client: httpx.AsyncClient, order: dict) -> list[str]:
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    return [event["kind"] for event in tracking["timeline"]]


async def test_a_line_the_network_no_longer_holds_is_accepted_and_resourced_later(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    reserved = reserved_total(engine_app, sku)

    order = await place(client, _offline(deliver(sku, POSTCODE, 2), STORE, 2))

    [line] = order["lines"]
    exception = line["exception"]
    assert exception["reason"] == "unavailable"
    assert exception["status"] == "open"
    assert (exception["reserved"], exception["missing"]) == (0, 2)
    assert exception["promised"]["location_id"] == STORE
    assert exception["options"] == ["resource", "cancel_line"]
    assert "none can be sourced" in exception["message"]
    assert line["allocations"] == []
    assert reserved_total(engine_app, sku) == reserved
    task = await _exception_task(client, order)
    assert task["exception"]["line_no"] == 0
    assert task["exception"]["task_id"] == task["id"] == exception["task_id"]
    assert task["lines"] == [{"seq": 0, "sku": sku, "quantity": 2}]
    assert "order.line_exception" in await _timeline(client, order)
    assert "stock.reserved" not in await _timeline(client, order)

    # Not released while the store has not resolved it.
    turn(engine_app)
    assert await state_of(client, order["id"]) == "placed"

    # Re-sourcing while the network still has none is refused; the task stays.
    refused = await _resolve(client, task, "resource")
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert (await _exception_task(client, order))["status"] == "open"

    await _receive(client, sku, STORE, 5)
    done = await _resolve(client, task, "resource")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert reserved_total(engine_app, sku) == reserved + 2

    again = await _resolve(client, task, "resource")
    assert again.status_code == 409
    assert reserved_total(engine_app, sku) == reserved + 2

    stored = (await client.get(f"/v1/orders/{order['id']}")).json()
    [line] = stored["lines"]
    assert line["exception"]["status"] == "resolved"
    assert line["exception"]["resolution"] == "resource"
    assert line["exception"]["options"] == []
    assert sum(a["quantity"] for a in line["allocations"]) == 2
    turn(engine_app)
    assert await state_of(client, order["id"]) != "placed"


async def test_a_partly_fillable_line_reserves_what_is_there_and_refunds_the_rest(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    await _receive(client, sku, STORE, 1)
    reserved = reserved_total(engine_app, sku)

    order = await place(client, _offline(collect(sku, STORE, 3), STORE, 3))
    [line] = order["lines"]
    assert line["exception"]["reason"] == "partial"
    assert (line["exception"]["reserved"], line["exception"]["missing"]) == (1, 2)
    assert line["exception"]["options"] == ["resource", "accept", "cancel_line"]
    assert reserved_total(engine_app, sku) == reserved + 1
    assert order["total"]["amount"] == 3 * line["unit_price"]["amount"]

    # The till took the whole price; the customer then takes the one unit.
    unit = line["unit_price"]["amount"]
    paid = await client.post(
        f"/v1/orders/{order['id']}/payments",
        json=_answer(order, "capture", 3 * unit, "cap-1", provider="scripted"),
    )
    assert paid.status_code in (200, 201), paid.text
    task = await _exception_task(client, order)
    answer = await _resolve(client, task, "accept")

    assert answer.status_code == 200, answer.text
    payments = (await client.get(f"/v1/orders/{order['id']}/payments")).json()
    assert payments["refunded"]["amount"] == 2 * unit
    assert reserved_total(engine_app, sku) == reserved + 1
    turn(engine_app)
    assert await state_of(client, order["id"]) == "picking"
    [pick] = [
        t
        for t in await tasks_at(client, STORE)
        if t["order_id"] == order["id"] and t["kind"] == "pick"
    ]
    assert pick["lines"][0]["quantity"] == 1


async def _allow_transfers(client: httpx.AsyncClient) -> None:
    answer = await client.put(
        "/v1/sourcing/rules/default",
        json={"name": "transfers", "collect_by_transfer": True},
    )
    assert answer.status_code == 200, answer.text


async def _only_elsewhere(client: httpx.AsyncClient, app: FastAPI, sku: str) -> None:
    """The selling store's shelf has none of ``sku``; other stores keep theirs."""
    await _allow_transfers(client)
    here = atp_at(app, sku, STORE)
    if here:
        answer = await client.post(
            f"/v1/stock/{sku}/adjustments",
            json={"location_id": STORE, "kind": "sale", "quantity": here},
        )
        assert answer.status_code == 201, answer.text
    assert atp_at(app, sku, STORE) == 0


async def test_a_later_date_than_shown_is_an_exception_and_cancel_line_releases_it(
    client, engine_app
):
    await _allow_transfers(client)
    sku = _scarce_sku(engine_app)
    await _receive(client, sku, STORE, 1)
    quote = await client.post(
        "/v1/quotes",
        json={"selling_location_id": STORE, "lines": [collect(sku, STORE, 1)]},
    )
    assert quote.status_code == 201, quote.text
    [quoted] = quote.json()["lines"]
    assert quoted["allocations"][0]["location_id"] == STORE
    shown = date.fromisoformat(quoted["allocations"][0]["earliest_date"])
    await _only_elsewhere(client, engine_app, sku)
    reserved = reserved_total(engine_app, sku)

    order = await place(client, _offline(collect(sku, STORE, 1), STORE, 1, shown))
    [line] = order["lines"]
    exception = line["exception"]
    assert exception["reason"] == "later"
    assert date.fromisoformat(exception["earliest_date"]) > shown
    assert exception["missing"] == 0 and exception["reserved"] == 1
    assert exception["options"] == ["accept", "cancel_line"]
    assert reserved_total(engine_app, sku) == reserved + 1

    task = await _exception_task(client, order)
    answer = await _resolve(client, task, "cancel_line")

    assert answer.status_code == 200, answer.text
    assert reserved_total(engine_app, sku) == reserved
    assert await state_of(client, order["id"]) == "cancelled"
    stored = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert stored["lines"][0]["exception"]["status"] == "cancelled"
    assert stored["lines"][0]["exception"]["resolution"] == "cancel_line"


async def test_collecting_what_is_no_longer_on_the_stores_shelf_is_an_exception(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _only_elsewhere(client, engine_app, sku)

    order = await place(client, _offline(collect(sku, STORE, 1), STORE, 4))
    [line] = order["lines"]
    assert line["exception"]["reason"] == "other_place"
    assert line["exception"]["location_id"] != STORE
    assert "transfer" in line["exception"]["message"]

    task = await _exception_task(client, order)
    missing = await _resolve(client, task, None)
    assert missing.status_code == 422
    assert missing.json()["detail"]["options"] == ["accept", "cancel_line"]
    wrong = await _resolve(client, task, "resource")
    assert wrong.status_code == 422

    assert (await _resolve(client, task, "accept")).status_code == 200
    turn(engine_app)
    assert await state_of(client, order["id"]) != "placed"


async def test_a_promise_still_kept_makes_no_exception(client, engine_app):
    order = await place(client, _offline(collect(HEART, STORE, 1), STORE, 4))

    assert order["lines"][0]["exception"] is None
    assert [
        t
        for t in await tasks_at(client, STORE)
        if t["order_id"] == order["id"] and t["kind"] == "line_exception"
    ] == []
    turn(engine_app)
    assert await state_of(client, order["id"]) == "picking"


async def test_without_a_promise_an_unfillable_order_is_still_refused(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)

    answer = await client.post(
        "/v1/orders",
        json={"selling_location_id": STORE, "lines": [deliver(sku, POSTCODE, 1)]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "insufficient_stock"


async def test_a_replayed_offline_order_returns_the_same_order_and_one_task(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    await _receive(client, sku, STORE, 1)
    reserved = reserved_total(engine_app, sku)
    body = {
        "selling_location_id": STORE,
        "lines": [_offline(collect(sku, STORE, 2), STORE, 2)],
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = await client.post("/v1/orders", json=body, headers=key)
    second = await client.post("/v1/orders", json=body, headers=key)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert reserved_total(engine_app, sku) == reserved + 1
    order = first.json()
    await _exception_task(client, order)  # exactly one
    assert (await _timeline(client, order)).count("order.line_exception") == 1


async def test_cancelling_the_order_closes_its_exception_and_task(client, engine_app):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    await _receive(client, sku, STORE, 1)
    reserved = reserved_total(engine_app, sku)
    order = await place(
        client,
        _offline(collect(sku, STORE, 3), STORE, 3),
        _offline(collect(HEART, STORE, 1), STORE, 4),
    )
    assert reserved_total(engine_app, sku) == reserved + 1

    answer = await client.post(f"/v1/orders/{order['id']}/cancel", json={})

    assert answer.status_code == 200, answer.text
    assert reserved_total(engine_app, sku) == reserved
    assert await state_of(client, order["id"]) == "cancelled"
    stored = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert stored["lines"][0]["exception"]["status"] == "cancelled"
    assert [
        t
        for t in await tasks_at(client, STORE)
        if t["order_id"] == order["id"] and t["kind"] == "line_exception"
    ] == []


async def test_cancelling_only_the_missing_units_resolves_the_exception(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    await _receive(client, sku, STORE, 1)
    reserved = reserved_total(engine_app, sku)
    order = await place(client, _offline(collect(sku, STORE, 3), STORE, 3))

    answer = await client.post(
        f"/v1/orders/{order['id']}/cancel",
        json={"lines": [{"line_no": 0, "quantity": 2}]},
    )

    assert answer.status_code == 200, answer.text
    assert reserved_total(engine_app, sku) == reserved + 1  # the held one stays
    stored = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert stored["lines"][0]["exception"]["status"] == "cancelled"
    turn(engine_app)
    assert await state_of(client, order["id"]) == "picking"


async def _groups(client: httpx.AsyncClient, order: dict) -> dict[int, str]:
    answer = await client.get(f"/v1/orders/{order['id']}/processes")
    assert answer.status_code == 200, answer.text
    return {view["group"]: view["state"] for view in answer.json()["items"]}


async def test_a_mixed_order_waits_whole_and_its_resourced_line_keeps_its_group(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    order = await place(
        client,
        _offline(collect(HEART, STORE, 1), STORE, 4),
        _offline(deliver(sku, POSTCODE, 1), STORE, 1),
    )
    assert order["lines"][0]["exception"] is None
    assert order["lines"][1]["exception"]["reason"] == "unavailable"
    turn(engine_app)
    assert set((await _groups(client, order)).values()) == {"placed"}

    await _receive(client, sku, "store-0002", 1)
    task = await _exception_task(client, order)
    assert (await _resolve(client, task, "resource")).status_code == 200
    turn(engine_app)

    # Each group waits for its own pick: the delivered line is in group 1.
    assert await _groups(client, order) == {0: "picking", 1: "picking"}


async def test_cancelling_the_only_line_of_a_group_cancels_that_group_alone(
    client, engine_app
):
    sku = _scarce_sku(engine_app)
    await _drain(client, sku)
    order = await place(
        client,
        _offline(collect(HEART, STORE, 1), STORE, 4),
        _offline(deliver(sku, POSTCODE, 1), STORE, 1),
    )
    task = await _exception_task(client, order)

    assert (await _resolve(client, task, "cancel_line")).status_code == 200
    turn(engine_app)

    groups = await _groups(client, order)
    assert groups[1] == "cancelled"
    assert groups[0] == "picking"
