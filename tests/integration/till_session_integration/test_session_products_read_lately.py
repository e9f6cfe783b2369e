"""An add answers from a product read moments ago, not from another round trip."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from offline_store import AsyncDeviceStore
from oms_client import OmsClient
from pos_app import session as session_module
from pos_app.session import TillSession
from pos_app.shop_catalogue import EngineCatalogue


@pytest.fixture
async def till_session(engine_app, tmp_path):
    client = OmsClient.in_process(engine_app)
    store = await AsyncDeviceStore.open(tmp_path / "device.sqlite3")
    home = await client.get_location("store-0001")
    yield TillSession(store, client, home), store, engine_app
    await client.aclose()
    await store.aclose()


def _product_reads(caplog: pytest.LogCaptureFixture, sku: str) -> int:
    return sum(f"/v1/products/{sku} " in r.getMessage() for r in caplog.records)


async def test_adds_of_a_product_just_read_do_not_ask_the_engine_again(
    till_session, caplog
):
    session, store, _ = till_session
    caplog.set_level(logging.DEBUG, logger="oms_client.client")

    # When the same product is added three times.
    for _ in range(3):
        basket = await session.add_to_basket("85123A", 1)

    # Then the engine was asked once, the basket holds all three, durably.
    assert _product_reads(caplog, "85123A") == 1
    assert basket.item_count == 3
    assert (await store.current_basket()).item_count == 3
    assert await store.cached_product("85123A") is not None


async def test_a_product_read_long_ago_is_read_again_with_its_new_price(
    till_session, caplog, monkeypatch
):
    # Given a product read, then repriced in the engine.
    session, _, engine_app = till_session
    caplog.set_level(logging.DEBUG, logger="oms_client.client")
    first = await session.find_product("85123A")
    with engine_app.state.engine.begin() as connection:
        connection.execute(
            text("UPDATE products SET price_minor = price_minor + 100 WHERE sku = :s"),
            {"s": "85123A"},
        )

    # While it is fresh, the price read stands.
    assert (await session.find_product("85123A")).price == first.price

    # Once its time is over, the engine is asked again and the new price shows.
    monkeypatch.setattr(session_module, "PRODUCT_MEMO_SECONDS", 0.0)
    again = await session.find_product("85123A")
    assert again.price.amount == first.price.amount + 100
    assert _product_reads(caplog, "85123A") == 2


async def test_what_the_storefront_shows_is_added_without_a_round_trip(
    till_session, caplog
):
    # Given the storefront showing a search's products to the page.
    session, store, _ = till_session
    catalogue = EngineCatalogue(session._client, store, seen=session.remember_products)
    shown, _ = await catalogue.search("heart", limit=5, offset=0)
    caplog.set_level(logging.DEBUG, logger="oms_client.client")

    # When the page adds one of them.
    await session.add_to_basket(shown[0].sku, 1)

    # Then no product was read again from the engine.
    assert _product_reads(caplog, shown[0].sku) == 0
