"""Cached catalogue and stock: the last snapshot, with its age."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from offline_store import DeviceStore, InvalidInputError
from tests.unit.offline_store_unit.fakes import FakeClock
from tests.unit.offline_store_unit.real_data import real_basket


def product_dicts(shared_data: Path, invoice: str) -> list[dict[str, object]]:
    return [
        {
            "sku": line.sku,
            "name": line.name,
            "price": {"amount": line.unit_price, "currency": "GBP"},
            "gtin": None,
        }
        for line in real_basket(shared_data, invoice)
    ]


def test_products_are_cached_and_refreshed(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    products = product_dicts(shared_data, "536365")
    store.cache_products(products, clock())
    renamed = {**products[0], "name": "WHITE HANGING HEART T-LIGHT HOLDER (NEW)"}

    store.cache_products([renamed], clock.advance(60))

    assert store.cached_product("71053") == products[1]
    assert store.cached_product("85123A") == renamed
    assert store.cached_product("22633") is None


def test_cached_search_matches_name_or_sku_without_wildcards(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    store.cache_products(product_dicts(shared_data, "536365"), clock())
    store.cache_products(product_dicts(shared_data, "536366"), clock())

    hearts = store.search_cached_products("heart", 10)
    by_sku = store.search_cached_products("8402", 10)
    wildcard = store.search_cached_products("%", 10)
    limited = store.search_cached_products("", 3)

    assert {p["sku"] for p in hearts} == {"85123A", "84406B", "84029E"}
    assert {p["sku"] for p in by_sku} == {"84029G", "84029E"}
    assert wildcard == []
    assert len(limited) == 3


def test_stock_snapshots_keep_their_fetch_time_per_scope(
    store: DeviceStore, clock: FakeClock
) -> None:
    here = [{"location_id": "store-0001", "atp": 4}]
    near = [{"location_id": "store-0002", "atp": 9, "distance_km": 3.2}]
    store.cache_stock("85123A", "here:store-0001", here, clock())
    fetched = clock()
    store.cache_stock("85123A", "near:LS1", near, clock.advance(30))
    store.cache_stock("85123A", "here:store-0001", [], clock.advance(30))

    assert store.cached_stock("85123A", "near:LS1") == (
        near,
        fetched + timedelta(seconds=30),
    )
    assert store.cached_stock("85123A", "here:store-0001") == ([], clock())
    assert store.cached_stock("71053", "near:LS1") is None


@pytest.mark.parametrize(
    "call",
    [
        lambda s, now: s.cache_products([{"sku": "85123A"}], now),
        lambda s, now: s.cache_products([{"sku": "a b", "name": "x"}], now),
        lambda s, now: s.cache_products(["85123A"], now),
        lambda s, now: s.cache_products(
            [{"sku": "A", "name": "x"}], now.replace(tzinfo=None)
        ),
        lambda s, now: s.cache_stock("85123A", "'; drop table x", [], now),
        lambda s, now: s.cache_stock("85123A", "here:s1", {"atp": 1}, now),
        lambda s, now: s.cache_stock("85123A", "here:s1", [{"atp": float("nan")}], now),
        lambda s, now: s.search_cached_products("x", 0),
        lambda s, now: s.search_cached_products("x" * 101, 5),
    ],
)
def test_bad_cache_input_is_refused(store: DeviceStore, clock: FakeClock, call) -> None:
    with pytest.raises(InvalidInputError):
        call(store, clock())
