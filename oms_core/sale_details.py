"""What a sale adds to an order: receipt reference, notes, payment, prices.

Every order gets the reference printed on its receipt (``OA-`` and the first
eight hex digits of its id), indexed so that a typed or scanned receipt finds
the order. Notes for the store are free text written by people: they are
stored and shown to staff, never logged. The payment choice sets the order's
payment plan in the order's own transaction.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, select

from oms_core.api_models import (
    ErrorCode,
    Money,
    OrderLine,
    OrderRequest,
    PaymentChoice,
    PaymentPlanRequest,
    PlanKind,
    StoreTask,
    Tender,
    TenderShare,
)
from oms_core.db.store_ops_schema import order_line_prices, order_sale_details
from oms_core.errors import invalid, not_found
from oms_core.sale_pricing import PricedOrder

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = "OA-"
# ``OA-`` and the eight hex digits, or the bare digits; case and spaces ignored.
# All eight: a shorter prefix would let a device walk through every order.
_REFERENCE = re.compile(r"^(?:OA-?)?([0-9A-F]{8})$")

_PLANS = {
    PaymentChoice.CARD_NOT_PRESENT: PaymentPlanRequest(
        kind=PlanKind.FULL, tenders=[TenderShare(tender=Tender.CARD)]
    ),
    PaymentChoice.ON_CONFIRMATION: PaymentPlanRequest(kind=PlanKind.ON_CONFIRMATION),
}


@dataclass(frozen=True, slots=True)
class SaleDetails:
    """One order's reference, notes, payment choice and list total."""

    reference: str
    notes: str | None
    payment_choice: PaymentChoice | None
    list_total: int


def reference_of(order_id: uuid.UUID) -> str:
    """The receipt's reference: ``OA-`` and the id's first eight hex digits."""
    return REFERENCE_PREFIX + reference_key(order_id)


def reference_key(order_id: uuid.UUID) -> str:
    """The indexed part of the reference (eight upper-case hex digits)."""
    return order_id.hex[:8].upper()


def parse_reference(text: str) -> str | None:
    """The hex digits of a typed or scanned reference, or None if it is not one."""
    match = _REFERENCE.match(text.strip().upper().replace(" ", ""))
    return match[1] if match else None


def plan_for(choice: PaymentChoice) -> PaymentPlanRequest:
    """The payment plan a payment choice sets."""
    return _PLANS[choice]


def record(
    connection: Connection,
    order_id: uuid.UUID,
    request: OrderRequest,
    priced: PricedOrder,
) -> None:
    """Store the order's reference, notes, payment choice and prices."""
    connection.execute(
        order_sale_details.insert().values(
            order_id=order_id,
            reference=reference_key(order_id),
            notes=request.notes,
            payment_choice=request.payment_choice,
            list_total_minor=priced.list_total,
        )
    )
    if priced.approval_ids:
        connection.execute(
            order_line_prices.insert(),
            [
                {
                    "order_id": order_id,
                    "line_no": number,
                    "list_price_minor": line.list_price,
                    "discount_minor": line.discount,
                }
                for number, line in enumerate(priced.lines)
            ],
        )


def of_orders(
    connection: Connection, ids: list[uuid.UUID]
) -> dict[uuid.UUID, SaleDetails]:
    """The sale details of the orders ``ids`` that have them."""
    rows = connection.execute(
        select(order_sale_details).where(order_sale_details.c.order_id.in_(ids))
    ).all()
    return {
        row.order_id: SaleDetails(
            reference=REFERENCE_PREFIX + row.reference,
            notes=row.notes,
            payment_choice=PaymentChoice(row.payment_choice)
            if row.payment_choice
            else None,
            list_total=row.list_total_minor,
        )
        for row in rows
    }


def line_prices_of(
    connection: Connection, ids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, int], tuple[int, int]]:
    """(list price, discount) of every line an approval changed."""
    rows = connection.execute(
        select(order_line_prices).where(order_line_prices.c.order_id.in_(ids))
    ).all()
    return {
        (row.order_id, row.line_no): (row.list_price_minor, row.discount_minor)
        for row in rows
    }


def priced_line(line: OrderLine, prices: tuple[int, int] | None) -> OrderLine:
    """``line`` with its list price and discount when an approval changed it."""
    if prices is None:
        return line
    list_price, discount = prices
    currency = line.unit_price.currency
    return line.model_copy(
        update={
            "line_total": Money(
                amount=line.unit_price.amount * line.quantity - discount,
                currency=currency,
            ),
            "list_price": Money(amount=list_price, currency=currency),
            "discount": Money(amount=discount, currency=currency),
        }
    )


def notes_of(
    connection: Connection, order_ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The notes of the orders that have some, by order id."""
    rows = connection.execute(
        select(order_sale_details.c.order_id, order_sale_details.c.notes).where(
            order_sale_details.c.order_id.in_(order_ids),
            order_sale_details.c.notes.is_not(None),
        )
    ).all()
    return {row.order_id: row.notes for row in rows}


def with_notes(connection: Connection, tasks: list[StoreTask]) -> list[StoreTask]:
    """``tasks`` each with its order's notes for the store."""
    notes = notes_of(connection, list({task.order_id for task in tasks}))
    return [
        task.model_copy(update={"notes": notes[task.order_id]})
        if task.order_id in notes
        else task
        for task in tasks
    ]


def find_by_reference(connection: Connection, text: str) -> uuid.UUID:
    """The id of the one order with the receipt reference ``text``.

    Raises a 422 when ``text`` is not a reference or when two orders share
    it (ids alike in their first eight digits: the detail lists them, by id,
    store and time, for a person to choose), a 404 when it matches none.
    """
    digits = parse_reference(text)
    if digits is None:
        raise invalid(
            ErrorCode.INVALID_REQUEST,
            "a receipt reference is OA- and 8 hex digits",
        )
    ids = list(
        connection.scalars(
            select(order_sale_details.c.order_id)
            .where(order_sale_details.c.reference == digits)
            .limit(10)
        )
    )
    if not ids:
        raise not_found(
            ErrorCode.NOT_FOUND, f"no order with reference {REFERENCE_PREFIX}{digits}"
        )
    if len(ids) > 1:
        raise invalid(
            ErrorCode.REFERENCE_AMBIGUOUS,
            f"{len(ids)} orders share {REFERENCE_PREFIX}{digits}: open one by its "
            "order id, or find it by the customer's e-mail or phone",
            reference=REFERENCE_PREFIX + digits,
            orders=[str(order_id) for order_id in ids],
        )
    return ids[0]
