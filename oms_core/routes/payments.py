"""``/v1/orders/{id}/payment-plan``, ``payments``, ``refunds``, ``invoices``."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from oms_core.api_models import (
    ApiError,
    ErrorCode,
    Invoice,
    PaymentAnswer,
    PaymentPlan,
    PaymentPlanRequest,
    PaymentSummary,
    RefundRequest,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.errors import invalid
from oms_core.payments import intents, ledger
from oms_core.process import service
from oms_core.process.payment_events import on_answer
from oms_core.routes.order_process import providers

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/orders/{order_id}", tags=["payments"])
OrderId = Annotated[uuid.UUID, Path()]
ERRORS = {404: {"model": ApiError}, 409: {"model": ApiError}, 422: {"model": ApiError}}


@router.put("/payment-plan", response_model=PaymentPlan, responses=ERRORS)
def set_plan(
    engine: DbEngine, order_id: OrderId, body: PaymentPlanRequest
) -> PaymentPlan:
    """Set how the order is paid (refused once money has moved)."""
    return service.in_write(
        engine, lambda conn, now: ledger.set_plan(conn, order_id, body, now)
    )


@router.get("/payments", response_model=PaymentSummary, responses=ERRORS)
def get_payments(connection: ReadConnection, order_id: OrderId) -> PaymentSummary:
    """The plan, totals and every provider answer."""
    return ledger.summary(connection, order_id)


@router.post("/payments", response_model=PaymentSummary, responses=ERRORS)
def record_payment(
    engine: DbEngine, order_id: OrderId, body: PaymentAnswer, response: Response
) -> PaymentSummary:
    """A provider's answer; a repeat is answered 200 and changes nothing."""

    def act(conn, now):
        stored = on_answer(conn, order_id, body, now)
        response.status_code = 201 if stored else 200
        return ledger.summary(conn, order_id)

    return service.in_write(engine, act)


@router.post("/refunds", response_model=PaymentSummary, responses=ERRORS)
def refund(
    engine: DbEngine, request: Request, order_id: OrderId, body: RefundRequest
) -> PaymentSummary:
    """Refund an amount, never more than captured and not yet refunded.

    The request is recorded and committed, then the provider is asked; one
    that does not answer is asked again by the job runner (the refund shows
    under ``pending`` until it answers).
    """
    chosen = providers(request)
    if body.provider not in chosen:
        raise invalid(ErrorCode.INVALID_REQUEST, f"no provider {body.provider!r}")

    def act(conn, now):
        ledger.refund(
            conn, order_id, body.amount.amount, provider=chosen[body.provider], now=now
        )

    service.in_write(engine, act)
    intents.dispatch(engine, chosen, order_id=order_id)
    with engine.connect() as connection:
        return ledger.summary(connection, order_id)


@router.post("/invoices", response_model=Invoice, status_code=201, responses=ERRORS)
def issue_invoice(engine: DbEngine, order_id: OrderId) -> Invoice:
    """Issue (or re-issue) the final invoice; payments taken are credited."""
    return service.in_write(
        engine, lambda conn, now: ledger.issue_final_invoice(conn, order_id, now)
    )
