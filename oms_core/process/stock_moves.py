"""The stock moves of an order's life, each a guarded update of the pool.

A reservation is made when the order is placed (``orders.place_order``).
Later it is released (cancelled), consumed (the goods left: handed over or
shipped), written off (a short pick found fewer on the shelf) or made
again elsewhere (the rest of a short pick). A return adds stock where it
comes back. Every move writes a ``stock.*`` event in the same transaction.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import Connection, case, select, update

from oms_core import geo, inventory, sourcing
from oms_core.atp import atp_sql, can_reserve_sql
from oms_core.db.schema import locations, stock
from oms_core.events import record_event

logger = logging.getLogger(__name__)


class StockMoveError(RuntimeError):
    """A move the pool does not allow (a reservation that is not there)."""


def release(
    conn: Connection, order_id: uuid.UUID, sku: str, location_id: str, quantity: int
) -> None:
    """Give back ``quantity`` reserved units to the sellable pool."""
    _guarded(
        conn,
        sku,
        location_id,
        quantity,
        {"reserved": stock.c.reserved - quantity},
    )
    _event(conn, "stock.released", order_id, sku, location_id, quantity)


def consume(
    conn: Connection, order_id: uuid.UUID, sku: str, location_id: str, quantity: int
) -> None:
    """The goods left the location: on hand and reserved both go down."""
    _guarded(
        conn,
        sku,
        location_id,
        quantity,
        {
            "reserved": stock.c.reserved - quantity,
            "on_hand": stock.c.on_hand - quantity,
        },
    )
    _event(conn, "stock.consumed", order_id, sku, location_id, quantity)


def write_off(
    conn: Connection, order_id: uuid.UUID, sku: str, location_id: str, quantity: int
) -> None:
    """A pick found ``quantity`` fewer than the record said: correct both."""
    _guarded(
        conn,
        sku,
        location_id,
        quantity,
        {
            "reserved": stock.c.reserved - quantity,
            "on_hand": case(
                (stock.c.on_hand > quantity, stock.c.on_hand - quantity), else_=0
            ),
        },
    )
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
) -> str | None:
    """Reserve ``quantity`` at the nearest other location that has it."""
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

    for location_id in sourcing.rank_for_delivery(
        candidates, geo.Point(origin.lat, origin.lon), quantity
    ):
        # The pool's one guarded reservation, the same as at order placement.
        if inventory.reserve(conn, sku, location_id, quantity):
            _event(conn, "stock.reserved", order_id, sku, location_id, quantity)
            return location_id
    return None


def _guarded(
    conn: Connection, sku: str, location_id: str, quantity: int, values: dict
) -> None:
    if quantity <= 0:
        raise StockMoveError("a stock move needs a positive quantity")
    result = conn.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.reserved >= quantity,
        )
        .values(**values)
    )
    if result.rowcount != 1:
        raise StockMoveError(f"{quantity} of {sku} not reserved at {location_id}")


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
