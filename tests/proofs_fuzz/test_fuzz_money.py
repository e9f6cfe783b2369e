"""Money allocation and amounts: no minor unit lost or made up."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms_core.money import Amount, MoneyError, format_minor, parse_minor, sum_amounts
from tests.proofs_fuzz.counting import report, tick

allocation = pytest.importorskip("oms_core.payments.allocation")

CURRENCIES = st.sampled_from(["GBP", "EUR", "USD", "JPY", "CHF", "SEK", "KWD"])
AMOUNTS = st.integers(min_value=-(10**15), max_value=10**15)


@settings(settings.get_profile("proofs"))
@given(
    total=AMOUNTS,
    weights=st.lists(st.integers(0, 10**9), min_size=1, max_size=30).filter(any),
)
def test_an_allocation_sums_to_the_total_and_stays_fair(
    total: int, weights: list[int]
) -> None:
    tick("allocation")
    parts = allocation.allocate(total, weights)
    whole = sum(weights)

    assert sum(parts) == total
    assert len(parts) == len(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = abs(total) * weight / whole
        assert abs(abs(part) - exact) < 1 + 1e-6 * max(1.0, exact)
        assert part == 0 or (part > 0) == (total > 0)
        if weight == 0:
            assert part == 0


@settings(settings.get_profile("proofs"))
@given(minor=AMOUNTS, currency=CURRENCIES)
def test_format_and_parse_give_back_the_same_minor_units(
    minor: int, currency: str
) -> None:
    tick("money text")
    text = format_minor(minor, currency)
    number, code = text.split(" ")

    assert code == currency
    assert parse_minor(number, currency) == minor


@settings(settings.get_profile("proofs"))
@given(parts=st.lists(AMOUNTS, max_size=50), currency=CURRENCIES)
def test_a_total_is_the_sum_of_its_parts(parts: list[int], currency: str) -> None:
    tick("totals")
    total = sum_amounts((Amount(p, currency) for p in parts), currency)

    assert total == Amount(sum(parts), currency)
    with pytest.raises(MoneyError):
        sum_amounts([Amount(1, currency), Amount(1, "XXX")], currency)


@settings(settings.get_profile("proofs"))
@given(text=st.text(max_size=40))
def test_any_text_is_an_amount_or_a_clear_refusal(text: str) -> None:
    tick("money text")
    try:
        minor = parse_minor(text, "GBP")
    except MoneyError:
        return
    assert isinstance(minor, int)


def test_zzz_report_money() -> None:
    report("allocation")
    report("money text")
    report("totals")
