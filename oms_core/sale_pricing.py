"""Pricing an order with its supervisor approvals.

An order names the approvals it uses (``OrderRequest.approval_ids``). Each
must be real: recorded by the engine for this very order id, at the order's
selling store, not yet used, and not expired; anything else refuses the
order, so a device cannot invent or reuse one. A price override is the new
unit price of its SKU's lines; a discount is an amount off the order, never
taking it below zero, spread across the lines by largest remainder so that
returns and refunds give back each line's own net value.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from oms_core.api_models import ApprovalKind, ErrorCode, OrderRequest
from oms_core.db.schema import order_lines
from oms_core.db.store_ops_schema import order_approvals, order_line_prices
from oms_core.errors import EngineError, invalid
from oms_core.payments.allocation import allocate

logger = logging.getLogger(__name__)

# How long an approval may price an order after it was given (one shift).
APPROVAL_VALID_FOR = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class PricedLine:
    """One order line's prices: catalogue, charged per unit, discount share."""

    list_price: int
    unit_price: int
    quantity: int
    discount: int

    @property
    def total(self) -> int:
        """What the customer pays for the line."""
        return self.unit_price * self.quantity - self.discount


@dataclass(frozen=True, slots=True)
class PricedOrder:
    """The lines priced with the approvals used (none: catalogue prices)."""

    lines: list[PricedLine]
    approval_ids: list[uuid.UUID]

    @property
    def list_total(self) -> int:
        """The order at catalogue prices."""
        return sum(line.list_price * line.quantity for line in self.lines)

    @property
    def total(self) -> int:
        """What the customer pays for the order."""
        return sum(line.total for line in self.lines)


def price_order(
    connection: Connection,
    order_id: uuid.UUID,
    request: OrderRequest,
    catalogue: dict[str, tuple[str, str, int, str]],
    now: datetime,
) -> PricedOrder:
    """Check the approvals the order names, mark them used, price the lines.

    ``catalogue`` maps an upper-case SKU to (sku, name, price, currency).
    """
    skus = [catalogue[line.sku.upper()][0] for line in request.lines]
    quantities = [line.quantity for line in request.lines]
    prices = [catalogue[line.sku.upper()][2] for line in request.lines]
    currency = catalogue[request.lines[0].sku.upper()][3]
    if not request.approval_ids:
        return PricedOrder(
            [PricedLine(p, p, q, 0) for p, q in zip(prices, quantities, strict=True)],
            [],
        )

    # An approval is bound to this order: judge it at the time of the sale,
    # so an order that waited in a device's outbox is not refused for it.
    sold_at = min(now, request.placed_at) if request.placed_at else now
    rows = _usable(connection, order_id, request, currency, sold_at)
    overrides: dict[str, int] = {}
    discount = 0
    for row in rows:
        if row.kind == ApprovalKind.PRICE_OVERRIDE:
            sku = (row.sku or "").upper()
            if sku not in {s.upper() for s in skus}:
                raise _refused(row.id, "its SKU is not on the order")
            if sku in overrides:
                raise _refused(row.id, "a second price override for the same SKU")
            overrides[sku] = row.amount_minor
        else:
            discount += row.amount_minor

    unit = [
        overrides.get(sku.upper(), price)
        for sku, price in zip(skus, prices, strict=True)
    ]
    gross = [u * q for u, q in zip(unit, quantities, strict=True)]
    shares = spread_discount(discount, gross)
    _mark_used(connection, order_id, [row.id for row in rows])
    logger.info("order priced with %d approvals", len(rows))
    return PricedOrder(
        [
            PricedLine(p, u, q, d)
            for p, u, q, d in zip(prices, unit, quantities, shares, strict=True)
        ],
        [row.id for row in rows],
    )


def spread_discount(discount: int, line_totals: list[int]) -> list[int]:
    """Each line's share of ``discount``, by value, never past the order's total.

    Largest remainder: the shares add up to the discount (capped at the
    order's total) and no line's share is larger than the line.
    """
    whole = sum(line_totals)
    taken = min(max(discount, 0), whole)
    if taken == 0:
        return [0] * len(line_totals)
    return allocate(taken, line_totals)


def units_value(unit_price: int, quantity: int, discount: int, units: int) -> int:
    """The net value of ``units`` of a line of ``quantity`` with ``discount``.

    The line's discount is spread over its units by largest remainder (the
    earlier units take the odd minor units), so all units add up to the line.
    """
    units = max(0, min(units, quantity))
    per_unit, left = divmod(discount, quantity)
    return units * (unit_price - per_unit) - min(units, left)


def net_value(connection: Connection, order_id: uuid.UUID, units: dict) -> int:
    """The net value of ``units`` ({line_no: (unit price, units)}) of an order.

    Lines an approval discounted are valued by :func:`units_value`; the
    others at their unit price.
    """
    rows = connection.execute(
        select(
            order_lines.c.line_no,
            order_lines.c.quantity,
            order_line_prices.c.discount_minor,
        )
        .join_from(
            order_lines,
            order_line_prices,
            (order_line_prices.c.order_id == order_lines.c.order_id)
            & (order_line_prices.c.line_no == order_lines.c.line_no),
        )
        .where(order_lines.c.order_id == order_id)
    ).all()
    discounted = {row.line_no: (row.quantity, row.discount_minor) for row in rows}
    value = 0
    for line_no, (unit_price, count) in units.items():
        quantity, discount = discounted.get(line_no, (max(count, 1), 0))
        value += units_value(unit_price, quantity, discount, count)
    return value


def _usable(
    connection: Connection,
    order_id: uuid.UUID,
    request: OrderRequest,
    currency: str,
    now: datetime,
) -> list:
    rows = connection.execute(
        select(order_approvals).where(order_approvals.c.id.in_(request.approval_ids))
    ).all()
    found = {row.id: row for row in rows}
    usable = []
    for approval_id in request.approval_ids:
        row = found.get(approval_id)
        if row is None:
            raise _refused(approval_id, "no such approval")
        if row.order_id != order_id:
            raise _refused(approval_id, "it was given for another order")
        if row.location_id != request.selling_location_id:
            raise _refused(approval_id, "it was not given at this store")
        if row.used_by_order_id is not None and row.used_by_order_id != order_id:
            raise _refused(approval_id, "another order used it")
        if row.expires_at is None or row.expires_at <= now:
            raise _refused(approval_id, "it has expired")
        if row.currency != currency:
            raise _refused(approval_id, f"it is not in {currency}")
        usable.append(row)
    return usable


def _mark_used(
    connection: Connection, order_id: uuid.UUID, ids: list[uuid.UUID]
) -> None:
    # Conditional: an approval another order took in the meantime refuses.
    for approval_id in ids:
        taken = connection.execute(
            update(order_approvals)
            .where(
                order_approvals.c.id == approval_id,
                order_approvals.c.used_by_order_id.is_(None),
            )
            .values(used_by_order_id=order_id)
        )
        if taken.rowcount != 1:
            raise _refused(approval_id, "another order used it")


def _refused(approval_id: uuid.UUID, why: str) -> EngineError:
    return invalid(
        ErrorCode.APPROVAL_INVALID,
        f"approval {approval_id} cannot price this order: {why}",
        approval_id=str(approval_id),
    )
