"""Payment plans: what is due now, what later, and each tender's share.

Kinds: paid in full now; split across tenders; a deposit now (a percentage
or a fixed amount, never below a minimum, never above the total) and the
balance at collection; authorised now and captured per shipment; paid when
the order is confirmed (phone and kiosk orders: nothing is taken at the
till, and the order waits for the payment before it is released). "Due
now" is what must be paid or authorised before release. Only a cash tender
is rounded to the cash step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from oms_core.api_models import (
    DepositRule,
    Money,
    PaymentPlan,
    PaymentPlanRequest,
    PlanKind,
    Tender,
    TenderDue,
)
from oms_core.money import MoneyError
from oms_core.payments.allocation import allocate, round_cash

logger = logging.getLogger(__name__)


class PlanError(ValueError):
    """A plan that cannot be applied to the order, and why."""


@dataclass(frozen=True, slots=True)
class Share:
    """A tender's part of the amount due now."""

    tender: Tender
    amount: int
    rounding: int


def build_plan(request: PaymentPlanRequest, total: int, currency: str) -> PaymentPlan:
    """The plan for an order of ``total`` minor units in ``currency``."""
    if request.kind is PlanKind.SPLIT and len(request.tenders) < 2:
        raise PlanError("a split plan needs at least two tenders")
    if request.kind is not PlanKind.SPLIT and len(request.tenders) > 1:
        raise PlanError(f"a {request.kind.value} plan takes one tender")
    if (request.kind is PlanKind.DEPOSIT) != (request.deposit is not None):
        raise PlanError("a deposit rule goes with a deposit plan, and only there")

    due_now = _due_now(request, total, currency)
    shares = split_due(
        due_now, currency, [(t.tender, t.weight) for t in request.tenders]
    )
    paid_now = sum(share.amount for share in shares)
    return PaymentPlan(
        kind=request.kind,
        total=Money(amount=total, currency=currency),
        due_now=Money(amount=paid_now, currency=currency),
        due_later=Money(amount=total - due_now, currency=currency),
        tenders=[
            TenderDue(
                tender=share.tender,
                amount=Money(amount=share.amount, currency=currency),
                rounding=Money(amount=share.rounding, currency=currency),
            )
            for share in shares
        ],
    )


def split_due(
    amount: int, currency: str, tenders: list[tuple[Tender, int]]
) -> list[Share]:
    """Split ``amount`` by weight; only the cash share is cash-rounded."""
    parts = allocate(amount, [weight for _tender, weight in tenders])
    shares = []
    for (tender, _weight), part in zip(tenders, parts, strict=True):
        paid = round_cash(part, currency) if tender is Tender.CASH else part
        shares.append(Share(tender, paid, paid - part))
    return shares


def deposit_amount(rule: DepositRule, total: int, currency: str) -> int:
    """The deposit for ``total``: percentage or fixed, at least the minimum."""
    if (rule.percent is None) == (rule.fixed is None):
        raise PlanError("a deposit is either a percentage or a fixed amount")
    for money in (rule.fixed, rule.minimum):
        if money is not None and money.currency != currency:
            raise PlanError(f"the deposit must be in {currency}")

    if rule.percent is not None:
        amount = allocate(total, [rule.percent, 100 - rule.percent])[0]
    else:
        assert rule.fixed is not None
        amount = rule.fixed.amount
    if rule.minimum is not None:
        amount = max(amount, rule.minimum.amount)
    return max(0, min(amount, total))


def _due_now(request: PaymentPlanRequest, total: int, currency: str) -> int:
    if total < 0:
        raise MoneyError("an order total is not negative")
    if request.kind is PlanKind.DEPOSIT:
        assert request.deposit is not None
        return deposit_amount(request.deposit, total, currency)
    # On confirmation the till takes nothing, but the whole total is due
    # before the order is released: the process waits for the payment.
    return total
