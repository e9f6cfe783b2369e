"""``/v1/holds``: basket holds that reserve stock for a limited time."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path

from oms_core import holds
from oms_core.api_models import ApiError, Hold, HoldRequest
from oms_core.deps import DbEngine, ReadConnection
from oms_core.routes.writes import write_transaction

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/holds", tags=["holds"])

HoldPath = Annotated[uuid.UUID, Path()]


@router.post(
    "",
    response_model=Hold,
    status_code=201,
    responses={409: {"model": ApiError}, 422: {"model": ApiError}},
)
def create_hold(engine: DbEngine, body: HoldRequest) -> Hold:
    """Reserve a basket until the channel's hold time runs out."""
    with write_transaction(engine) as connection:
        return holds.create(connection, body, datetime.now(UTC))


@router.get("/{hold_id}", response_model=Hold, responses={404: {"model": ApiError}})
def get_hold(connection: ReadConnection, hold_id: HoldPath) -> Hold:
    """One hold."""
    return holds.get(connection, hold_id)


@router.delete(
    "/{hold_id}",
    response_model=Hold,
    responses={404: {"model": ApiError}, 409: {"model": ApiError}},
)
def release_hold(engine: DbEngine, hold_id: HoldPath) -> Hold:
    """End a hold early; its units go back to the pool."""
    with write_transaction(engine) as connection:
        return holds.release(connection, hold_id, datetime.now(UTC))
