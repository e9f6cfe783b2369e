"""Catalogue import on the real week file: what is kept, what is skipped."""

from __future__ import annotations

from collections import Counter

import pytest

from oms_core import datasets
from oms_core.catalogue import CatalogueBuilder, SkipReason, is_product_code
from oms_core.gtin import is_valid_gtin


@pytest.fixture(scope="module")
def week_lines(shared_data):
    return list(datasets.read_sales_lines(shared_data / datasets.WEEK_FILE))


def _build(lines):
    builder = CatalogueBuilder()
    builder.add(lines, rank=0, counts_sales=True)
    return builder.build()


def test_skipped_lines_are_counted_per_reason(week_lines):
    result = _build(week_lines)

    assert dict(result.skipped) == {
        SkipReason.CANCELLATION: 174,
        SkipReason.NON_PRODUCT: 52,
        SkipReason.QUANTITY_NOT_POSITIVE: 45,
        SkipReason.PRICE_NOT_POSITIVE: 79,
    }
    assert result.kept_lines + sum(result.skipped.values()) == 14553


def test_cancelled_lines_feed_no_product(week_lines):
    kept_skus = {
        line.stock_code.upper()
        for line in week_lines
        if not line.invoice.startswith("C") and line.quantity > 0
    }
    cancelled_only = {
        line.stock_code.upper() for line in week_lines if line.invoice.startswith("C")
    } - kept_skus

    result = _build(week_lines)
    skus = {product.sku for product in result.products}

    assert cancelled_only, "the week file has SKUs seen only on cancellations"
    assert not skus & cancelled_only


def test_charges_and_fees_are_not_products(week_lines):
    skus = {product.sku for product in _build(week_lines).products}

    for code in ("POST", "D", "M", "C2", "BANK CHARGES", "AMAZONFEE", "S", "DOT"):
        assert code not in skus
    assert all(is_product_code(sku) for sku in skus)


@pytest.mark.parametrize(
    ("code", "product"),
    [
        ("85123A", True),
        ("15056bl", True),
        ("22632", True),
        ("POST", False),
        ("CRUK", False),
        ("PADS", False),
        ("B", False),
        ("gift_0001_10", False),
        ("DCGS0003", False),
    ],
)
def test_product_codes_are_recognised_by_rule(code, product):
    assert is_product_code(code) is product


def test_a_sku_with_two_descriptions_gets_the_most_frequent(week_lines):
    names = Counter(
        " ".join(line.description.split())
        for line in week_lines
        if line.stock_code == "22632" and line.unit_price not in ("0", "0.0")
    )
    assert len(names) == 2

    forward = {p.sku: p for p in _build(week_lines).products}
    backward = {p.sku: p for p in _build(list(reversed(week_lines))).products}

    assert forward["22632"].name == names.most_common(1)[0][0]
    assert forward == backward


def test_products_are_trimmed_priced_in_pence_and_barcoded(week_lines):
    products = {p.sku: p for p in _build(week_lines).products}
    heart = products["85123A"]

    assert heart.name == "WHITE HANGING HEART T-LIGHT HOLDER"
    assert heart.currency == "GBP"
    assert isinstance(heart.price_minor, int)
    assert all(
        p.name == p.name.strip() and "  " not in p.name for p in products.values()
    )
    assert all(p.price_minor > 0 for p in products.values())
    assert all(
        p.gtin.startswith("2") and is_valid_gtin(p.gtin) for p in products.values()
    )


def test_the_latest_line_sets_the_price(week_lines):
    lines = [line for line in week_lines if line.stock_code == "85123A"]
    kept = [line for line in lines if not line.invoice.startswith("C")]
    latest = max(kept, key=lambda line: (line.invoiced_at, line.line_no))

    products = {p.sku: p for p in _build(lines).products}

    assert products["85123A"].price_minor == round(float(latest.unit_price) * 100)
