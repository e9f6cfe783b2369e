"""Typed calls for order tracking, the process, store tasks and payments.

:class:`ProcessCalls` is a mixin of :class:`~oms_client.client.OmsClient`:
it uses the client's ``_get`` (retried) and ``_send_once`` (never retried;
the engine makes the writes safe to repeat where it matters: a payment
answer counts once, a claim by the same person is a no-op).
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import date, datetime
from typing import Any

import httpx

from oms_client.transport import parse_list, parse_model
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    CancelRequest,
    ClaimTaskRequest,
    CollectionBooking,
    CollectionSlot,
    CollectionSlotRequest,
    CompleteTaskRequest,
    ExceptionResolution,
    FoundLine,
    Invoice,
    LineQuantity,
    OrderEvent,
    OrderTracking,
    PaymentAnswer,
    PaymentPlan,
    PaymentPlanRequest,
    PaymentSummary,
    ProcessEventRequest,
    ProcessView,
    RefundRequest,
    ReturnRequest,
    StoreTask,
    SwitchProcessRequest,
)

logger = logging.getLogger(__name__)

MAX_PICTURE_BYTES = 2 * 1024 * 1024


def _uuid(value: uuid.UUID, what: str) -> uuid.UUID:
    if not isinstance(value, uuid.UUID):
        raise ValueError(f"{what} is a UUID: {value!r}")
    return value


def _location(value: str) -> str:
    if not isinstance(value, str) or not re.match(LOCATION_ID_PATTERN, value):
        raise ValueError(f"not a location id: {value!r}")
    return value


class ProcessCalls:
    """Calls of the order process, tasks, payments and events endpoints."""

    async def _get(self, path: str, *, params: Any = None) -> httpx.Response:
        raise NotImplementedError

    async def _send_once(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        raise NotImplementedError

    async def _post(self, path: str, body: Any) -> httpx.Response:
        return await self._send_once("POST", path, json=body.model_dump(mode="json"))

    # -- tracking and process -------------------------------------------------

    async def get_tracking(self, order_id: uuid.UUID) -> OrderTracking:
        """The order with its state, timeline and payments."""
        order_id = _uuid(order_id, "an order id")
        response = await self._get(f"/v1/orders/{order_id}/tracking")
        return parse_model(response, OrderTracking, "order tracking")

    async def find_orders(
        self, *, email: str | None = None, phone: str | None = None
    ) -> list[OrderTracking]:
        """A customer's orders by e-mail or phone, from any store."""
        if not email and not phone:
            raise ValueError("give an email or a phone number")
        params = {k: v for k, v in (("email", email), ("phone", phone)) if v}
        response = await self._get("/v1/tracking", params=params)
        return parse_list(response, OrderTracking, "order search")

    async def get_process(self, order_id: uuid.UUID) -> ProcessView:
        """Where the order is in its process."""
        order_id = _uuid(order_id, "an order id")
        response = await self._get(f"/v1/orders/{order_id}/process")
        return parse_model(response, ProcessView, "order process")

    async def process_picture(
        self, order_id: uuid.UUID, group: int | None = None
    ) -> bytes:
        """A shipment group's process as SVG bytes, its state outlined.

        Without ``group``: the order's first group still running.
        """
        order_id = _uuid(order_id, "an order id")
        params = {"group": int(group)} if group is not None else None
        response = await self._get(f"/v1/orders/{order_id}/process.svg", params=params)
        if len(response.content) > MAX_PICTURE_BYTES:
            raise ValueError("the process picture is larger than allowed")
        return response.content

    async def switch_process(self, order_id: uuid.UUID, process: str) -> ProcessView:
        """Run the order on another process (``curbside``) before release."""
        order_id = _uuid(order_id, "an order id")
        body = SwitchProcessRequest(process=process)
        response = await self._send_once(
            "PUT", f"/v1/orders/{order_id}/process", json=body.model_dump(mode="json")
        )
        return parse_model(response, ProcessView, "process switch")

    async def send_process_event(self, order_id: uuid.UUID, event: str) -> ProcessView:
        """An outside event for the order (``arrived``, ``delivered``, ...)."""
        order_id = _uuid(order_id, "an order id")
        body = ProcessEventRequest(event=event)
        response = await self._post(f"/v1/orders/{order_id}/process/events", body)
        return parse_model(response, ProcessView, "process event")

    async def cancel_order(
        self, order_id: uuid.UUID, lines: list[LineQuantity] | None = None
    ) -> OrderTracking:
        """Cancel the whole order, or the given units of some lines."""
        order_id = _uuid(order_id, "an order id")
        body = CancelRequest(lines=lines)
        response = await self._post(f"/v1/orders/{order_id}/cancel", body)
        return parse_model(response, OrderTracking, "cancellation")

    async def return_lines(
        self, order_id: uuid.UUID, location_id: str, lines: list[LineQuantity]
    ) -> OrderTracking:
        """Goods brought back to ``location_id``; refunded by the engine."""
        order_id = _uuid(order_id, "an order id")
        body = ReturnRequest(location_id=_location(location_id), lines=lines)
        response = await self._post(f"/v1/orders/{order_id}/returns", body)
        return parse_model(response, OrderTracking, "return")

    # -- tasks ----------------------------------------------------------------

    async def list_tasks(self, location_id: str) -> list[StoreTask]:
        """The location's open and claimed tasks."""
        path = f"/v1/locations/{_location(location_id)}/tasks"
        response = await self._get(path)
        return parse_list(response, StoreTask, "task list")

    async def collection_slots(
        self, location_id: str, day: date, order_id: uuid.UUID | None = None
    ) -> list[CollectionSlot]:
        """The store's collection slots starting on local ``day`` (with the
        order's readiness when ``order_id`` is given)."""
        params: dict[str, str] = {"date": day.isoformat()}
        if order_id is not None:
            params["order_id"] = str(_uuid(order_id, "an order id"))
        path = f"/v1/locations/{_location(location_id)}/collection-slots"
        response = await self._get(path, params=params)
        return parse_list(response, CollectionSlot, "collection slots")

    async def book_collection_slot(
        self,
        order_id: uuid.UUID,
        starts_at: datetime,
        location_id: str | None = None,
    ) -> CollectionBooking:
        """Book (or move) a collect order's slot by the slot's start."""
        order_id = _uuid(order_id, "an order id")
        body = CollectionSlotRequest(starts_at=starts_at, location_id=location_id)
        response = await self._send_once(
            "PUT",
            f"/v1/orders/{order_id}/collection-slot",
            json=body.model_dump(mode="json"),
        )
        return parse_model(response, CollectionBooking, "collection slot")

    async def claim_task(self, task_id: uuid.UUID, staff: str) -> StoreTask:
        """Take an open task."""
        task_id = _uuid(task_id, "a task id")
        body = ClaimTaskRequest(staff=staff)
        response = await self._post(f"/v1/tasks/{task_id}/claim", body)
        return parse_model(response, StoreTask, "task claim")

    async def complete_task(
        self,
        task_id: uuid.UUID,
        staff: str,
        found: list[FoundLine] | None = None,
        resolution: ExceptionResolution | None = None,
    ) -> StoreTask:
        """Finish a task; a pick may report fewer found.

        A ``line_exception`` task needs ``resolution``: one of its options.
        """
        task_id = _uuid(task_id, "a task id")
        body = CompleteTaskRequest(
            staff=staff, found=found or [], resolution=resolution
        )
        response = await self._post(f"/v1/tasks/{task_id}/complete", body)
        return parse_model(response, StoreTask, "task completion")

    # -- payments and events ----------------------------------------------------

    async def set_payment_plan(
        self, order_id: uuid.UUID, plan: PaymentPlanRequest
    ) -> PaymentPlan:
        """Set how the order is paid."""
        order_id = _uuid(order_id, "an order id")
        response = await self._send_once(
            "PUT",
            f"/v1/orders/{order_id}/payment-plan",
            json=plan.model_dump(mode="json"),
        )
        return parse_model(response, PaymentPlan, "payment plan")

    async def record_payment(
        self, order_id: uuid.UUID, answer: PaymentAnswer
    ) -> PaymentSummary:
        """Record a terminal slip or provider answer (a repeat counts once)."""
        order_id = _uuid(order_id, "an order id")
        response = await self._post(f"/v1/orders/{order_id}/payments", answer)
        return parse_model(response, PaymentSummary, "payment")

    async def get_payments(self, order_id: uuid.UUID) -> PaymentSummary:
        """The order's plan, totals and payment records."""
        order_id = _uuid(order_id, "an order id")
        response = await self._get(f"/v1/orders/{order_id}/payments")
        return parse_model(response, PaymentSummary, "payments")

    async def refund(
        self, order_id: uuid.UUID, request: RefundRequest
    ) -> PaymentSummary:
        """Refund an amount (never above what was captured)."""
        order_id = _uuid(order_id, "an order id")
        response = await self._post(f"/v1/orders/{order_id}/refunds", request)
        return parse_model(response, PaymentSummary, "refund")

    async def issue_invoice(self, order_id: uuid.UUID) -> Invoice:
        """Issue or re-issue the final invoice."""
        order_id = _uuid(order_id, "an order id")
        response = await self._send_once("POST", f"/v1/orders/{order_id}/invoices")
        return parse_model(response, Invoice, "invoice")

    async def list_events(self, after: int = 0, limit: int = 100) -> list[OrderEvent]:
        """Events after the cursor ``after``, oldest first."""
        if after < 0 or not 1 <= limit <= 1000:
            raise ValueError("after is at least 0 and limit 1-1000")
        response = await self._get(
            "/v1/events", params={"after": after, "limit": limit}
        )
        return parse_list(response, OrderEvent, "events")
