"""``/v1/parked-baskets``: park, list and recall (once) a store's baskets."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query

from oms_core import parked_baskets
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    ApiError,
    Page,
    ParkedBasket,
    ParkRequest,
    RecallRequest,
)
from oms_core.deps import DbEngine, ReadConnection

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/parked-baskets", tags=["parked baskets"])


@router.post(
    "",
    response_model=ParkedBasket,
    status_code=201,
    responses={404: {"model": ApiError}},
)
def park(engine: DbEngine, request: ParkRequest) -> ParkedBasket:
    """Park a basket; the answer carries the code to recall it by."""
    return parked_baskets.park(engine, request)


@router.get("", response_model=Page[ParkedBasket])
def list_parked(
    connection: ReadConnection,
    location: Annotated[str, Query(pattern=LOCATION_ID_PATTERN)],
) -> Page[ParkedBasket]:
    """The store's baskets still waiting, newest first."""
    return Page[ParkedBasket](items=parked_baskets.list_parked(connection, location))


@router.post(
    "/recall",
    response_model=ParkedBasket,
    responses={404: {"model": ApiError}, 409: {"model": ApiError}},
)
def recall(engine: DbEngine, request: RecallRequest) -> ParkedBasket:
    """Take a parked basket over; a second recall of the same code is a 409."""
    return parked_baskets.recall(engine, request)
