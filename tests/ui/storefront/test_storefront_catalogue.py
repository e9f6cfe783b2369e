"""The storefront's catalogue interface over the real catalogue week."""

from __future__ import annotations

import pytest

from pos_app.storefront.catalogue import (
    InMemoryCatalogue,
    StorefrontCatalogue,
    StoreProduct,
)
from pos_app.storefront.render import CATEGORIES


def test_in_memory_catalogue_keeps_the_protocol(catalogue):
    assert isinstance(catalogue, StorefrontCatalogue)


def test_real_catalogue_parser_keeps_only_products(real_products):
    skus = {p.sku for p in real_products}

    assert len(real_products) > 2000
    assert not {"POST", "M", "DOT", "D", "C2", "BANK CHARGES", "AMAZONFEE"} & skus
    assert all(p.price_minor > 0 and p.currency == "GBP" for p in real_products)
    assert all(p.name == p.name.strip() for p in real_products)


@pytest.mark.parametrize(("label", "q"), CATEGORIES)
async def test_every_department_finds_real_products(catalogue, label, q):
    found, total = await catalogue.search(q, limit=5, offset=0)

    assert total >= 5, label
    assert all(any(w.startswith(q) for w in p.name.casefold().split()) for p in found)


async def test_search_matches_word_starts_and_every_word(catalogue):
    lanterns, _ = await catalogue.search("lantern", limit=500, offset=0)
    white, _ = await catalogue.search("WHITE lant", limit=500, offset=0)

    assert {p.sku for p in white} < {p.sku for p in lanterns}
    assert all("white" in p.name.casefold() for p in white)


async def test_search_pages_do_not_overlap(catalogue):
    first, total = await catalogue.search("bag", limit=10, offset=0)
    second, same_total = await catalogue.search("bag", limit=10, offset=10)

    assert total == same_total > 20
    assert not {p.sku for p in first} & {p.sku for p in second}


async def test_product_by_sku_and_featured_order(catalogue, real_products):
    assert await catalogue.product(real_products[3].sku) == real_products[3]
    assert await catalogue.product("NOSUCH") is None
    assert await catalogue.featured(3) == real_products[:3]


async def test_search_by_sku_ignores_case(catalogue):
    # The real week sells both "85123A" and "85123a", at different prices.
    found, total = await catalogue.search("85123a", limit=5, offset=0)

    assert total == 2
    assert {p.sku for p in found} == {"85123A", "85123a"}


def test_a_sku_listed_twice_is_refused():
    product = StoreProduct("22423", "REGENCY CAKESTAND 3 TIER", 1275, "GBP")

    with pytest.raises(ValueError, match="twice"):
        InMemoryCatalogue([product, product])


@pytest.mark.parametrize(
    "changes",
    [
        {"price_minor": 12.75},
        {"price_minor": True},
        {"price_minor": -1},
        {"currency": "gbp"},
        {"sku": "../etc"},
        {"sku": ""},
        {"name": "  "},
        {"gtin": "12345"},
    ],
)
def test_store_product_refuses_bad_values(changes):
    values = {"sku": "22423", "name": "CAKESTAND", "price_minor": 1275}
    values |= {"currency": "GBP"} | changes

    with pytest.raises(ValueError):
        StoreProduct(**values)
