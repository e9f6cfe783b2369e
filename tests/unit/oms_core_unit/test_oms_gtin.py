"""In-store GTINs: GS1 prefix 2, correct check digit, one per SKU."""

from __future__ import annotations

import pytest

from oms_core import gtin


@pytest.mark.parametrize(
    "code", ["4006381333931", "9780306406157", "73513537", "012345678905"]
)
def test_known_barcodes_have_valid_check_digits(code):
    assert gtin.is_valid_gtin(code)


def test_a_wrong_check_digit_is_refused():
    assert not gtin.is_valid_gtin("4006381333932")
    assert not gtin.is_valid_gtin("40063813339A1")


def test_in_store_gtins_are_ean13_with_prefix_2():
    code = gtin.in_store_gtin("85123A")

    assert len(code) == 13
    assert code.startswith("2")
    assert gtin.is_valid_gtin(code)


def test_the_gtin_of_a_sku_never_changes():
    assert gtin.in_store_gtin("85123A") == gtin.in_store_gtin("85123A")
    assert gtin.in_store_gtin("85123A") != gtin.in_store_gtin("85123B")


def test_assign_gives_distinct_codes_in_a_stable_way():
    skus = [f"{n:05d}" for n in range(5000)]

    first = gtin.assign_gtins(skus)
    again = gtin.assign_gtins(list(reversed(skus)))

    assert first == again
    assert len(set(first.values())) == len(skus)
