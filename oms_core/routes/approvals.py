"""``/v1/orders/{id}/approvals``: supervisor approvals recorded on an order."""

from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter

from oms_core import approvals
from oms_core.api_models import ApiError, Approval, ApprovalRequest, Page
from oms_core.deps import DbEngine, ReadConnection

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/orders", tags=["approvals"])


@router.post(
    "/{order_id}/approvals",
    response_model=Approval,
    status_code=201,
    responses={
        401: {"model": ApiError},
        403: {"model": ApiError},
        423: {"model": ApiError},
    },
)
def approve(
    engine: DbEngine, order_id: uuid.UUID, request: ApprovalRequest
) -> Approval:
    """Record a supervisor's approval, checked against their own PIN."""
    return approvals.record_approval(engine, order_id, request)


@router.get("/{order_id}/approvals", response_model=Page[Approval])
def list_approvals(connection: ReadConnection, order_id: uuid.UUID) -> Page[Approval]:
    """The approvals recorded on one order, oldest first."""
    return Page[Approval](items=approvals.approvals_of(connection, order_id))
