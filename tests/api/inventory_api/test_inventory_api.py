"""Quotes and their traces, holds, lift and shift, adjustments, rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from oms_core import holds
from oms_core.db.engine import WRITE
from oms_core.db.inventory_schema import holds as holds_table
from oms_core.db.schema import locations
from oms_core.events import read_events

HEART = "85123A"
DELIVER = {
    "method": "deliver",
    "address": {
        "name": "A Customer",
        "line1": "1 High Street",
        "city": "Daventry",
        "postcode": "NN11 4AA",
    },
}


def _collect(location_id: str) -> dict:
    return {"method": "collect", "location_id": location_id}


def _line(quantity: int = 1, fulfilment: dict = DELIVER, sku: str = HEART) -> dict:
    return {"sku": sku, "quantity": quantity, "fulfilment": fulfilment}


async def _stock(client, location_id: str, sku: str = HEART) -> dict:
    answer = await client.get(f"/v1/stock/{sku}/locations/{location_id}")
    return answer.json()


async def test_a_quote_says_where_how_and_when_and_reserves_nothing(client):
    before = await client.get(f"/v1/stock/{HEART}/network")

    answer = await client.post(
        "/v1/quotes",
        json={"selling_location_id": "store-0001", "lines": [_line(2)]},
    )

    quote = answer.json()
    line = quote["lines"][0]
    assert answer.status_code == 201
    assert line["fulfillable"] is True
    assert line["allocations"][0]["method"] == "ship"
    assert line["allocations"][0]["earliest_date"] is not None
    assert quote["trace"][0]["decision"] == "taken"
    after = await client.get(f"/v1/stock/{HEART}/network")
    assert after.json() == before.json()


async def test_the_trace_answers_why_not_a_far_store(client):
    # Aberdare (store-0001) is in Wales; the delivery goes to Daventry.
    answer = await client.post(
        "/v1/quotes",
        json={
            "selling_location_id": "store-0001",
            "lines": [_line(1)],
            "explain": ["store-0001"],
        },
    )

    entries = [e for e in answer.json()["trace"] if e["location_id"] == "store-0001"]
    assert entries
    assert entries[0]["decision"] == "passed_over"
    assert "ranked first" in entries[0]["reason"]


async def test_an_order_from_a_quote_honours_it_and_keeps_its_trace(client):
    quote = (
        await client.post(
            "/v1/quotes",
            json={"selling_location_id": "store-0001", "lines": [_line(1)]},
        )
    ).json()
    body = {
        "selling_location_id": "store-0001",
        "lines": [_line(1)],
        "quote_id": quote["id"],
    }

    order = await client.post(
        "/v1/orders", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )

    placed = order.json()
    assert order.status_code == 201
    assert placed["sourcing_note"] is None
    quoted = quote["lines"][0]["allocations"][0]["location_id"]
    assert placed["lines"][0]["source_location_id"] == quoted
    trace = await client.get(f"/v1/orders/{placed['id']}/sourcing")
    assert trace.json() == quote["trace"]


async def test_an_order_whose_quote_changed_records_why(client):
    quote = (
        await client.post(
            "/v1/quotes",
            json={"selling_location_id": "store-0001", "lines": [_line(1)]},
        )
    ).json()
    body = {
        "selling_location_id": "store-0001",
        "lines": [_line(2)],
        "quote_id": quote["id"],
    }

    order = await client.post(
        "/v1/orders", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )

    assert order.status_code == 201
    assert "quote not honoured" in order.json()["sourcing_note"]


async def test_a_quote_made_for_one_store_does_not_source_anothers_order(client):
    # Each store may have its own rule set: a quote is made under one.
    quote = (
        await client.post(
            "/v1/quotes",
            json={"selling_location_id": "store-0001", "lines": [_line(1)]},
        )
    ).json()

    order = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0002",
            "lines": [_line(1)],
            "quote_id": quote["id"],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    assert order.status_code == 201, order.text
    assert "quote was made for store-0001" in order.json()["sourcing_note"]


async def test_a_quote_from_a_location_closed_since_is_not_honoured(client):
    # Lift and shift between the quote and the order: the order goes elsewhere.
    quote = (
        await client.post(
            "/v1/quotes",
            json={"selling_location_id": "store-0001", "lines": [_line(1)]},
        )
    ).json()
    quoted = quote["lines"][0]["allocations"][0]["location_id"]
    closed = await client.put(
        f"/v1/locations/{quoted}/state", json={"state": "closed", "reason": "flood"}
    )
    assert closed.status_code == 200, closed.text

    order = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0001",
            "lines": [_line(1)],
            "quote_id": quote["id"],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    placed = order.json()
    assert order.status_code == 201, order.text
    assert placed["lines"][0]["source_location_id"] != quoted
    assert f"{quoted} is closed" in placed["sourcing_note"]


async def test_a_collection_quoted_at_a_store_gone_dark_is_not_honoured(client):
    quote = (
        await client.post(
            "/v1/quotes",
            json={
                "selling_location_id": "store-0001",
                "lines": [_line(1, _collect("store-0001"))],
            },
        )
    ).json()
    assert quote["lines"][0]["fulfillable"] is True
    await client.put("/v1/locations/store-0001/state", json={"state": "dark"})

    order = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0001",
            "lines": [_line(1, _collect("store-0001"))],
            "quote_id": quote["id"],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    # Sourced afresh, the dark store hands over nothing: refused, not placed.
    assert order.status_code == 409, order.text


async def test_a_hold_reserves_expires_by_itself_and_gives_units_back(
    client, engine_app
):
    before = (await _stock(client, "store-0001"))["reserved"]
    answer = await client.post(
        "/v1/holds",
        json={
            "selling_location_id": "store-0001",
            "channel": "kiosk",
            "lines": [_line(1, _collect("store-0001"))],
        },
    )
    hold = answer.json()
    created = datetime.fromisoformat(hold["created_at"])
    expires = datetime.fromisoformat(hold["expires_at"])
    assert answer.status_code == 201
    assert expires - created == timedelta(minutes=15)
    assert (await _stock(client, "store-0001"))["reserved"] == before + 1

    engine = engine_app.state.engine
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            ended = holds.expire_due(connection, expires + timedelta(seconds=1))

    assert ended == 1
    assert (await _stock(client, "store-0001"))["reserved"] == before
    assert (await client.get(f"/v1/holds/{hold['id']}")).json()["status"] == "expired"


async def test_an_order_consumes_its_hold_without_reserving_twice(client, engine_app):
    lines = [_line(2, _collect("store-0001"))]
    hold = (
        await client.post(
            "/v1/holds",
            json={
                "selling_location_id": "store-0001",
                "channel": "till",
                "lines": lines,
            },
        )
    ).json()
    reserved = (await _stock(client, "store-0001"))["reserved"]

    order = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0001",
            "lines": lines,
            "hold_id": hold["id"],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    assert order.status_code == 201
    assert (await _stock(client, "store-0001"))["reserved"] == reserved
    after = (await client.get(f"/v1/holds/{hold['id']}")).json()
    assert (after["status"], after["order_id"]) == ("consumed", order.json()["id"])
    with engine_app.state.engine.connect() as connection:
        status = connection.scalar(
            select(holds_table.c.status).where(
                holds_table.c.id == uuid.UUID(hold["id"])
            )
        )
    assert status == "consumed"


async def test_hold_time_depends_on_the_channel(client):
    minutes = {}
    for channel in ("kiosk", "till", "phone"):
        hold = (
            await client.post(
                "/v1/holds",
                json={
                    "selling_location_id": "store-0001",
                    "channel": channel,
                    "lines": [_line(1)],
                },
            )
        ).json()
        span = datetime.fromisoformat(hold["expires_at"]) - datetime.fromisoformat(
            hold["created_at"]
        )
        minutes[channel] = span.total_seconds() / 60

    assert minutes == {"kiosk": 15, "till": 60, "phone": 1440}


async def test_closing_a_location_moves_its_open_orders(client, engine_app):
    order = (
        await client.post(
            "/v1/orders",
            json={"selling_location_id": "store-0001", "lines": [_line(1)]},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
    ).json()
    source = order["lines"][0]["source_location_id"]

    answer = await client.put(
        f"/v1/locations/{source}/state", json={"state": "closed", "reason": "flood"}
    )

    result = answer.json()
    assert answer.status_code == 200
    assert (result["previous_state"], result["location"]["state"]) == ("open", "closed")
    assert result["resourced_lines"] >= 1
    moved = (await client.get(f"/v1/orders/{order['id']}")).json()
    assert moved["lines"][0]["source_location_id"] != source
    assert (await _stock(client, source))["reserved"] == 0
    with engine_app.state.engine.connect() as connection:
        kinds = [e.kind for e in read_events(connection, limit=1000)]
    assert "location.state_changed" in kinds
    assert "order.line_resourced" in kinds


async def test_a_dark_store_leaves_near_me_but_still_ships(client):
    near = await client.get(f"/v1/stock/{HEART}/nearby", params={"postcode": "CF44"})
    assert near.json()["items"][0]["location_id"] == "store-0001"

    await client.put("/v1/locations/store-0001/state", json={"state": "dark"})

    near = await client.get(f"/v1/stock/{HEART}/nearby", params={"postcode": "CF44"})
    ids = [item["location_id"] for item in near.json()["items"]]
    assert "store-0001" not in ids
    collect = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0002",
            "lines": [_line(1, _collect("store-0001"))],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert collect.status_code == 409
    assert collect.json()["code"] == "location_cannot_fulfil"


async def test_adjustments_move_stock_stamp_the_count_and_are_events(
    client, engine_app
):
    count = await client.post(
        f"/v1/stock/{HEART}/adjustments",
        json={"location_id": "store-0001", "kind": "count", "quantity": 10},
    )
    sale = await client.post(
        f"/v1/stock/{HEART}/adjustments",
        json={"location_id": "store-0001", "kind": "sale", "quantity": 3},
    )
    sent = await client.post(
        f"/v1/stock/{HEART}/adjustments",
        json={
            "location_id": "store-0001",
            "kind": "transfer",
            "quantity": 2,
            "to_location_id": "store-0002",
            "eta": "2026-12-24T09:00:00Z",
        },
    )
    received = await client.post(
        f"/v1/stock/{HEART}/adjustments",
        json={
            "location_id": "store-0002",
            "kind": "receipt",
            "quantity": 2,
            "from_transit": True,
        },
    )

    assert [a.status_code for a in (count, sale, sent, received)] == [201] * 4
    assert sale.json()["on_hand"] == 7
    assert sent.json()["on_hand"] == 5
    counted = datetime.fromisoformat(count.json()["confirmed_at"])
    assert datetime.now(UTC) - counted < timedelta(minutes=1)
    there = await _stock(client, "store-0002")
    assert there["in_transit"] == 0
    with engine_app.state.engine.connect() as connection:
        kinds = [e.kind for e in read_events(connection, limit=1000)]
    assert kinds.count("stock.adjusted") == 4


async def test_a_sale_cannot_take_units_reserved_for_an_order(client):
    await client.post(
        f"/v1/stock/{HEART}/adjustments",
        json={"location_id": "store-0001", "kind": "count", "quantity": 2},
    )
    await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0001",
            "lines": [_line(1, _collect("store-0001"))],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    answer = await client.post(
        f"/v1/stock/{HEART}/adjustments",
        json={"location_id": "store-0001", "kind": "sale", "quantity": 2},
    )

    assert answer.status_code == 409
    assert (await _stock(client, "store-0001"))["on_hand"] == 2


async def test_the_most_specific_buffer_rule_wins(client):
    await client.put(
        "/v1/stock/buffers", json={"location_id": "store-0001", "units": 3}
    )
    await client.put("/v1/stock/buffers", json={"sku": HEART, "units": 2})
    await client.put(
        "/v1/stock/buffers",
        json={"location_id": "store-0002", "sku": HEART, "units": 5},
    )

    assert (await _stock(client, "store-0001"))["buffer"] == 2
    assert (await _stock(client, "store-0002"))["buffer"] == 5
    other = await _stock(client, "store-0001", "22423")
    assert other["buffer"] in (0, 3)


async def test_a_seeded_count_time_is_recent_and_varies(client):
    levels = (await client.get(f"/v1/stock/{HEART}")).json()["items"]
    times = {datetime.fromisoformat(level["confirmed_at"]) for level in levels}

    assert len(times) > len(levels) // 2
    assert all(datetime.now(UTC) - t < timedelta(days=3, minutes=5) for t in times)


async def test_rule_sets_are_validated_and_versioned(client):
    bad = await client.put(
        "/v1/sourcing/rules/default", json={"name": "x", "ranking": ["nearest"]}
    )
    first = await client.put(
        "/v1/sourcing/rules/channel:kiosk", json={"name": "kiosk", "max_shipments": 1}
    )
    same = await client.put(
        "/v1/sourcing/rules/channel:kiosk", json={"name": "kiosk", "max_shipments": 1}
    )
    changed = await client.put(
        "/v1/sourcing/rules/channel:kiosk", json={"name": "kiosk", "max_shipments": 2}
    )

    assert bad.status_code == 422
    assert [r.json()["version"] for r in (first, same, changed)] == [1, 1, 2]
    old = await client.get("/v1/sourcing/rules/channel:kiosk", params={"version": 1})
    assert old.json()["rules"]["max_shipments"] == 1


async def test_broken_opening_hours_are_refused_with_their_position(client):
    answer = await client.put(
        "/v1/locations/store-0001/opening-hours",
        json={"opening_hours": "Mo-Fr 09:00-17:00 || by appointment"},
    )

    assert answer.status_code == 422
    assert answer.json()["detail"]["position"] == 18


async def test_capacity_and_load_are_on_the_location(client, engine_app):
    with engine_app.state.engine.begin() as connection:
        connection.execute(
            update(locations)
            .where(locations.c.id == "store-0001")
            .values(daily_capacity=1)
        )
    first = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0001",
            "lines": [_line(1, _collect("store-0001"))],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    second = await client.post(
        "/v1/orders",
        json={
            "selling_location_id": "store-0001",
            "lines": [_line(1, _collect("store-0001"))],
        },
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )

    place = (await client.get("/v1/locations/store-0001")).json()
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "location_cannot_fulfil"
    assert (place["daily_capacity"], place["load_today"]) == (1, 1)
    assert place["opening_hours"]
