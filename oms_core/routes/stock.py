"""``/v1/stock``: available-to-promise here, at a location and nearby."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Path, Query

from oms_core import geo, reads
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    SKU_PATTERN,
    ApiError,
    ErrorCode,
    Page,
    StockLevel,
)
from oms_core.deps import ReadConnection
from oms_core.errors import invalid

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/stock", tags=["stock"])

SkuPath = Annotated[str, Path(pattern=SKU_PATTERN)]


@router.get(
    "/{sku}", response_model=Page[StockLevel], responses={404: {"model": ApiError}}
)
def stock_of(
    connection: ReadConnection,
    sku: SkuPath,
    location: Annotated[str | None, Query(pattern=LOCATION_ID_PATTERN)] = None,
) -> Page[StockLevel]:
    """ATP of ``sku`` at ``location``, or at every location that has some."""
    return Page[StockLevel](items=reads.stock_at(connection, sku, location))


@router.get(
    "/{sku}/nearby",
    response_model=Page[StockLevel],
    responses={404: {"model": ApiError}},
)
def stock_nearby(
    connection: ReadConnection,
    sku: SkuPath,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    postcode: Annotated[str | None, Query(min_length=2, max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Page[StockLevel]:
    """Locations holding ATP of ``sku``, nearest to a point or postcode first."""
    if postcode is not None and lat is None and lon is None:
        point = reads.district_point(connection, postcode)
    elif postcode is None and lat is not None and lon is not None:
        point = geo.Point(lat, lon)
    else:
        raise invalid(
            ErrorCode.INVALID_REQUEST,
            "give either lat and lon, or postcode",
        )
    return Page[StockLevel](items=reads.nearby(connection, sku, point, limit))
