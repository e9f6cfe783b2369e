"""Typed calls: paths, parameters, list shapes, order creation, logging."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import httpx
import pytest

from oms_client import OmsClient, OmsProtocolError, OmsServerError, OmsUnreachable
from oms_client.models import (
    CollectFulfilment,
    Location,
    OrderLineRequest,
    OrderRequest,
    Product,
)
from tests.unit.offline_store_unit.real_data import real_basket
from tests.unit.oms_client_unit.mock_engine import (
    ScriptedEngine,
    api_error,
    client_for,
    json_answer,
)

LEAVESDEN = {
    "id": "store-0000",
    "name": "Leavesden Green Express",
    "kind": "store",
    "lat": 51.7009691,
    "lon": -0.4034211,
    "postcode": "WD5 0BT",
    "size_class": 1,
    "timezone": "Europe/London",
}


def products_of(shared_data: Path, invoice: str) -> list[dict[str, object]]:
    return [
        {
            "sku": line.sku,
            "name": line.name,
            "price": {"amount": line.unit_price, "currency": "GBP"},
            "gtin": None,
        }
        for line in real_basket(shared_data, invoice)
    ]


def order_answer(order_id: uuid.UUID, request: OrderRequest) -> dict[str, object]:
    line = request.lines[0]
    return {
        "id": str(order_id),
        "status": "created",
        "selling_location_id": request.selling_location_id,
        "lines": [
            {
                "sku": line.sku,
                "name": "WHITE HANGING HEART T-LIGHT HOLDER",
                "quantity": line.quantity,
                "unit_price": {"amount": 255, "currency": "GBP"},
                "line_total": {"amount": 255 * line.quantity, "currency": "GBP"},
                "fulfilment": line.fulfilment.model_dump(mode="json"),
                "source_location_id": "store-0000",
            }
        ],
        "total": {"amount": 255 * line.quantity, "currency": "GBP"},
        "created_at": "2010-12-01T08:26:00Z",
    }


def collect_request(quantity: int = 6) -> OrderRequest:
    return OrderRequest(
        selling_location_id="store-0000",
        lines=[
            OrderLineRequest(
                sku="85123A",
                quantity=quantity,
                fulfilment=CollectFulfilment(location_id="store-0000"),
            )
        ],
    )


@pytest.mark.parametrize("shape", ["array", "page"])
async def test_lists_come_as_arrays_or_pages(shape: str, shared_data: Path) -> None:
    products = products_of(shared_data, "536365")
    body = products if shape == "array" else {"items": products}
    engine = ScriptedEngine(json_answer(body))

    async with client_for(engine) as client:
        found = await client.search_products("heart", limit=7)

    assert [p.sku for p in found] == [p["sku"] for p in products]
    assert all(isinstance(p, Product) for p in found)
    assert found[0].price.amount == 255
    request = engine.requests[0]
    assert request.method == "GET"
    assert request.url.path == "/v1/products"
    assert dict(request.url.params) == {"q": "heart", "limit": "7"}


@pytest.mark.parametrize(
    "body",
    [{"products": []}, "not a list", [{"sku": "85123A"}], {"items": {"sku": 1}}],
)
async def test_a_list_answer_that_breaks_the_contract_is_refused(
    body: object,
) -> None:
    engine = ScriptedEngine(json_answer(body))

    async with client_for(engine) as client:
        with pytest.raises(OmsProtocolError):
            await client.search_products("heart")


async def test_a_body_that_is_not_json_is_refused() -> None:
    engine = ScriptedEngine(httpx.Response(200, text="<html>"))

    async with client_for(engine) as client:
        with pytest.raises(OmsProtocolError, match="not JSON"):
            await client.list_locations()


async def test_locations_and_stock_calls_use_their_paths() -> None:
    level = {
        "location_id": "store-0000",
        "name": "Leavesden Green Express",
        "kind": "store",
        "distance_km": 1.5,
        "atp": 4,
        "confirmed_at": None,
    }
    engine = ScriptedEngine(
        json_answer({"items": [LEAVESDEN]}),
        json_answer(LEAVESDEN),
        json_answer({"items": [level]}),
        json_answer({"items": [level]}),
        json_answer([level]),
    )

    async with client_for(engine) as client:
        locations = await client.list_locations()
        one = await client.get_location("store-0000")
        here = await client.stock_at("85123A", "store-0000")
        near_point = await client.stock_nearby("85123A", lat=51.7, lon=-0.4, limit=5)
        near_postcode = await client.stock_nearby("85123A", postcode="wd5 0bt")

    assert locations == [Location.model_validate(LEAVESDEN)] == [one]
    assert here[0].atp == near_point[0].atp == near_postcode[0].atp == 4
    seen = [(r.url.path, dict(r.url.params)) for r in engine.requests]
    assert seen == [
        ("/v1/locations", {}),
        ("/v1/locations/store-0000", {}),
        ("/v1/stock/85123A", {"location": "store-0000"}),
        ("/v1/stock/85123A/nearby", {"limit": "5", "lat": "51.7", "lon": "-0.4"}),
        ("/v1/stock/85123A/nearby", {"limit": "10", "postcode": "WD5 0BT"}),
    ]


async def test_create_order_sends_the_id_as_idempotency_key() -> None:
    order_id = uuid.uuid4()
    request = collect_request()
    engine = ScriptedEngine(json_answer(order_answer(order_id, request), 201))

    async with client_for(engine) as client:
        order = await client.create_order(order_id, request)

    sent = engine.requests[0]
    assert sent.method == "POST"
    assert sent.url.path == "/v1/orders"
    assert sent.headers["Idempotency-Key"] == str(order_id)
    assert json.loads(sent.content) == request.model_dump(mode="json")
    assert order.id == order_id
    assert order.total.amount == 6 * 255


async def test_an_answer_for_another_order_is_refused() -> None:
    request = collect_request()
    engine = ScriptedEngine(json_answer(order_answer(uuid.uuid4(), request), 201))

    async with client_for(engine) as client:
        with pytest.raises(OmsProtocolError, match="another id"):
            await client.create_order(uuid.uuid4(), request)


async def test_orders_are_read_by_id_and_by_location() -> None:
    order_id = uuid.uuid4()
    answer = order_answer(order_id, collect_request())
    engine = ScriptedEngine(json_answer(answer), json_answer({"items": [answer]}))

    async with client_for(engine) as client:
        one = await client.get_order(order_id)
        listed = await client.list_orders("store-0000")

    assert listed == [one]
    assert engine.requests[0].url.path == f"/v1/orders/{order_id}"
    assert engine.requests[1].url.params["location"] == "store-0000"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_product("../admin"),
        lambda c: c.get_product("85123A?x=1"),
        lambda c: c.get_location("Store 1"),
        lambda c: c.search_products("x" * 101),
        lambda c: c.search_products("heart", limit=0),
        lambda c: c.stock_nearby("85123A"),
        lambda c: c.stock_nearby("85123A", lat=51.7),
        lambda c: c.stock_nearby("85123A", lat=95.0, lon=0.0),
        lambda c: c.stock_nearby("85123A", lat=float("nan"), lon=0.0),
        lambda c: c.stock_nearby("85123A", postcode="not a postcode"),
        lambda c: c.stock_nearby("85123A", postcode="LS1", lat=1.0, lon=1.0),
        lambda c: c.stock_nearby("85123A", lat=51.7, lon=-0.4, limit=51),
        lambda c: c.get_order("1234"),
        lambda c: c.create_order(uuid.uuid4(), {"lines": []}),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(call) -> None:
    engine = ScriptedEngine(json_answer({}))

    async with client_for(engine) as client:
        with pytest.raises(ValueError):
            await call(client)

    assert engine.requests == []


async def test_the_device_token_is_sent_as_a_bearer_token() -> None:
    engine = ScriptedEngine(json_answer({"items": []}))

    async with client_for(engine, token="dev-tok.123") as client:
        await client.list_locations()

    assert engine.requests[0].headers["Authorization"] == "Bearer dev-tok.123"


@pytest.mark.parametrize(
    ("url", "token", "message"),
    [
        ("http://192.0.2.10:8000", "secret", "plain HTTP"),
        ("ftp://127.0.0.1", None, "http"),
        ("127.0.0.1:8000", None, "http"),
        ("http://127.0.0.1", "two words", "printable"),
        ("http://127.0.0.1", "line\nbreak", "printable"),
    ],
)
def test_remote_refuses_unsafe_settings(
    url: str, token: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        OmsClient.remote(url, token=token)


async def test_remote_accepts_a_token_over_http_on_this_machine() -> None:
    engine = ScriptedEngine(json_answer({"items": []}))
    client = OmsClient.remote(
        "http://localhost:8765", token="tok", transport=httpx.MockTransport(engine)
    )

    await client.list_locations()
    await client.aclose()

    assert str(engine.requests[0].url) == "http://localhost:8765/v1/locations"


async def test_one_debug_line_per_request_without_bodies_or_queries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = ScriptedEngine(json_answer({"items": []}))

    with caplog.at_level(logging.DEBUG, logger="oms_client"):
        async with client_for(engine) as client:
            await client.stock_nearby("85123A", postcode="LS1 4AP")

    lines = [r for r in caplog.records if r.name == "oms_client.client"]
    assert len(lines) == 1
    assert lines[0].levelno == logging.DEBUG
    text = lines[0].getMessage()
    assert text.startswith("GET /v1/stock/85123A/nearby -> 200 in ")
    assert text.endswith(" ms")
    assert "LS1" not in text


async def test_in_process_reaches_an_asgi_app_and_engine_crashes_are_500s() -> None:
    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/v1/locations":
            body = json.dumps({"items": [LEAVESDEN]}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        raise RuntimeError("engine bug")

    async with OmsClient.in_process(app) as client:
        locations = await client.list_locations()
        with pytest.raises(OmsServerError) as caught:
            await client.get_location("store-0000")

    assert locations[0].id == "store-0000"
    assert caught.value.status == 500


async def test_unreachable_lists_stay_unreachable_after_retries() -> None:
    engine = ScriptedEngine(api_error(503, "internal", "down"))

    async with client_for(engine) as client:
        with pytest.raises(OmsUnreachable):
            await client.list_locations()

    assert len(engine.requests) == 3
