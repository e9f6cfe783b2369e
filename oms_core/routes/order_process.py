"""``/v1/orders/{id}/...``: process, cancel, returns; ``/v1/tracking``."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from oms_core.api_models import (
    MAX_ORDER_LINES,
    ApiError,
    CancelRequest,
    ErrorCode,
    OrderTracking,
    Page,
    ProcessEventRequest,
    ProcessView,
    ReturnRequest,
    SwitchProcessRequest,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.errors import invalid
from oms_core.process import engine as process
from oms_core.process import exceptions, group_views, service
from oms_core.process.diagram import render_svg

logger = logging.getLogger(__name__)

router = APIRouter(tags=["order process"])
OrderId = Annotated[uuid.UUID, Path()]
GroupNo = Annotated[int | None, Query(ge=0, lt=MAX_ORDER_LINES)]
ERRORS = {404: {"model": ApiError}, 409: {"model": ApiError}, 422: {"model": ApiError}}


def providers(request: Request):
    """The payment providers of the app serving this request."""
    return service.providers_or_default(
        getattr(request.app.state, "payment_providers", None)
    )


@router.get(
    "/v1/orders/{order_id}/process", response_model=ProcessView, responses=ERRORS
)
def get_process(
    connection: ReadConnection, order_id: OrderId, group: GroupNo = None
) -> ProcessView:
    """Where a shipment group is in its process and which events it accepts.

    Without ``group``: the first group still running.
    """
    return group_views.view(connection, order_id, group)


@router.get(
    "/v1/orders/{order_id}/processes",
    response_model=Page[ProcessView],
    responses=ERRORS,
)
def list_processes(connection: ReadConnection, order_id: OrderId) -> Page[ProcessView]:
    """Every shipment group of the order with its lines and where it is."""
    return Page[ProcessView](items=group_views.views(connection, order_id))


@router.get("/v1/orders/{order_id}/process.svg", responses=ERRORS)
def get_process_picture(
    connection: ReadConnection, order_id: OrderId, group: GroupNo = None
) -> Response:
    """A group's process as SVG, its current state outlined."""
    shown = group_views.view(connection, order_id, group)
    running = process.load_running(connection, order_id, group_no=shown.group)
    svg = render_svg(running.definition, running.state)
    return Response(svg, media_type="image/svg+xml")


@router.post(
    "/v1/orders/{order_id}/process/events", response_model=ProcessView, responses=ERRORS
)
def send_event(
    engine: DbEngine, order_id: OrderId, body: ProcessEventRequest
) -> ProcessView:
    """An outside event (``arrived``, ``shipped``, ``delivered``, ``collected``)."""
    if body.event in ("done", "cancel"):
        raise invalid(
            ErrorCode.INVALID_TRANSITION,
            f"{body.event!r} is sent by the engine itself; use the tasks or cancel",
        )

    def act(conn, now):
        group = process.fire_accepted(
            conn, order_id, body.event, now=now, group_no=body.group
        )
        return group_views.view(conn, order_id, group)

    return service.in_write(engine, act)


@router.put(
    "/v1/orders/{order_id}/process", response_model=ProcessView, responses=ERRORS
)
def switch_process(
    engine: DbEngine, order_id: OrderId, body: SwitchProcessRequest
) -> ProcessView:
    """Run the order on another process (e.g. ``curbside``) before release."""
    return service.in_write(
        engine,
        lambda conn, now: process.switch_process(
            conn, order_id, body.process, now=now, group_no=body.group
        ),
    )


@router.post(
    "/v1/orders/{order_id}/cancel", response_model=OrderTracking, responses=ERRORS
)
def cancel_order(
    engine: DbEngine, request: Request, order_id: OrderId, body: CancelRequest
) -> OrderTracking:
    """Cancel the whole order or some units of some lines."""
    chosen = providers(request)

    def act(conn, now):
        exceptions.cancel(conn, order_id, body.lines, chosen, now)

    service.in_write(engine, act)
    return service.after_payments(engine, chosen, order_id)


@router.post(
    "/v1/orders/{order_id}/returns", response_model=OrderTracking, responses=ERRORS
)
def return_goods(
    engine: DbEngine, request: Request, order_id: OrderId, body: ReturnRequest
) -> OrderTracking:
    """Take back collected or delivered units at any store, and refund them."""
    chosen = providers(request)

    def act(conn, now):
        exceptions.return_lines(
            conn, order_id, body.location_id, body.lines, chosen, now
        )

    service.in_write(engine, act)
    return service.after_payments(engine, chosen, order_id)


@router.get(
    "/v1/orders/{order_id}/tracking", response_model=OrderTracking, responses=ERRORS
)
def get_tracking(connection: ReadConnection, order_id: OrderId) -> OrderTracking:
    """The order with its state, timeline and payments."""
    return service.tracking(connection, order_id)


@router.get("/v1/tracking", response_model=Page[OrderTracking], responses=ERRORS)
def find_orders(
    connection: ReadConnection,
    email: Annotated[
        str | None, Query(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    ] = None,
    phone: Annotated[
        str | None, Query(max_length=32, pattern=r"^\+?[0-9 ()-]{6,31}$")
    ] = None,
) -> Page[OrderTracking]:
    """A customer's orders by e-mail or phone, from any store."""
    if not email and not phone:
        raise invalid(ErrorCode.INVALID_REQUEST, "give an email or a phone number")
    return Page[OrderTracking](
        items=service.find_orders(connection, email=email, phone=phone)
    )
