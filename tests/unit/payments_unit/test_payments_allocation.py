"""Splits lose no minor unit; cash rounding touches only the cash tender."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_core.api_models import (
    DepositRule,
    Money,
    PaymentPlanRequest,
    PlanKind,
    Tender,
    TenderShare,
)
from oms_core.payments.allocation import allocate, round_cash
from oms_core.payments.plans import PlanError, build_plan, deposit_amount


def test_a_100_00_split_three_ways_gives_33_34_33_33():
    plan = build_plan(
        PaymentPlanRequest(
            kind=PlanKind.SPLIT,
            tenders=[
                TenderShare(tender=Tender.CARD),
                TenderShare(tender=Tender.GIFT_CARD),
                TenderShare(tender=Tender.STORE_CREDIT),
            ],
        ),
        10_000,
        "GBP",
    )

    assert [t.amount.amount for t in plan.tenders] == [3334, 3333, 3333]
    assert plan.due_now.amount == 10_000


@pytest.mark.parametrize(
    ("total", "currency", "expected"),
    [
        (1000, "JPY", [334, 333, 333]),  # 1,000 yen: no minor unit
        (10_000, "KWD", [3334, 3333, 3333]),  # 10.000 dinar: three places
        (2, "GBP", [1, 1, 0]),
    ],
)
def test_splits_work_in_the_currency_own_minor_units(total, currency, expected):
    assert allocate(total, [1, 1, 1]) == expected


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8).filter(
        lambda ws: sum(ws) > 0
    ),
)
def test_an_allocation_always_adds_up_to_the_total(total, weights):
    parts = allocate(total, weights)

    assert sum(parts) == total
    assert all(p == 0 for p, w in zip(parts, weights, strict=True) if w == 0)


def test_cash_rounding_touches_only_the_cash_tender():
    plan = build_plan(
        PaymentPlanRequest(
            kind=PlanKind.SPLIT,
            tenders=[
                TenderShare(tender=Tender.CARD),
                TenderShare(tender=Tender.CASH),
            ],
        ),
        1003,  # CHF 10.03: halves of 5.02 and 5.01
        "CHF",
    )

    card, cash = plan.tenders
    assert card.amount.amount == 502 and card.rounding.amount == 0
    assert cash.amount.amount == 500 and cash.rounding.amount == -1
    assert plan.due_now.amount == 1002


def test_cash_in_a_currency_without_coin_steps_is_not_rounded():
    assert round_cash(1003, "GBP") == 1003
    assert round_cash(1003, "CHF") == 1005
    assert round_cash(1002, "CHF") == 1000


def test_a_percentage_deposit_respects_its_minimum_and_the_total():
    rule = DepositRule(percent=10, minimum=Money(amount=2000, currency="GBP"))

    assert deposit_amount(rule, 50_000, "GBP") == 5000
    assert deposit_amount(rule, 5000, "GBP") == 2000
    assert deposit_amount(rule, 1500, "GBP") == 1500


def test_a_deposit_plan_leaves_the_balance_for_later():
    plan = build_plan(
        PaymentPlanRequest(
            kind=PlanKind.DEPOSIT,
            deposit=DepositRule(fixed=Money(amount=2500, currency="GBP")),
        ),
        10_000,
        "GBP",
    )

    assert (plan.due_now.amount, plan.due_later.amount) == (2500, 7500)


def test_a_plan_that_does_not_fit_is_refused():
    with pytest.raises(PlanError, match="two tenders"):
        build_plan(PaymentPlanRequest(kind=PlanKind.SPLIT), 100, "GBP")
    with pytest.raises(PlanError, match="deposit"):
        build_plan(
            PaymentPlanRequest(kind=PlanKind.FULL, deposit=DepositRule(percent=5)),
            100,
            "GBP",
        )
    with pytest.raises(PlanError, match="in GBP"):
        deposit_amount(DepositRule(fixed=Money(amount=5, currency="EUR")), 100, "GBP")
