"""Which location provides how many units of each order line.

An order line can come from several locations (a split line); each share is
an allocation row with its method, its promised date and how many units
have shipped or been released. The reservation in the stock pool and the
allocation move together, in the caller's transaction.

This is the one way an order's stock moves: :func:`ship` when units leave,
:func:`release` when some are given back (a cancelled line),
:func:`release_unshipped` on a whole cancel (exactly what has not shipped),
:func:`write_off` when a pick finds fewer than the record said, :func:`add`
when units are reserved at another location (a short pick, a re-sourced
line), and :func:`hand_to_location` when a location is told to pick (after
that a lift-and-shift no longer moves the allocation; the process calls it
when an associate claims the pick). The order process's
stock moves (:mod:`oms_core.process.stock_moves`) call these.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update

from oms_core import inventory
from oms_core.api_models import Allocation, ErrorCode, SourcingMethod
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.schema import locations
from oms_core.errors import conflict
from oms_core.events import record_event
from oms_core.sourcing import Pick

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenAllocation:
    """An allocation with units neither shipped nor released."""

    order_id: uuid.UUID
    line_no: int
    location_id: str
    sku: str
    method: SourcingMethod
    open: int


def write(
    connection: Connection,
    order_id: uuid.UUID,
    line_no: int,
    sku: str,
    picks: Sequence[Pick],
) -> None:
    """Store the allocations of one line (their units are already reserved)."""
    connection.execute(
        order_allocations.insert(),
        [
            {
                "order_id": order_id,
                "line_no": line_no,
                "location_id": pick.location_id,
                "sku": sku,
                "method": pick.method.value,
                "quantity": pick.quantity,
                "shipped": 0,
                "released": 0,
                "promised_date": pick.earliest_date,
            }
            for pick in picks
        ],
    )


def of_orders(
    connection: Connection, order_ids: Iterable[uuid.UUID]
) -> dict[tuple[uuid.UUID, int], list[Allocation]]:
    """The allocations of each (order, line), largest share first.

    Each shows the units it still provides (open or shipped); one whose
    units were all given back is left out.
    """
    ids = list(order_ids)
    if not ids:
        return {}
    rows = connection.execute(
        select(order_allocations, locations.c.name)
        .join(locations, locations.c.id == order_allocations.c.location_id)
        .where(order_allocations.c.order_id.in_(ids))
        .order_by(
            order_allocations.c.order_id,
            order_allocations.c.line_no,
            order_allocations.c.quantity.desc(),
            order_allocations.c.location_id,
        )
    ).all()
    found: dict[tuple[uuid.UUID, int], list[Allocation]] = {}
    for row in rows:
        # Units given back (a re-sourced or cancelled share, a short pick's
        # write-off) are no longer this location's to provide.
        providing = row.quantity - row.released
        if providing <= 0:
            continue
        found.setdefault((row.order_id, row.line_no), []).append(
            Allocation(
                location_id=row.location_id,
                name=row.name,
                quantity=providing,
                method=SourcingMethod(row.method),
                earliest_date=row.promised_date,
            )
        )
    for shares in found.values():
        shares.sort(key=lambda share: (-share.quantity, share.location_id))
    return found


def ship(
    connection: Connection,
    order_id: uuid.UUID,
    line_no: int,
    location_id: str,
    quantity: int,
) -> None:
    """``quantity`` units of the allocation left the location."""
    sku = _take(connection, order_id, line_no, location_id, quantity, "shipped")
    inventory.ship(connection, sku, location_id, quantity)


def release(
    connection: Connection,
    order_id: uuid.UUID,
    line_no: int,
    location_id: str,
    quantity: int,
) -> None:
    """Give back ``quantity`` open units of one allocation to the pool."""
    sku = _take(connection, order_id, line_no, location_id, quantity)
    inventory.release(connection, sku, location_id, quantity)


def write_off(
    connection: Connection,
    order_id: uuid.UUID,
    line_no: int,
    location_id: str,
    quantity: int,
) -> None:
    """A pick found ``quantity`` fewer than the record: they never were there.

    The allocation gives them up, and the pool's on-hand and reserved both
    drop by them (on-hand not below zero).
    """
    sku = _take(connection, order_id, line_no, location_id, quantity)
    inventory.write_off(connection, sku, location_id, quantity)


def add(
    connection: Connection,
    order_id: uuid.UUID,
    line_no: int,
    sku: str,
    pick: Pick,
) -> None:
    """Units of the line now reserved at ``pick``'s location (already reserved)."""
    result = connection.execute(
        update(order_allocations)
        .where(_key(order_id, line_no, pick.location_id))
        .values(quantity=order_allocations.c.quantity + pick.quantity)
    )
    if result.rowcount == 0:
        write(connection, order_id, line_no, sku, [pick])


