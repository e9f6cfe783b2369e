"""The stock moves of an order's life, through the allocation ledger.

A reservation is made when the order is placed (``orders.place_order``).
Later it is released (cancelled), consumed (the goods left: handed over or
shipped), written off (a short pick found fewer on the shelf) or made
again elsewhere (the rest of a short pick). Each of these is a move of the
order's allocation in :mod:`oms_core.allocations` together with the pool
(one way stock is reserved, released and shipped), so a later
lift-and-shift or cancel sees what really happened. A return adds stock
where it comes back. Every move writes a ``stock.*`` event in the same
transaction.

Each move names the order line when the caller knows it; without one the
units are taken from the order's allocations of that SKU at that location,
in line order.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import Connection, select, update

from oms_core import allocations, geo, inventory, sourcing
from oms_core.api_models import ErrorCode, SourcingMethod
from oms_core.atp import atp_sql, can_reserve_sql
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.schema import locations, stock
from oms_core.errors import conflict
from oms_core.events import record_event

logger = logging.getLogger(__name__)


def release(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    quantity: int,
    *,
    line_no: int | None = None,
) -> None:
    """Give back ``quantity`` reserved units to the sellable pool."""
    for line, units in _shares(conn, order_id, sku, location_id, quantity, line_no):
        allocations.release(conn, order_id, line, location_id, units)
    _event(conn, "stock.released", order_id, sku, location_id, quantity)


def consume(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    quantity: int,
    *,
    line_no: int | None = None,
) -> None:
    """The goods left the location: on hand and reserved both go down."""
    for line, units in _shares(conn, order_id, sku, location_id, quantity, line_no):
        allocations.ship(conn, order_id, line, location_id, units)
    _event(conn, "stock.consumed", order_id, sku, location_id, quantity)


def write_off(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    quantity: int,
    *,
    line_no: int | None = None,
) -> None:
    """A pick found ``quantity`` fewer than the record said: correct both."""
    for line, units in _shares(conn, order_id, sku, location_id, quantity, line_no):
        allocations.write_off(conn, order_id, line, location_id, units)
    _event(conn, "stock.written_off", order_id, sku, location_id, quantity)


def receive_return(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    quantity: int,
    now: datetime,
) -> None:
    """Returned goods are back on hand where they were handed in."""
    result = conn.execute(
        update(stock)
        .where(stock.c.sku == sku, stock.c.location_id == location_id)
        .values(on_hand=stock.c.on_hand + quantity)
    )
    if result.rowcount == 0:
        conn.execute(
            stock.insert().values(
                sku=sku,
                location_id=location_id,
                on_hand=quantity,
                reserved=0,
                buffer=0,
                confirmed_at=now,
            )
        )
    _event(conn, "stock.returned", order_id, sku, location_id, quantity)


def reserve_near(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    quantity: int,
    near_location_id: str,
    *,
    line_no: int | None = None,
) -> str | None:
    """Reserve ``quantity`` at the nearest other location that has it.

    The units join the line's allocations there, shipped to the customer
    or, for a collected line, sent to the collection store.
    """
    origin = conn.execute(
        select(locations.c.lat, locations.c.lon).where(
            locations.c.id == near_location_id
        )
    ).one()
    guard = can_reserve_sql(stock.c.on_hand, stock.c.reserved, stock.c.buffer, quantity)
    rows = conn.execute(
        select(
            locations.c.id,
            locations.c.lat,
            locations.c.lon,
            atp_sql(stock.c.on_hand, stock.c.reserved, stock.c.buffer).label("atp"),
        )
        .join(stock, stock.c.location_id == locations.c.id)
        .where(stock.c.sku == sku, locations.c.id != near_location_id, guard)
    ).all()
    candidates = [
        sourcing.Candidate(row.id, geo.Point(row.lat, row.lon), row.atp) for row in rows
    ]

    line, method = _line_and_method(conn, order_id, sku, near_location_id, line_no)
    for location_id in sourcing.rank_for_delivery(
        candidates, geo.Point(origin.lat, origin.lon), quantity
    ):
        # The pool's one guarded reservation, the same as at order placement.
        if inventory.reserve(conn, sku, location_id, quantity):
            pick = sourcing.Pick(location_id, quantity, method, None, None)
            allocations.add(conn, order_id, line, sku, pick)
            _event(conn, "stock.reserved", order_id, sku, location_id, quantity)
            return location_id
    return None


def _shares(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    quantity: int,
    line_no: int | None,
) -> list[tuple[int, int]]:
    """Which lines' allocations at the location the units come from."""
    if line_no is not None:
        return [(line_no, quantity)]
    shares, left = [], quantity
    for share in allocations.open_allocations(
        conn, order_id=order_id, location_id=location_id
    ):
        if share.sku != sku or left <= 0:
            continue
        units = min(left, share.open)
        shares.append((share.line_no, units))
        left -= units
    if left > 0 or quantity <= 0:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"{quantity} of {sku} are not open on the order at {location_id}",
            order_id=str(order_id),
        )
    return shares


def _line_and_method(
    conn: Connection,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    line_no: int | None,
) -> tuple[int, SourcingMethod]:
    """The line a re-reservation belongs to, and how its units travel."""
    table = order_allocations
    statement = select(table.c.line_no, table.c.method).where(
        table.c.order_id == order_id,
        table.c.sku == sku,
        table.c.location_id == location_id,
    )
    if line_no is not None:
        statement = statement.where(table.c.line_no == line_no)
    row = conn.execute(statement.order_by(table.c.line_no)).first()
    if row is None:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"the order has no allocation of {sku} at {location_id}",
            order_id=str(order_id),
        )
    method = SourcingMethod(row.method)
    if method is SourcingMethod.COLLECT:
        # The rest comes from elsewhere to the store the customer chose.
        method = SourcingMethod.TRANSFER
    return row.line_no, method


def _event(
    conn: Connection,
    kind: str,
    order_id: uuid.UUID,
    sku: str,
    location_id: str,
    quantity: int,
) -> None:
    record_event(
        conn,
        kind,
        {"sku": sku, "location_id": location_id, "quantity": quantity},
        order_id,
    )
