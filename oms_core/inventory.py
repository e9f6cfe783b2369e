"""The single inventory pool: reservations, adjustments and safety buffers.

Every change goes through a conditional UPDATE whose WHERE clause is the
rule (ATP stays at or above zero, on-hand never below zero), so concurrent
writers on any database can never oversell: the loser's UPDATE matches no
row. The functions take the caller's connection and never commit; each
change that matters outside writes its event in the same transaction.

For the order process (and anyone else) the calls are:

- :func:`reserve` / :func:`release`: take or give back reserved units.
- :func:`ship`: units leave the building (on-hand and reserved both drop).
- :func:`write_off`: reserved units that were not on the shelf.
- :func:`adjust`: receipt, count, transfer, till sale, damage.
- :func:`set_buffer_rule`: a safety buffer by location, item or both.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Connection, and_, case, func, select, update

from oms_core import reads
from oms_core.api_models import (
    AdjustmentKind,
    BufferRule,
    ErrorCode,
    LocationKind,
    LocationState,
    NetworkStock,
    StockAdjustmentRequest,
    StockRecord,
)
from oms_core.atp import atp, can_reserve_sql
from oms_core.db.inventory_schema import ANY, buffer_rules
from oms_core.db.schema import locations, stock
from oms_core.errors import conflict, invalid
from oms_core.events import record_event
from oms_core.network import STOCKLESS_KINDS

logger = logging.getLogger(__name__)


def reserve(connection: Connection, sku: str, location_id: str, quantity: int) -> bool:
    """Reserve ``quantity`` if ATP allows it; False (and no change) if not."""
    result = connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            can_reserve_sql(
                stock.c.on_hand, stock.c.reserved, stock.c.buffer, quantity
            ),
        )
        .values(reserved=stock.c.reserved + quantity)
    )
    return result.rowcount == 1


def release(connection: Connection, sku: str, location_id: str, quantity: int) -> None:
    """Give back ``quantity`` reserved units (never below zero reserved)."""
    if quantity <= 0:
        return
    result = connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.reserved >= quantity,
        )
        .values(reserved=stock.c.reserved - quantity)
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            "fewer units are reserved than asked to release",
            sku=sku,
            location_id=location_id,
        )


def ship(connection: Connection, sku: str, location_id: str, quantity: int) -> None:
    """Reserved units leave: on-hand and reserved both drop by ``quantity``."""
    result = connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.reserved >= quantity,
            stock.c.on_hand >= quantity,
        )
        .values(
            reserved=stock.c.reserved - quantity, on_hand=stock.c.on_hand - quantity
        )
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            "fewer units are reserved or on hand than asked to ship",
            sku=sku,
            location_id=location_id,
        )


def write_off(
    connection: Connection, sku: str, location_id: str, quantity: int
) -> None:
    """Reserved units that were not there: reserved drops, on-hand too (not below 0)."""
    result = connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.reserved >= quantity,
        )
        .values(
            reserved=stock.c.reserved - quantity,
            on_hand=case(
                (stock.c.on_hand > quantity, stock.c.on_hand - quantity), else_=0
            ),
        )
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            "fewer units are reserved than asked to write off",
            sku=sku,
            location_id=location_id,
        )


def adjust(
    connection: Connection, sku: str, request: StockAdjustmentRequest, now: datetime
) -> StockRecord:
    """Apply one adjustment, stamp the count time, record ``stock.adjusted``."""
    product = reads.get_product(connection, sku)
    place = reads.get_location(connection, request.location_id)
    if place.kind in STOCKLESS_KINDS:
        raise invalid(
            ErrorCode.LOCATION_CANNOT_FULFIL,
            f"{place.id!r} holds no stock",
            location_id=place.id,
        )
    _ensure_row(connection, product.sku, place.id, now)

    kind = request.kind
    quantity = request.quantity
    if kind is AdjustmentKind.COUNT:
        _change(connection, product.sku, place.id, now, on_hand=quantity)
    elif kind is AdjustmentKind.RECEIPT:
        _receive(connection, product.sku, place.id, quantity, request, now)
    elif kind in (AdjustmentKind.SALE, AdjustmentKind.DAMAGE):
        _take_out(connection, product.sku, place.id, quantity, now)
    else:
        _transfer(connection, product.sku, place.id, quantity, request, now)

    record = stock_record(connection, product.sku, place.id)
    record_event(
        connection,
        "stock.adjusted",
        {
            "sku": product.sku,
            "location_id": place.id,
            "kind": kind.value,
            "quantity": quantity,
            "to_location_id": request.to_location_id,
            "on_hand": record.on_hand,
            "atp": record.atp,
            "reason": request.reason,
        },
        now=now,
    )
    return record


def _ensure_row(connection: Connection, sku: str, location_id: str, now: datetime):
    exists = connection.execute(
        select(stock.c.sku).where(
            stock.c.sku == sku, stock.c.location_id == location_id
        )
    ).first()
    if exists is None:
        connection.execute(
            stock.insert(),
            {
                "sku": sku,
                "location_id": location_id,
                "on_hand": 0,
                "reserved": 0,
                "buffer": resolved_buffer(connection, sku, location_id),
                "confirmed_at": now,
                "in_transit": 0,
            },
        )


def _change(
    connection: Connection, sku: str, location_id: str, now: datetime, **values
) -> None:
    connection.execute(
        update(stock)
        .where(stock.c.sku == sku, stock.c.location_id == location_id)
        .values(confirmed_at=now, **values)
    )


def _receive(connection, sku, location_id, quantity, request, now) -> None:
    if not request.from_transit:
        _change(connection, sku, location_id, now, on_hand=stock.c.on_hand + quantity)
        return
    result = connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.in_transit >= quantity,
        )
        .values(
            on_hand=stock.c.on_hand + quantity,
            in_transit=stock.c.in_transit - quantity,
            confirmed_at=now,
        )
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INSUFFICIENT_STOCK,
            "fewer units are in transit than received",
            sku=sku,
            location_id=location_id,
        )
    connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.in_transit == 0,
        )
        .values(in_transit_eta=None)
    )


def _take_out(connection, sku, location_id, quantity, now) -> None:
    # A till sale or damage takes units off the shelf; a unit reserved for
    # an order must stay, so the guard is on what is not reserved.
    result = connection.execute(
        update(stock)
        .where(
            stock.c.sku == sku,
            stock.c.location_id == location_id,
            stock.c.on_hand - stock.c.reserved >= quantity,
        )
        .values(on_hand=stock.c.on_hand - quantity, confirmed_at=now)
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INSUFFICIENT_STOCK,
            "fewer unreserved units on hand than taken out",
            sku=sku,
            location_id=location_id,
        )


def _transfer(connection, sku, location_id, quantity, request, now) -> None:
    if request.to_location_id is None or request.to_location_id == location_id:
        raise invalid(
            ErrorCode.INVALID_REQUEST, "a transfer needs another to_location_id"
        )
    target = reads.get_location(connection, request.to_location_id)
    if target.kind in STOCKLESS_KINDS:
        raise invalid(
            ErrorCode.LOCATION_CANNOT_FULFIL,
            f"{target.id!r} holds no stock",
            location_id=target.id,
        )
    if not reserve(connection, sku, location_id, quantity):
        raise conflict(
            ErrorCode.INSUFFICIENT_STOCK,
            "not enough ATP to transfer",
            sku=sku,
            location_id=location_id,
        )
    ship(connection, sku, location_id, quantity)
    _change(connection, sku, location_id, now)

    _ensure_row(connection, sku, target.id, now)
    connection.execute(
        update(stock)
        .where(stock.c.sku == sku, stock.c.location_id == target.id)
        .values(
            in_transit=stock.c.in_transit + quantity,
            in_transit_eta=request.eta,
        )
    )


def stock_record(connection: Connection, sku: str, location_id: str) -> StockRecord:
    """The full stock row of ``sku`` at ``location_id`` (zeros if none)."""
    row = connection.execute(
        select(stock).where(stock.c.sku == sku, stock.c.location_id == location_id)
    ).first()
    if row is None:
        return StockRecord(
            sku=sku, location_id=location_id, on_hand=0, reserved=0, buffer=0, atp=0
        )
    return StockRecord(
        sku=sku,
        location_id=location_id,
        on_hand=row.on_hand,
        reserved=row.reserved,
        buffer=row.buffer,
        atp=atp(row.on_hand, row.reserved, row.buffer),
        in_transit=row.in_transit,
        in_transit_eta=row.in_transit_eta,
        confirmed_at=row.confirmed_at,
    )


def network_stock(connection: Connection, sku: str) -> NetworkStock:
    """``sku`` across every location that is not closed."""
    product = reads.get_product(connection, sku)
    rows = connection.execute(
        select(stock.c.on_hand, stock.c.reserved, stock.c.buffer, stock.c.in_transit)
        .join(locations, locations.c.id == stock.c.location_id)
        .where(
            stock.c.sku == product.sku,
            locations.c.state != LocationState.CLOSED.value,
        )
    ).all()
    return NetworkStock(
        sku=product.sku,
        atp=sum(atp(r.on_hand, r.reserved, r.buffer) for r in rows),
        on_hand=sum(r.on_hand for r in rows),
        reserved=sum(r.reserved for r in rows),
        in_transit=sum(r.in_transit for r in rows),
        locations=sum(1 for r in rows if atp(r.on_hand, r.reserved, r.buffer) > 0),
    )


# -- safety buffers ---------------------------------------------------------


def resolved_buffer(connection: Connection, sku: str, location_id: str) -> int:
    """The buffer the most specific rule gives ``sku`` at ``location_id``."""
    rows = connection.execute(
        select(buffer_rules.c.location_id, buffer_rules.c.sku, buffer_rules.c.units)
        .where(buffer_rules.c.location_id.in_([location_id, ANY]))
        .where(buffer_rules.c.sku.in_([sku, ANY]))
    ).all()
    found = {(row.location_id, row.sku): row.units for row in rows}
    for key in ((location_id, sku), (ANY, sku), (location_id, ANY)):
        if key in found:
            return found[key]
    return 0


def _buffer_sql(sku_column, location_column):
    def rule(location, item):
        return (
            select(buffer_rules.c.units)
            .where(buffer_rules.c.location_id == location, buffer_rules.c.sku == item)
            .scalar_subquery()
        )

    return func.coalesce(
        rule(location_column, sku_column),
        rule(ANY, sku_column),
        rule(location_column, ANY),
        0,
    )


def set_buffer_rule(
    connection: Connection,
    location_id: str | None,
    sku: str | None,
    units: int,
    now: datetime,
) -> BufferRule:
    """Store a buffer rule and re-resolve the buffer of every row it touches."""
    if location_id is None and sku is None:
        raise invalid(
            ErrorCode.INVALID_REQUEST, "a buffer rule names a location, a SKU or both"
        )
    if location_id is not None:
        reads.get_location(connection, location_id)
    if sku is not None:
        sku = reads.get_product(connection, sku).sku
    key = {"location_id": location_id or ANY, "sku": sku or ANY}

    updated = connection.execute(
        update(buffer_rules)
        .where(
            buffer_rules.c.location_id == key["location_id"],
            buffer_rules.c.sku == key["sku"],
        )
        .values(units=units, updated_at=now)
    )
    if updated.rowcount == 0:
        connection.execute(
            buffer_rules.insert(), {**key, "units": units, "updated_at": now}
        )

    touched = []
    if location_id is not None:
        touched.append(stock.c.location_id == location_id)
    if sku is not None:
        touched.append(stock.c.sku == sku)
    result = connection.execute(
        update(stock)
        .where(and_(*touched))
        .values(buffer=_buffer_sql(stock.c.sku, stock.c.location_id))
    )
    record_event(
        connection,
        "stock.buffer_rule_set",
        {"location_id": location_id, "sku": sku, "units": units},
        now=now,
    )
    return BufferRule(
        location_id=location_id,
        sku=sku,
        units=units,
        updated_at=now,
        stock_rows_updated=result.rowcount,
    )


def is_stock_holder(kind: LocationKind) -> bool:
    """Whether locations of ``kind`` hold stock."""
    return kind not in STOCKLESS_KINDS
