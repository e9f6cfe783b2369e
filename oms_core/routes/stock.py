"""``/v1/stock``: ATP here, nearby and network-wide; adjustments and buffers."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from oms_core import geo, holds, inventory, reads
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    SKU_PATTERN,
    ApiError,
    BufferRule,
    BufferRuleRequest,
    ErrorCode,
    NetworkStock,
    Page,
    StockAdjustmentRequest,
    StockLevel,
    StockRecord,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.device_access import require_admin, require_store_operator
from oms_core.errors import invalid
from oms_core.routes.writes import write_transaction

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


@router.put(
    "/buffers",
    response_model=BufferRule,
    responses={
        403: {"model": ApiError},
        404: {"model": ApiError},
        422: {"model": ApiError},
    },
)
def set_buffer(
    engine: DbEngine, request: Request, body: BufferRuleRequest
) -> BufferRule:
    """A safety buffer by location, item, or item at location.

    One store's buffer is a store operation; a network-wide one (no
    location) is network administration.
    """
    if body.location_id is None:
        require_admin(request)
    else:
        require_store_operator(request, body.location_id)

    with write_transaction(engine) as connection:
        return inventory.set_buffer_rule(
            connection, body.location_id, body.sku, body.units, datetime.now(UTC)
        )


@router.get(
    "/{sku}/network",
    response_model=NetworkStock,
    responses={404: {"model": ApiError}},
)
def network_stock(connection: ReadConnection, sku: SkuPath) -> NetworkStock:
    """``sku`` across the whole pool."""
    return inventory.network_stock(connection, sku)


@router.get(
    "/{sku}/locations/{location_id}",
    response_model=StockRecord,
    responses={404: {"model": ApiError}},
)
def stock_record(
    connection: ReadConnection,
    sku: SkuPath,
    location_id: Annotated[str, Path(pattern=LOCATION_ID_PATTERN)],
) -> StockRecord:
    """On hand, reserved, buffer, ATP, in transit and count time at one place."""
    product = reads.get_product(connection, sku)
    place = reads.get_location(connection, location_id)
    return inventory.stock_record(connection, product.sku, place.id)


@router.post(
    "/{sku}/adjustments",
    response_model=StockRecord,
    status_code=201,
    responses={
        403: {"model": ApiError},
        404: {"model": ApiError},
        409: {"model": ApiError},
    },
)
def adjust(
    engine: DbEngine, request: Request, sku: SkuPath, body: StockAdjustmentRequest
) -> StockRecord:
    """Receipt, count, transfer, till sale or damage; each is an event.

    A store operation: a till adjusts its own store (a transfer leaves from
    it), an admin any location, a kiosk none.
    """
    require_store_operator(request, body.location_id)

    now = datetime.now(UTC)
    with write_transaction(engine) as connection:
        holds.expire_due(connection, now)
        return inventory.adjust(connection, sku, body, now)
