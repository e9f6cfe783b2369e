"""``/v1/locations``: the network, its states (lift and shift) and hours."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from oms_core import lift_shift, reads
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    ApiError,
    Location,
    LocationStateChange,
    LocationStateResult,
    OpeningHoursChange,
    Page,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.device_access import require_admin
from oms_core.routes.writes import write_transaction

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/locations", tags=["locations"])


@router.get("", response_model=Page[Location])
def list_locations(connection: ReadConnection) -> Page[Location]:
    """Every location."""
    return Page[Location](items=reads.list_locations(connection))


@router.get(
    "/{location_id}", response_model=Location, responses={404: {"model": ApiError}}
)
def get_location(
    connection: ReadConnection,
    location_id: Annotated[str, Path(pattern=LOCATION_ID_PATTERN)],
) -> Location:
    """One location by id."""
    return reads.get_location(connection, location_id)


LocationPath = Annotated[str, Path(pattern=LOCATION_ID_PATTERN)]


@router.put(
    "/{location_id}/state",
    response_model=LocationStateResult,
    responses={403: {"model": ApiError}, 404: {"model": ApiError}},
    dependencies=[Depends(require_admin)],
)
def set_state(
    engine: DbEngine, location_id: LocationPath, body: LocationStateChange
) -> LocationStateResult:
    """Open, dark (fulfilment only) or closed; a closed one's orders move."""
    with write_transaction(engine) as connection:
        return lift_shift.set_state(connection, location_id, body, datetime.now(UTC))


@router.put(
    "/{location_id}/opening-hours",
    response_model=Location,
    responses={
        403: {"model": ApiError},
        404: {"model": ApiError},
        422: {"model": ApiError},
    },
    dependencies=[Depends(require_admin)],
)
def set_opening_hours(
    engine: DbEngine, location_id: LocationPath, body: OpeningHoursChange
) -> Location:
    """New opening hours (OpenStreetMap syntax, the location's own zone)."""
    with write_transaction(engine) as connection:
        return lift_shift.set_opening_hours(
            connection, location_id, body.opening_hours, datetime.now(UTC)
        )
