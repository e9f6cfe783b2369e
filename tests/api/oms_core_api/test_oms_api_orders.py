"""Placing and reading orders: sourcing, reservations and idempotency."""

from __future__ import annotations

import uuid

from oms_core import orders
from oms_core.api_models import OrderRequest
from tests.api.oms_core_api.helpers import (
    atp_at,
    collect_line,
    deliver_line,
    max_atp_anywhere,
    order_body,
    reserved_total,
    sku_missing_at,
)

HEART = "85123A"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def test_an_order_is_created_and_its_stock_reserved(client, engine_app):
    before = atp_at(engine_app, HEART, "store-0001")
    headers = _key()

    answer = await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001", 2)),
        headers=headers,
    )

    order = answer.json()
    assert answer.status_code == 201
    assert order["id"] == headers["Idempotency-Key"]
    assert order["status"] == "created"
    line = order["lines"][0]
    assert line["source_location_id"] == "store-0001"
    assert line["line_total"]["amount"] == 2 * line["unit_price"]["amount"]
    assert order["total"] == line["line_total"]
    assert atp_at(engine_app, HEART, "store-0001") == before - 2


async def test_the_unit_price_comes_from_the_catalogue(client):
    product = (await client.get(f"/v1/products/{HEART}")).json()

    answer = await client.post(
        "/v1/orders",
        json=order_body(
            collect_line(HEART, "store-0001", 1), deliver_line(HEART, "NN11 4AA", 3)
        ),
        headers=_key(),
    )

    order = answer.json()
    assert [line["unit_price"] for line in order["lines"]] == [product["price"]] * 2
    assert order["total"]["amount"] == 4 * product["price"]["amount"]


async def test_delivery_comes_from_the_nearest_location_with_stock(client):
    nearest = (
        await client.get(f"/v1/stock/{HEART}/nearby", params={"postcode": "NN11"})
    ).json()["items"][0]

    answer = await client.post(
        "/v1/orders", json=order_body(deliver_line(HEART, "NN11 4AA")), headers=_key()
    )

    assert answer.status_code == 201
    assert nearest["location_id"] == "dc-daventry"
    assert answer.json()["lines"][0]["source_location_id"] == "dc-daventry"


async def test_the_same_key_and_body_return_the_same_order_once(client, engine_app):
    headers = _key()
    body = order_body(collect_line(HEART, "store-0001", 3))

    first = await client.post("/v1/orders", json=body, headers=headers)
    again = await client.post("/v1/orders", json=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert reserved_total(engine_app, HEART) == 3


async def test_the_same_key_with_another_body_is_refused(client, engine_app):
    headers = _key()
    await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001")),
        headers=headers,
    )

    answer = await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001", 2)),
        headers=headers,
    )

    assert answer.status_code == 422
    assert answer.json()["code"] == "idempotency_key_reused"
    assert reserved_total(engine_app, HEART) == 1


async def test_a_missing_key_is_400(client):
    answer = await client.post(
        "/v1/orders", json=order_body(collect_line(HEART, "store-0001"))
    )

    assert answer.status_code == 400
    assert answer.json()["code"] == "idempotency_key_missing"


async def test_a_key_that_is_not_a_uuid_is_422(client):
    answer = await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001")),
        headers={"Idempotency-Key": "order-1"},
    )

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"


async def test_not_enough_stock_anywhere_reserves_nothing(client, engine_app):
    too_many = max_atp_anywhere(engine_app, HEART) + 1
    body = order_body(
        collect_line(HEART, "store-0001", 1), deliver_line(HEART, "NN11", too_many)
    )

    answer = await client.post("/v1/orders", json=body, headers=_key())

    error = answer.json()
    assert answer.status_code == 409
    assert error["code"] == "insufficient_stock"
    assert (error["detail"]["line"], error["detail"]["sku"]) == (1, HEART)
    assert reserved_total(engine_app, HEART) == 0


