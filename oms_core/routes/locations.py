"""``/v1/locations``: stores and distribution centres."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path

from oms_core import reads
from oms_core.api_models import LOCATION_ID_PATTERN, ApiError, Location, Page
from oms_core.deps import ReadConnection

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
