"""Collection slots of a store and the slot an order books.

A store's slots for a local date come from its opening hours
(:func:`oms_core.process.slots.slots_on`). Each slot takes at most
``SLOT_CAPACITY`` orders; one that starts less than ``LEAD_TIME`` from now
is not offered. A slot for an order is also not offered before the day its
goods are due at the store (the latest ``earliest_date`` of its collect
lines). Bookings count per location and start; a booking is made under the
location's row lock, so two orders never take a slot's last place.

TODO: capacity and lead time are one setting for every store; a store
that needs its own (a small kiosk, a depot) has no field for it yet.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, func, select

from oms_core import network, orders
from oms_core.api_models import (
    CollectFulfilment,
    CollectionBooking,
    CollectionSlot,
    CollectionSlotRequest,
    ErrorCode,
    Order,
    OrderStatus,
)
from oms_core.db.order_flow_schema import collection_bookings
from oms_core.db.schema import locations
from oms_core.db.schema import orders as orders_table
from oms_core.errors import conflict, invalid, not_found
from oms_core.events import record_event
from oms_core.process.slots import SlotTime, slots_on

logger = logging.getLogger(__name__)

SLOT_CAPACITY = 6
LEAD_TIME = timedelta(hours=2)
MAX_DAYS_AHEAD = 400


def list_slots(
    conn: Connection,
    location_id: str,
    day: date,
    now: datetime,
    *,
    order_id: uuid.UUID | None = None,
) -> list[CollectionSlot]:
    """The slots starting on local ``day`` at the location, with their places.

    With ``order_id``, slots before the order's goods are due are not
    available.
    """
    row = _location(conn, location_id)
    _check_day(day, now, row.timezone)
    hours = network.hours_of(row.opening_hours)
    if hours is None:
        raise conflict(
            ErrorCode.SLOT_UNAVAILABLE,
            "the location has no opening hours, so no collection slots",
            location_id=location_id,
        )
    earliest = now + LEAD_TIME
    if order_id is not None:
        order = _order(conn, order_id)
        earliest = max(earliest, _ready_at(order, location_id, row.timezone))

    times = slots_on(hours, day, row.timezone)
    counts = _booked(conn, location_id, [t.starts_at for t in times])
    return [
        _slot(t, counts.get(t.starts_at, 0), t.starts_at >= earliest) for t in times
    ]


def book(
    conn: Connection,
    order_id: uuid.UUID,
    request: CollectionSlotRequest,
    now: datetime,
) -> CollectionBooking:
    """Book (or move) the order's collection slot; refused if it is not offered."""
    order = _order(conn, order_id)
    if order.status is OrderStatus.CANCELLED:
        raise conflict(ErrorCode.SLOT_UNAVAILABLE, "the order is cancelled")
    location_id = _collection_location(order, request.location_id)
    # Bookings of one location queue here (PostgreSQL; SQLite has one writer).
    conn.execute(
        select(locations.c.id).where(locations.c.id == location_id).with_for_update()
    )
    starts_at = request.starts_at.astimezone(UTC)
    zone = _location(conn, location_id).timezone
    day = starts_at.astimezone(ZoneInfo(zone)).date()

    offered = {
        slot.starts_at: slot
        for slot in list_slots(conn, location_id, day, now, order_id=order_id)
    }
    slot = offered.get(starts_at)
    if slot is None:
        raise invalid(
            ErrorCode.SLOT_UNAVAILABLE,
            "no collection slot starts then: the store is closed or the time "
            "is not on a slot boundary",
        )
    mine = conn.execute(
        select(collection_bookings.c.starts_at).where(
            collection_bookings.c.order_id == order_id
        )
    ).scalar()
    if not slot.available and mine != starts_at:
        raise conflict(
            ErrorCode.SLOT_UNAVAILABLE,
            "that slot is full or too soon",
            capacity=slot.capacity,
            booked=slot.booked,
        )

    conn.execute(
        delete(collection_bookings).where(collection_bookings.c.order_id == order_id)
    )
    conn.execute(
        collection_bookings.insert().values(
            order_id=order_id,
            location_id=location_id,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            booked_at=now,
        )
    )
    record_event(
        conn,
        "order.collection_slot_booked",
        {"location_id": location_id, "starts_at": slot.starts_at.isoformat()},
        order_id,
        now=now,
    )
    logger.info("collection slot booked")
    return booking_of(conn, order_id)  # type: ignore[return-value]


