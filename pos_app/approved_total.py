"""The basket's total with its supervisor approvals, as the engine will price it.

A price override is the new unit price of its SKU; a discount comes off the
basket, never below zero, spread across the lines by the engine's own rule.
The engine decides (it checks every approval again); this is what the
associate and the customer see before the order leaves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from offline_store import Basket
from oms_client.models import Approval, ApprovalKind
from oms_core.sale_pricing import spread_discount
from pos_app.formatting import format_money

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ApprovedTotal:
    """The basket at catalogue prices, what is paid, and each approval's words."""

    list_total: int
    total: int
    currency: str
    lines: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether the approvals change what is paid."""
        return self.total != self.list_total

    def text(self) -> str:
        """``Was £12.00 · approved: … · to pay £9.50`` for a label or a receipt."""
        was = format_money(self.list_total, self.currency)
        now = format_money(self.total, self.currency)
        return f"Was {was} · {'; '.join(self.lines)} · to pay {now}"


def approvals_in_use(basket: Basket, approvals: list[Approval]) -> list[Approval]:
    """The approvals that price ``basket``: every discount, and the latest
    override of each SKU still in it (the engine refuses an override for a
    line that is gone, or two for one SKU)."""
    in_basket = {line.sku.upper() for line in basket.lines}
    latest: dict[str, Approval] = {}
    for approval in approvals:
        if approval.kind == ApprovalKind.PRICE_OVERRIDE and approval.sku:
            if approval.sku.upper() in in_basket:
                latest[approval.sku.upper()] = approval
    return [
        approval
        for approval in approvals
        if approval.kind == ApprovalKind.DISCOUNT or approval in latest.values()
    ]


def approved_total(basket: Basket, approvals: list[Approval]) -> ApprovedTotal | None:
    """The basket priced with ``approvals`` (``None`` when none applies)."""
    approvals = approvals_in_use(basket, approvals)
    if not approvals or not basket.lines:
        return None
    currency = basket.currency or "GBP"
    overrides = {
        approval.sku.upper(): approval
        for approval in approvals
        if approval.kind == ApprovalKind.PRICE_OVERRIDE and approval.sku
    }
    gross = []
    words = []
    for line in basket.lines:
        override = overrides.get(line.sku.upper())
        unit = override.amount.amount if override else line.unit_price
        gross.append(unit * line.quantity)
        if override:
            words.append(
                f"{line.sku} at {format_money(unit, currency)} "
                f"(approved by {override.approved_by})"
            )
    discounts = [a for a in approvals if a.kind == ApprovalKind.DISCOUNT]
    asked = sum(a.amount.amount for a in discounts)
    taken = sum(spread_discount(asked, gross))
    for approval in discounts:
        words.append(
            f"{format_money(approval.amount.amount, currency)} off "
            f"(approved by {approval.approved_by})"
        )
    return ApprovedTotal(
        list_total=basket.total,
        total=sum(gross) - taken,
        currency=currency,
        lines=tuple(words),
    )
