"""The basket priced with its approvals, as the engine will price the order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from offline_store.models import Basket, BasketLine, BasketState
from oms_client.models import Approval, ApprovalKind, Money
from pos_app.approved_total import approvals_in_use, approved_total

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _basket(*lines: tuple[str, int, int]) -> Basket:
    return Basket(
        id=1,
        state=BasketState.OPEN,
        currency="GBP",
        lines=tuple(
            BasketLine(sku, f"item {sku}", price, "GBP", quantity)
            for sku, price, quantity in lines
        ),
        order_id=None,
        created_at=NOW,
        updated_at=NOW,
    )


def _approval(kind: ApprovalKind, amount: int, sku: str | None = None) -> Approval:
    return Approval(
        id=uuid.uuid4(),
        order_id=uuid.uuid4(),
        kind=kind,
        sku=sku,
        amount=Money(amount=amount, currency="GBP"),
        reason="price match",
        requested_by="1001",
        approved_by="2001",
        approved_at=NOW,
    )


def test_an_override_and_a_discount_give_what_is_paid():
    basket = _basket(("85123A", 295, 3), ("22423", 1275, 1))
    override = _approval(ApprovalKind.PRICE_OVERRIDE, 200, "85123A")
    discount = _approval(ApprovalKind.DISCOUNT, 150)

    priced = approved_total(basket, [override, discount])

    assert priced.list_total == 295 * 3 + 1275
    assert priced.total == 200 * 3 + 1275 - 150
    assert priced.changed
    assert "to pay £17.25" in priced.text()
    assert "Was £21.60" in priced.text()


def test_a_discount_never_takes_the_basket_below_zero():
    priced = approved_total(
        _basket(("85123A", 295, 1)), [_approval(ApprovalKind.DISCOUNT, 10_000)]
    )

    assert priced.total == 0


def test_only_the_approvals_the_engine_will_accept_are_sent():
    basket = _basket(("85123A", 295, 2))
    gone = _approval(ApprovalKind.PRICE_OVERRIDE, 100, "22423")
    first = _approval(ApprovalKind.PRICE_OVERRIDE, 250, "85123A")
    second = _approval(ApprovalKind.PRICE_OVERRIDE, 240, "85123A")
    discount = _approval(ApprovalKind.DISCOUNT, 20)

    used = approvals_in_use(basket, [gone, first, discount, second])

    assert used == [discount, second]
    assert approved_total(basket, [gone]) is None
    assert approved_total(basket, []) is None
