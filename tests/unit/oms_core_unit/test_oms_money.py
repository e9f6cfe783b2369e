"""Money: decimal text to minor units, sums in one currency, formatting."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_core import money


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("2.55", "GBP", 255),
        ("0.01", "GBP", 1),
        ("10", "GBP", 1000),
        (" 3.5 ", "EUR", 350),
        ("1500", "JPY", 1500),
        ("1.234", "BHD", 1234),
        ("-4.20", "GBP", -420),
    ],
)
def test_parse_minor_uses_the_currency_exponent(text, currency, minor):
    assert money.parse_minor(text, currency) == minor


def test_parse_minor_refuses_extra_precision_unless_asked_to_round():
    with pytest.raises(money.MoneyError, match="decimal places"):
        money.parse_minor("0.001", "GBP")

    assert money.parse_minor("0.005", "GBP", round_half_up=True) == 1
    assert money.parse_minor("0.004", "GBP", round_half_up=True) == 0


@pytest.mark.parametrize("text", ["", "abc", "NaN", "Infinity", "1,50"])
def test_parse_minor_refuses_what_is_not_an_amount(text):
    with pytest.raises(money.MoneyError):
        money.parse_minor(text, "GBP")


@pytest.mark.parametrize("currency", ["gbp", "GB", "POUND", "€UR"])
def test_currency_codes_are_three_capital_letters(currency):
    with pytest.raises(money.MoneyError):
        money.exponent(currency)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_and_parse_round_trip(minor):
    text, currency = money.format_minor(minor, "GBP").split(" ")

    assert currency == "GBP"
    assert money.parse_minor(text, "GBP") == minor


def test_sum_adds_amounts_of_one_currency():
    amounts = [money.Amount(255, "GBP"), money.Amount(45, "GBP")]

    assert money.sum_amounts(amounts, "GBP") == money.Amount(300, "GBP")
    assert money.sum_amounts([], "GBP") == money.Amount(0, "GBP")


def test_sum_refuses_a_second_currency():
    amounts = [money.Amount(255, "GBP"), money.Amount(45, "EUR")]

    with pytest.raises(money.MoneyError, match="EUR"):
        money.sum_amounts(amounts, "GBP")


def test_amount_holds_whole_minor_units_only():
    with pytest.raises(money.MoneyError):
        money.Amount(2.55, "GBP")  # type: ignore[arg-type]


def test_format_minor():
    assert money.format_minor(255, "GBP") == "2.55 GBP"
    assert money.format_minor(-5, "GBP") == "-0.05 GBP"
    assert money.format_minor(1500, "JPY") == "1500 JPY"
