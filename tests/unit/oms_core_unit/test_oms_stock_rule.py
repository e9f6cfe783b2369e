"""The seeded stock rule: deterministic, and shaped by store size and sales."""

from __future__ import annotations

import hashlib

import pytest

from oms_core import stock_rule
from oms_core.api_models import LocationKind
from oms_core.locations import LocationRecord


def _store(index: int, size: int) -> LocationRecord:
    return LocationRecord(
        f"store-{index:04d}",
        f"Store {index}",
        LocationKind.STORE,
        51.5,
        -0.1,
        None,
        size,
    )


def _dc() -> LocationRecord:
    return LocationRecord(
        "dc-daventry",
        "Daventry",
        LocationKind.DISTRIBUTION_CENTRE,
        52.2,
        -1.2,
        None,
        None,
    )


# A sales curve shaped like the real one: a few fast sellers, a long tail.
UNITS_SOLD = {f"{n:05d}": max(1, 50_000 // (n + 1)) for n in range(1000)}


def test_jitter_is_a_stable_hash_not_python_hash():
    digest = hashlib.blake2b(b"85123A|store-0001", digest_size=16).digest()
    expected = int.from_bytes(digest[:8], "big") / 2**64

    u_range, u_qty = stock_rule.jitter("85123A", "store-0001")

    assert u_range == expected
    assert 0 <= u_qty < 1
    assert stock_rule.jitter("85123A", "store-0002") != (u_range, u_qty)


def test_the_seeded_stock_is_the_same_on_every_run():
    places = [_store(i, 1 + i % 3) for i in range(30)] + [_dc()]

    first = list(stock_rule.seeded_stock(UNITS_SOLD, places))
    again = list(stock_rule.seeded_stock(UNITS_SOLD, reversed(places)))

    assert sorted(first, key=lambda r: (r.location_id, r.sku)) == sorted(
        again, key=lambda r: (r.location_id, r.sku)
    )
    assert all(row.on_hand > 0 for row in first)


@pytest.mark.parametrize("u", [0.0, 0.3, 0.7, 0.99])
def test_bigger_stores_hold_at_least_as_much(u):
    for rank in (0.0, 0.02, 0.1, 0.3, 0.5):
        held = [stock_rule.store_on_hand(5000, rank, size, u, u) for size in (1, 2, 3)]
        assert held == sorted(held)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_faster_sellers_are_held_in_at_least_the_same_amount(size):
    ranks = stock_rule.sales_ranks(UNITS_SOLD)
    # Slowest first; the rank orders SKUs of equal sales by SKU.
    by_sales = sorted(UNITS_SOLD, key=lambda sku: -ranks[sku])

    held = [
        stock_rule.store_on_hand(UNITS_SOLD[sku], ranks[sku], size, 0.5, 0.5)
        for sku in by_sales
    ]

    assert held == sorted(held)


def test_small_stores_carry_only_fast_sellers():
    places = [_store(i, 1) for i in range(50)]
    ranks = stock_rule.sales_ranks(UNITS_SOLD)

    rows = list(stock_rule.seeded_stock(UNITS_SOLD, places))

    assert rows
    assert max(ranks[row.sku] for row in rows) < stock_rule.RANGE_SHARE[1] * 1.5


def test_most_stores_hold_none_of_a_slow_seller():
    places = [_store(i, 1 + i % 3) for i in range(90)]
    slow = max(UNITS_SOLD, key=lambda sku: stock_rule.sales_ranks(UNITS_SOLD)[sku])

    holding = {
        row.location_id
        for row in stock_rule.seeded_stock(UNITS_SOLD, places)
        if row.sku == slow
    }

    assert len(holding) < len(places) // 2


def test_distribution_centres_hold_weeks_of_national_demand():
    rows = {row.sku: row for row in stock_rule.seeded_stock(UNITS_SOLD, [_dc()])}

    assert set(rows) == set(UNITS_SOLD)
    for sku, sold in UNITS_SOLD.items():
        weekly = sold / stock_rule.SALES_WEEKS
        assert rows[sku].on_hand >= weekly * 1.5
        assert rows[sku].buffer == stock_rule.DC_BUFFER == 0


def test_stores_keep_a_small_buffer():
    rows = list(stock_rule.seeded_stock(UNITS_SOLD, [_store(1, 3)]))

    assert {row.buffer for row in rows} == {stock_rule.STORE_BUFFER}
    assert all(row.on_hand >= stock_rule.STORE_MIN_UNITS for row in rows)


def test_rows_come_in_key_order_with_the_pair_hash_as_their_draw():
    places = [_store(i, 1 + i % 3) for i in reversed(range(20))] + [_dc()]

    rows = list(stock_rule.seeded_rows(UNITS_SOLD, places))

    keys = [(sku, location_id) for sku, location_id, *_ in rows]
    assert keys == sorted(keys)
    for sku, location_id, on_hand, _buffer, draw in rows[:: len(rows) // 40]:
        assert draw == stock_rule.pair_hash(sku, location_id)
        assert stock_rule.jitter(sku, location_id) == (
            (draw >> 64) / 2**64,
            (draw & (2**64 - 1)) / 2**64,
        )
        assert on_hand > 0


def test_a_store_holds_what_the_rule_says_for_its_jitter():
    place = _store(7, 2)
    ranks = stock_rule.sales_ranks(UNITS_SOLD)

    held = {
        row.sku: row.on_hand for row in stock_rule.seeded_stock(UNITS_SOLD, [place])
    }

    for sku, sold in UNITS_SOLD.items():
        u_range, u_qty = stock_rule.jitter(sku, place.id)
        expected = stock_rule.store_on_hand(sold, ranks[sku], 2, u_range, u_qty)
        assert held.get(sku, 0) == expected