async def test_collect_at_a_store_without_stock_is_409(client, engine_app):
    sku = sku_missing_at(engine_app, "store-0000")

    answer = await client.post(
        "/v1/orders", json=order_body(collect_line(sku, "store-0000")), headers=_key()
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "insufficient_stock"
    assert answer.json()["detail"]["location_id"] == "store-0000"
    assert reserved_total(engine_app, sku) == 0


async def test_collect_is_never_moved_to_another_store(client, engine_app):
    held = atp_at(engine_app, HEART, "store-0001")

    answer = await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001", held + 1)),
        headers=_key(),
    )

    assert answer.status_code == 409
    assert reserved_total(engine_app, HEART) == 0


async def test_collect_at_a_distribution_centre_is_409(client):
    answer = await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "dc-daventry")),
        headers=_key(),
    )

    assert answer.status_code == 409
    assert answer.json()["code"] == "location_cannot_fulfil"


async def test_unknown_sku_location_or_postcode_in_an_order_is_422(client):
    cases = {
        "unknown_sku": order_body(collect_line("NOSUCH1", "store-0001")),
        "unknown_location": order_body(collect_line(HEART, "store-9999")),
        "unknown_postcode": order_body(deliver_line(HEART, "ZZ99 9ZZ")),
    }
    selling = order_body(collect_line(HEART, "store-0001"), selling="store-9999")

    for code, body in [*cases.items(), ("unknown_location", selling)]:
        answer = await client.post("/v1/orders", json=body, headers=_key())
        assert (answer.status_code, answer.json()["code"]) == (422, code)


async def test_an_invalid_body_is_422_with_a_readable_message(client):
    body = order_body(collect_line(HEART, "store-0001", 0))

    answer = await client.post("/v1/orders", json=body, headers=_key())

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"
    assert "quantity" in answer.json()["message"]


async def test_an_order_can_be_read_back(client):
    headers = _key()
    created = await client.post(
        "/v1/orders", json=order_body(deliver_line(HEART, "CF44 8DL")), headers=headers
    )

    answer = await client.get(f"/v1/orders/{headers['Idempotency-Key']}")

    assert answer.status_code == 200
    assert answer.json() == created.json()


async def test_an_unknown_order_is_404(client):
    answer = await client.get(f"/v1/orders/{uuid.uuid4()}")

    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


async def test_orders_of_a_location_are_sold_or_sourced_there_newest_first(client):
    sold_here = _key()
    sourced_here = _key()
    elsewhere = _key()
    await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001")),
        headers=sold_here,
    )
    await client.post(
        "/v1/orders",
        json=order_body(collect_line(HEART, "store-0001"), selling="store-0002"),
        headers=sourced_here,
    )
    await client.post(
        "/v1/orders",
        json=order_body(deliver_line(HEART, "NN11"), selling="store-0002"),
        headers=elsewhere,
    )

    answer = await client.get("/v1/orders", params={"location": "store-0001"})

    ids = [order["id"] for order in answer.json()["items"]]
    assert ids == [sourced_here["Idempotency-Key"], sold_here["Idempotency-Key"]]
    limited = await client.get("/v1/orders", params={"limit": 1})
    assert [o["id"] for o in limited.json()["items"]] == [elsewhere["Idempotency-Key"]]


def test_a_duplicate_that_loses_the_insert_race_returns_the_stored_order(
    engine_app, monkeypatch
):
    # Given an order already stored under a key...
    engine = engine_app.state.engine
    order_id = uuid.uuid4()
    request = OrderRequest.model_validate(order_body(collect_line(HEART, "store-0001")))
    first = orders.place_order(engine, order_id, request)

    # ...when a second request does not see it at first (as if both ran at once)
    real_stored = orders._stored
    calls = []

    def not_yet_visible(connection, key, digest):
        calls.append(key)
        return None if len(calls) == 1 else real_stored(connection, key, digest)

    monkeypatch.setattr(orders, "_stored", not_yet_visible)
    second = orders.place_order(engine, order_id, request)

    # then the key's constraint stops it and it answers with the stored order.
    assert second.created is False
    assert second.order == first.order
    assert reserved_total(engine_app, HEART) == 1
