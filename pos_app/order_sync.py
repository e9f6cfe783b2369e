"""Hands outbox rows to the engine and classifies what came back."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from offline_store import Accepted, Rejected, RetryLater, SendResult
from oms_client import (
    OmsClient,
    OmsConflict,
    OmsRejected,
    OmsServerError,
    OmsUnreachable,
)
from oms_client.models import OrderRequest

logger = logging.getLogger(__name__)

Sender = Callable[[uuid.UUID, dict[str, Any]], Awaitable[SendResult]]


def engine_sender(client: OmsClient) -> Sender:
    """A sender for the sync worker that creates orders through ``client``.

    Network trouble and server errors are retried later; an order the engine
    refuses (no stock, invalid) is parked for a person; the same order id is
    the idempotency key on every try, so a retry never doubles an order.
    """

    async def send(order_id: uuid.UUID, payload: dict[str, Any]) -> SendResult:
        try:
            request = OrderRequest.model_validate(payload)
        except ValidationError as exc:
            logger.warning("Outbox order %s does not validate", order_id)
            return Rejected(f"The stored order is not valid: {exc.errors()[0]['msg']}")

        try:
            order = await client.create_order(order_id, request)
        except OmsUnreachable as exc:
            return RetryLater(str(exc), exc.retry_after)
        except OmsServerError as exc:
            return RetryLater(str(exc), None)
        except (OmsConflict, OmsRejected) as exc:
            return Rejected(_reason(exc))
        return Accepted(order.model_dump(mode="json"))

    return send


def _reason(exc: OmsConflict | OmsRejected) -> str:
    error = getattr(exc, "error", None)
    message = getattr(error, "message", None)
    return message or str(exc)
