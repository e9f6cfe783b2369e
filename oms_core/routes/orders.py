"""``/v1/orders``: place an order (idempotent by key) and read orders."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response

from oms_core import orders, sale_details
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    ApiError,
    ErrorCode,
    Order,
    OrderRequest,
    Page,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.device_access import require_order_reader
from oms_core.errors import EngineError, invalid, not_found

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/orders", tags=["orders"])


@router.post(
    "",
    response_model=Order,
    status_code=201,
    responses={
        200: {"model": Order, "description": "a replay of a stored order"},
        400: {"model": ApiError},
        409: {"model": ApiError},
        422: {"model": ApiError},
    },
)
def place_order(
    engine: DbEngine,
    body: OrderRequest,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
) -> Order:
    """Create an order; its id is the ``Idempotency-Key`` header (a UUID)."""
    if idempotency_key is None or not idempotency_key.strip():
        raise EngineError(
            400,
            ErrorCode.IDEMPOTENCY_KEY_MISSING,
            "the Idempotency-Key header (the order id, a UUID) is required",
        )
    try:
        order_id = uuid.UUID(idempotency_key.strip())
    except ValueError as exc:
        raise invalid(
            ErrorCode.INVALID_REQUEST, "the Idempotency-Key header must be a UUID"
        ) from exc

    placed = orders.place_order(engine, order_id, body)
    response.status_code = 201 if placed.created else 200
    return placed.order


@router.get(
    "/by-reference/{reference}",
    response_model=Order,
    responses={404: {"model": ApiError}, 422: {"model": ApiError}},
)
def find_by_reference(
    connection: ReadConnection,
    request: Request,
    reference: Annotated[str, Path(min_length=4, max_length=16)],
) -> Order:
    """The one order with the receipt reference ``OA-`` + eight hex digits."""
    order = orders.load_order(
        connection, sale_details.find_by_reference(connection, reference)
    )
    if order is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such order")
    require_order_reader(request, order.selling_location_id)
    return order


@router.get("/{order_id}", response_model=Order, responses={404: {"model": ApiError}})
def get_order(
    connection: ReadConnection,
    request: Request,
    order_id: Annotated[uuid.UUID, Path()],
) -> Order:
    """One order by id (staff: any store's; a kiosk: its own store's)."""
    order = orders.load_order(connection, order_id)
    if order is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such order", order_id=str(order_id))
    require_order_reader(request, order.selling_location_id)
    return order


@router.get("", response_model=Page[Order])
def list_orders(
    connection: ReadConnection,
    location: Annotated[str | None, Query(pattern=LOCATION_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Page[Order]:
    """Orders sold at or sourced from ``location`` (or all), newest first."""
    return Page[Order](items=orders.list_orders(connection, location, limit))
