"""``/v1/locations/{id}/collection-slots`` and an order's collection slot."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    ApiError,
    CollectionBooking,
    CollectionSlot,
    CollectionSlotRequest,
    ErrorCode,
    Page,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.errors import not_found
from oms_core.process import service, slot_bookings

logger = logging.getLogger(__name__)

router = APIRouter(tags=["collection slots"])
ERRORS = {404: {"model": ApiError}, 409: {"model": ApiError}, 422: {"model": ApiError}}
LocationPath = Annotated[str, Path(pattern=LOCATION_ID_PATTERN)]


@router.get(
    "/v1/locations/{location_id}/collection-slots",
    response_model=Page[CollectionSlot],
    responses=ERRORS,
)
def list_slots(
    connection: ReadConnection,
    location_id: LocationPath,
    day: Annotated[date, Query(alias="date", description="local date at the store")],
    order_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[CollectionSlot]:
    """The collection slots that start on a local date at the store.

    Each slot is given in UTC and in the store's zone (with the offset of
    that moment: on the day the clocks go back the repeated hour is listed
    twice). Slots follow the opening hours, overnight openings included
    (the small hours belong to the date they fall on), and show their
    capacity and bookings; ``available`` is False for a full slot, one
    that starts within the lead time, or, with ``order_id``, one before
    the order's goods are due at the store.
    """
    return Page[CollectionSlot](
        items=slot_bookings.list_slots(
            connection, location_id, day, datetime.now(UTC), order_id=order_id
        )
    )


@router.put(
    "/v1/orders/{order_id}/collection-slot",
    response_model=CollectionBooking,
    responses=ERRORS,
)
def book_slot(
    engine: DbEngine,
    order_id: Annotated[uuid.UUID, Path()],
    body: CollectionSlotRequest,
) -> CollectionBooking:
    """Book (or move) a collect order's slot, by the slot's start."""
    return service.in_write(
        engine, lambda conn, now: slot_bookings.book(conn, order_id, body, now)
    )


@router.get(
    "/v1/orders/{order_id}/collection-slot",
    response_model=CollectionBooking,
    responses=ERRORS,
)
def get_slot(
    connection: ReadConnection, order_id: Annotated[uuid.UUID, Path()]
) -> CollectionBooking:
    """The order's booked collection slot (404 when none is booked)."""
    booking = slot_bookings.booking_of(connection, order_id)
    if booking is None:
        raise not_found(ErrorCode.NOT_FOUND, "no collection slot is booked")
    return booking
