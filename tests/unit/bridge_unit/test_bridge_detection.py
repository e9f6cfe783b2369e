"""Parsing the detector's answer: prices, currencies, untrusted values."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bridge.currency import currency_from_text, exponent_of
from bridge.detection import (
    decimal_price,
    minor_units,
    normalise_availability,
    parse_detection,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("19.50", "19.50"),
        ("19,50", "19.50"),
        ("1,299.00", "1299.00"),
        ("1.299,00 €", "1299.00"),
        ("1 759,99", "1759.99"),
        ("1\u00a0759,99 ₽", "1759.99"),
        ("23,450", "23450"),
        ("£450", "450"),
        ("1.234.567", "1234567"),
        ("US$ 87.11", "87.11"),
        ("449", "449"),
    ],
)
def test_price_texts_become_decimals(text, value):
    assert decimal_price(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "free", "-", "call us", "9" * 40])
def test_texts_without_a_price_give_none(text):
    assert decimal_price(text) is None


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("19.99", "GBP", 1999),
        ("450", "GBP", 45000),
        ("1500", "JPY", 1500),
        ("1.250", "KWD", 1250),
        ("12.5", "EUR", 1250),
        ("19.999", "EUR", None),
        ("1.5", "JPY", None),
    ],
)
def test_prices_use_the_currency_exponent(text, currency, minor):
    assert minor_units(text, currency) == minor


def test_symbols_name_a_currency_only_when_unambiguous():
    assert currency_from_text("€") == "EUR"
    assert currency_from_text("£") is None
    assert currency_from_text("$") is None
    assert currency_from_text("¥") is None
    assert currency_from_text("R$") == "BRL"
    assert currency_from_text("usd") == "USD"
    assert currency_from_text("XYZ") is None
    assert exponent_of("JPY") == 0
    assert exponent_of("KWD") == 3


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("http://schema.org/InStock", "InStock"),
        ("https://schema.org/OutOfStock", "OutOfStock"),
        ("schema:PreOrder", None),
        ("PreOrder", "PreOrder"),
        ("in stock", "InStock"),
        ("soldout", "SoldOut"),
        ("maybe", None),
        (None, None),
    ],
)
def test_availability_is_normalised(text, value):
    assert normalise_availability(text) == value


def _answer(**fields) -> str:
    return json.dumps({"found": True, "sources": ["jsonld"], **fields})


def test_a_full_answer_is_read():
    product = parse_detection(
        _answer(
            name="  MÖCKELBY   table ",
            sku="002.937.72",
            gtin="4054278533728",
            price="450",
            currency="GBP",
            availability="InStock",
            offers_count=1,
        )
    )

    assert product is not None
    assert product.name == "MÖCKELBY table"
    assert product.sku == "002.937.72"
    assert product.gtin == "4054278533728"
    assert product.price == 45000
    assert product.currency == "GBP"
    assert product.availability == "InStock"
    assert product.sources == ("jsonld",)


def test_a_currency_symbol_in_the_price_is_used_when_unambiguous():
    product = parse_detection(_answer(price="1.299,00 €"))

    assert product is not None
    assert (product.price, product.currency) == (129900, "EUR")


def test_without_a_known_currency_the_price_stays_text():
    product = parse_detection(_answer(price="$87.11"))

    assert product is not None
    assert product.price is None
    assert product.price_text == "$87.11"


@pytest.mark.parametrize(
    "answer",
    [
        None,
        42,
        "not json",
        "[]",
        json.dumps({"found": False}),
        json.dumps({"found": "yes"}),
        "x" * 100_000,
    ],
)
def test_no_product_or_garbage_gives_none(answer):
    assert parse_detection(answer) is None


def test_bad_values_from_the_page_are_dropped_not_fatal():
    product = parse_detection(
        json.dumps(
            {
                "found": True,
                "name": "n" * 5000,
                "sku": "<img src=x onerror=alert(1)>",
                "gtin": "12345",
                "price": "-5",
                "currency": "DOGE",
                "availability": "whenever",
                "offers_count": -3,
                "sources": ["jsonld", "evil"],
            }
        )
    )

    assert product is not None
    assert len(product.name) == 300
    assert product.sku is None
    assert product.gtin is None
    assert product.price is None
    assert product.currency is None
    assert product.availability is None
    assert product.offers_count == 0
    assert product.sources == ("jsonld",)
