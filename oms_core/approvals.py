"""Supervisor approvals (price overrides, discounts), recorded on the order.

The supervisor types their own staff number and PIN on the device that asks;
the engine checks them and the role, and records who asked, who approved,
what and why, in one transaction. The order id is the device-made one, so an
approval may be recorded before the order itself leaves the device's outbox.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select

from oms_core.api_models import (
    Approval,
    ApprovalKind,
    ApprovalRequest,
    ErrorCode,
    Money,
    StaffRole,
)
from oms_core.db.engine import WRITE
from oms_core.db.store_ops_schema import order_approvals
from oms_core.errors import invalid
from oms_core.sale_pricing import APPROVAL_VALID_FOR
from oms_core.staff import require_role, sign_in

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    """One write transaction (taken at once on SQLite, so it cannot deadlock)."""
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            yield connection


def record_approval(
    engine: Engine,
    order_id: uuid.UUID,
    request: ApprovalRequest,
    now: datetime | None = None,
) -> Approval:
    """Check the supervisor, then record the approval on ``order_id``.

    It may price that order, at the store it names, until it expires.
    """
    _check_amount(request)
    supervisor = sign_in(
        engine, request.supervisor_number, request.supervisor_pin, now=now
    )
    require_role(supervisor, StaffRole.SUPERVISOR)

    approved_at = now or datetime.now(UTC)
    approval = Approval(
        id=uuid.uuid4(),
        order_id=order_id,
        kind=request.kind,
        sku=request.sku,
        amount=request.amount,
        reason=request.reason,
        requested_by=request.requested_by,
        approved_by=supervisor.staff_number,
        approved_at=approved_at,
        location_id=request.location_id,
        expires_at=approved_at + APPROVAL_VALID_FOR,
    )
    with _write(engine) as connection:
        connection.execute(
            insert(order_approvals).values(
                id=approval.id,
                order_id=order_id,
                kind=str(approval.kind),
                sku=approval.sku,
                amount_minor=approval.amount.amount,
                currency=approval.amount.currency,
                reason=approval.reason,
                requested_by=approval.requested_by,
                approved_by=approval.approved_by,
                approved_at=approval.approved_at,
                location_id=approval.location_id,
                expires_at=approval.expires_at,
            )
        )
    logger.info(
        "Approval %s (%s) on order %s by %s",
        approval.id,
        approval.kind,
        order_id,
        approval.approved_by,
    )
    return approval


def approvals_of(connection: Connection, order_id: uuid.UUID) -> list[Approval]:
    """Every approval recorded on ``order_id``, oldest first."""
    rows = connection.execute(
        select(order_approvals)
        .where(order_approvals.c.order_id == order_id)
        .order_by(order_approvals.c.approved_at, order_approvals.c.id)
    )
    return [
        Approval(
            id=row.id,
            order_id=row.order_id,
            kind=row.kind,
            sku=row.sku,
            amount=Money(amount=row.amount_minor, currency=row.currency),
            reason=row.reason,
            requested_by=row.requested_by,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            location_id=row.location_id,
            expires_at=row.expires_at,
            used_by_order_id=row.used_by_order_id,
        )
        for row in rows
    ]


def _check_amount(request: ApprovalRequest) -> None:
    """An override names its SKU and a price; a discount a positive amount."""
    if request.kind == ApprovalKind.PRICE_OVERRIDE:
        if request.sku is None:
            raise invalid(ErrorCode.INVALID_REQUEST, "a price override names a SKU")
        if request.amount.amount < 0:
            raise invalid(ErrorCode.INVALID_REQUEST, "a price is not negative")
    elif request.amount.amount <= 0:
        raise invalid(ErrorCode.INVALID_REQUEST, "a discount is more than zero")
