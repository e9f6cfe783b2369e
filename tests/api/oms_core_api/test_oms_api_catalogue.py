"""Products, locations and stock over HTTP."""

from __future__ import annotations

import pytest

from oms_core.gtin import is_valid_gtin
from tests.api.oms_core_api.helpers import atp_at, sku_missing_at


async def test_search_finds_products_by_name(client):
    answer = await client.get("/v1/products", params={"q": "hanging heart", "limit": 5})

    assert answer.status_code == 200
    items = answer.json()["items"]
    assert 0 < len(items) <= 5
    assert all("HANGING HEART" in item["name"] for item in items)


async def test_search_finds_products_by_sku_and_gtin(client):
    heart = (await client.get("/v1/products/85123A")).json()

    by_sku = (await client.get("/v1/products", params={"q": "85123a"})).json()
    by_gtin = (await client.get("/v1/products", params={"q": heart["gtin"]})).json()

    assert heart["sku"] in {item["sku"] for item in by_sku["items"]}
    assert [item["sku"] for item in by_gtin["items"]] == ["85123A"]


async def test_search_treats_like_wildcards_as_text(client):
    answer = await client.get("/v1/products", params={"q": "%_%"})

    assert answer.status_code == 200
    assert answer.json()["items"] == []


@pytest.mark.parametrize("limit", [0, 101, "many"])
async def test_search_limit_is_checked(client, limit):
    answer = await client.get("/v1/products", params={"limit": limit})

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"
    assert "limit" in answer.json()["message"]


async def test_a_product_has_a_price_in_pence_and_an_in_store_gtin(client):
    answer = await client.get("/v1/products/85123A")

    product = answer.json()
    assert answer.status_code == 200
    assert product["name"] == "WHITE HANGING HEART T-LIGHT HOLDER"
    assert product["price"]["currency"] == "GBP"
    assert isinstance(product["price"]["amount"], int)
    assert product["gtin"].startswith("2") and is_valid_gtin(product["gtin"])


async def test_an_unknown_sku_is_404(client):
    answer = await client.get("/v1/products/NOSUCH1")

    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_sku"


async def test_a_malformed_sku_is_422(client):
    answer = await client.get("/v1/products/-bad")

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"


async def test_locations_list_stores_and_distribution_centres(client):
    items = (await client.get("/v1/locations")).json()["items"]

    kinds = {item["kind"] for item in items}
    assert kinds == {"store", "distribution_centre"}
    assert {"dc-daventry", "dc-doncaster", "dc-avonmouth", "dc-livingston"} <= {
        item["id"] for item in items
    }
    assert not any("tesco" in item["name"].lower() for item in items)


async def test_a_location_by_id(client):
    store = (await client.get("/v1/locations/store-0001")).json()

    assert store["name"] == "Aberdare Superstore"
    assert (store["kind"], store["size_class"], store["postcode"]) == (
        "store",
        2,
        "CF44 8DL",
    )
    assert store["timezone"] == "Europe/London"


async def test_an_unknown_location_is_404(client):
    answer = await client.get("/v1/locations/store-9999")

    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_location"


async def test_stock_at_one_location(client, engine_app):
    answer = await client.get("/v1/stock/85123A", params={"location": "store-0001"})

    items = answer.json()["items"]
    assert answer.status_code == 200
    assert len(items) == 1
    assert items[0]["location_id"] == "store-0001"
    assert items[0]["atp"] == atp_at(engine_app, "85123A", "store-0001") > 0
    assert items[0]["confirmed_at"].endswith("Z")


async def test_stock_at_a_location_holding_none_is_zero(client, engine_app):
    sku = sku_missing_at(engine_app, "store-0000")

    answer = await client.get(f"/v1/stock/{sku}", params={"location": "store-0000"})

    assert answer.json()["items"][0]["atp"] == 0


async def test_stock_of_an_unknown_location_is_404(client):
    answer = await client.get("/v1/stock/85123A", params={"location": "store-9999"})

    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_location"


async def test_stock_without_a_location_lists_every_holder(client):
    items = (await client.get("/v1/stock/85123A")).json()["items"]

    ids = [item["location_id"] for item in items]
    assert "dc-daventry" in ids and "store-0001" in ids
    assert ids == sorted(ids)
    assert all(item["atp"] > 0 for item in items)