def booking_of(conn: Connection, order_id: uuid.UUID) -> CollectionBooking | None:
    """The order's booked slot, if any."""
    row = conn.execute(
        select(collection_bookings, locations.c.timezone)
        .join(locations, locations.c.id == collection_bookings.c.location_id)
        .where(collection_bookings.c.order_id == order_id)
    ).first()
    if row is None:
        return None
    booked = _booked(conn, row.location_id, [row.starts_at])
    time_ = SlotTime(row.starts_at, row.ends_at, row.timezone)
    return CollectionBooking(
        order_id=order_id,
        location_id=row.location_id,
        slot=_slot(time_, booked.get(row.starts_at, 0), True),
        booked_at=row.booked_at,
    )


def _slot(times: SlotTime, booked: int, in_time: bool) -> CollectionSlot:
    return CollectionSlot(
        starts_at=times.starts_at,
        ends_at=times.ends_at,
        local_start=times.local_start,
        local_end=times.local_end,
        timezone=times.zone,
        capacity=SLOT_CAPACITY,
        booked=booked,
        available=in_time and booked < SLOT_CAPACITY,
    )


def _booked(
    conn: Connection, location_id: str, starts: list[datetime]
) -> dict[datetime, int]:
    """Orders not cancelled booked per slot start at the location."""
    if not starts:
        return {}
    rows = conn.execute(
        select(collection_bookings.c.starts_at, func.count())
        .join(orders_table, orders_table.c.id == collection_bookings.c.order_id)
        .where(
            collection_bookings.c.location_id == location_id,
            collection_bookings.c.starts_at.in_(starts),
            orders_table.c.status != OrderStatus.CANCELLED.value,
        )
        .group_by(collection_bookings.c.starts_at)
    ).all()
    return {row[0]: int(row[1]) for row in rows}


def _location(conn: Connection, location_id: str):
    row = conn.execute(
        select(locations.c.id, locations.c.timezone, locations.c.opening_hours).where(
            locations.c.id == location_id
        )
    ).first()
    if row is None:
        raise not_found(
            ErrorCode.UNKNOWN_LOCATION, "no such location", location_id=location_id
        )
    return row


def _order(conn: Connection, order_id: uuid.UUID) -> Order:
    order = orders.load_order(conn, order_id)
    if order is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such order", order_id=str(order_id))
    return order


def _check_day(day: date, now: datetime, zone: str) -> None:
    today = now.astimezone(ZoneInfo(zone)).date()
    if not today - timedelta(days=1) <= day <= today + timedelta(days=MAX_DAYS_AHEAD):
        raise invalid(
            ErrorCode.INVALID_REQUEST,
            f"slots are listed from today to {MAX_DAYS_AHEAD} days ahead",
        )


def _collection_location(order: Order, asked: str | None) -> str:
    """Where the order is collected: the one collect location, or ``asked``."""
    places = sorted(
        {
            line.fulfilment.location_id
            for line in order.lines
            if isinstance(line.fulfilment, CollectFulfilment)
        }
    )
    if not places:
        raise conflict(ErrorCode.SLOT_UNAVAILABLE, "the order has no collect line")
    if asked is not None:
        if asked not in places:
            raise invalid(
                ErrorCode.SLOT_UNAVAILABLE,
                "the order is not collected there",
                collected_at=places,
            )
        return asked
    if len(places) > 1:
        raise invalid(
            ErrorCode.SLOT_UNAVAILABLE,
            "the order is collected at several stores; name the location_id",
            collected_at=places,
        )
    return places[0]


def _ready_at(order: Order, location_id: str, zone: str) -> datetime:
    """The start of the local day the order's goods are due at the store."""
    due = [
        allocation.earliest_date
        for line in order.lines
        if isinstance(line.fulfilment, CollectFulfilment)
        and line.fulfilment.location_id == location_id
        for allocation in line.allocations
        if allocation.earliest_date is not None
    ]
    if not due:
        return datetime.min.replace(tzinfo=UTC)
    return datetime.combine(max(due), time(), tzinfo=ZoneInfo(zone))