def release_unshipped(
    connection: Connection, order_id: uuid.UUID, now: datetime
) -> int:
    """Give back every unit of the order not shipped yet; returns how many."""
    released = 0
    for share in open_allocations(connection, order_id=order_id):
        _release(connection, share)
        released += share.open
    if released:
        record_event(
            connection,
            "order.stock_released",
            {"units": released},
            order_id,
            now=now,
        )
    return released


def release_share(connection: Connection, share: OpenAllocation) -> None:
    """Give back the open units of one allocation."""
    _release(connection, share)


def _release(connection: Connection, share: OpenAllocation) -> None:
    connection.execute(
        update(order_allocations)
        .where(_key(share.order_id, share.line_no, share.location_id))
        .values(released=order_allocations.c.released + share.open)
    )
    inventory.release(connection, share.sku, share.location_id, share.open)


def hand_to_location(
    connection: Connection, order_id: uuid.UUID, location_id: str, now: datetime
) -> None:
    """The location was told to pick: its allocations stay where they are."""
    connection.execute(
        update(order_allocations)
        .where(
            order_allocations.c.order_id == order_id,
            order_allocations.c.location_id == location_id,
            order_allocations.c.handed_to_location_at.is_(None),
        )
        .values(handed_to_location_at=now)
    )


def open_allocations(
    connection: Connection,
    *,
    order_id: uuid.UUID | None = None,
    location_id: str | None = None,
    not_handed: bool = False,
) -> list[OpenAllocation]:
    """Allocations with open units, of one order or at one location."""
    table = order_allocations
    open_units = table.c.quantity - table.c.shipped - table.c.released
    statement = select(
        table.c.order_id,
        table.c.line_no,
        table.c.location_id,
        table.c.sku,
        table.c.method,
        open_units.label("open"),
    ).where(open_units > 0)
    if order_id is not None:
        statement = statement.where(table.c.order_id == order_id)
    if location_id is not None:
        statement = statement.where(table.c.location_id == location_id)
    if not_handed:
        statement = statement.where(table.c.handed_to_location_at.is_(None))
    statement = statement.order_by(table.c.order_id, table.c.line_no, table.c.sku)
    return [
        OpenAllocation(
            row.order_id,
            row.line_no,
            row.location_id,
            row.sku,
            SourcingMethod(row.method),
            row.open,
        )
        for row in connection.execute(statement)
    ]


def _key(order_id: uuid.UUID, line_no: int, location_id: str):
    return (
        (order_allocations.c.order_id == order_id)
        & (order_allocations.c.line_no == line_no)
        & (order_allocations.c.location_id == location_id)
    )


def _take(
    connection: Connection,
    order_id: uuid.UUID,
    line_no: int,
    location_id: str,
    quantity: int,
    counter: str = "released",
) -> str:
    """Count ``quantity`` open units of the allocation as ``counter``; its SKU.

    ``counter`` is ``released`` (back to the pool or written off) or
    ``shipped``; either way never more units than the allocation has open.
    """
    if quantity <= 0:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            "a stock move needs a positive quantity",
            order_id=str(order_id),
            line=line_no,
        )
    row = _row(connection, order_id, line_no, location_id)
    result = connection.execute(
        update(order_allocations)
        .where(
            _key(order_id, line_no, location_id),
            order_allocations.c.shipped + order_allocations.c.released + quantity
            <= order_allocations.c.quantity,
        )
        .values({counter: order_allocations.c[counter] + quantity})
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"fewer units are open on the allocation than asked to be {counter}",
            order_id=str(order_id),
            line=line_no,
        )
    return row.sku


def _row(connection: Connection, order_id: uuid.UUID, line_no: int, location_id: str):
    row = connection.execute(
        select(order_allocations).where(_key(order_id, line_no, location_id))
    ).first()
    if row is None:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            "no such allocation",
            order_id=str(order_id),
            line=line_no,
        )
    return row
