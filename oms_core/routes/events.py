"""``/v1/events`` (read by cursor) and ``/v1/webhooks`` (subscribe, replay)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select

from oms_core.api_models import (
    MAX_EVENT_CURSOR,
    ApiError,
    ErrorCode,
    OrderEvent,
    Page,
    ReplayRequest,
    Webhook,
    WebhookRequest,
)
from oms_core.db.process_schema import webhook_subscriptions
from oms_core.deps import DbEngine, ReadConnection
from oms_core.device_access import refuse_kiosk, require_admin
from oms_core.errors import not_found
from oms_core.events import read_positioned, webhooks
from oms_core.events.positions import position_committed
from oms_core.process import service

logger = logging.getLogger(__name__)

router = APIRouter(tags=["events"])
ADMIN = [Depends(require_admin)]
REFUSED = {403: {"model": ApiError}}


@router.get("/v1/events", response_model=Page[OrderEvent])
def list_events(
    engine: DbEngine,
    request: Request,
    after: Annotated[int, Query(ge=0, le=MAX_EVENT_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Page[OrderEvent]:
    """Committed events after the cursor ``after`` (an event's ``position``).

    Positions are given after commit, so an event that commits late comes
    after the ones already read: a reader never passes it.
    """
    refuse_kiosk(request, "the event feed")
    position_committed(engine)
    with engine.connect() as connection:
        found = read_positioned(connection, after, limit)
    return Page[OrderEvent](items=[service.event_model(e) for e in found])


@router.post(
    "/v1/webhooks",
    response_model=Webhook,
    status_code=201,
    responses=REFUSED,
    dependencies=ADMIN,
)
def subscribe(engine: DbEngine, body: WebhookRequest) -> Webhook:
    """Add a subscriber; events after ``after`` are sent to it, signed."""

    def act(conn, now):
        subscription_id = webhooks.subscribe(
            conn, body.url, body.secret, body.after, now
        )
        return _load(conn, subscription_id)

    return service.in_write(engine, act)


@router.get(
    "/v1/webhooks", response_model=Page[Webhook], responses=REFUSED, dependencies=ADMIN
)
def list_webhooks(connection: ReadConnection) -> Page[Webhook]:
    """Every subscriber with its cursor and last error (never its secret)."""
    rows = connection.execute(
        select(webhook_subscriptions.c.id).order_by(webhook_subscriptions.c.id)
    ).all()
    return Page[Webhook](items=[_load(connection, row.id) for row in rows])


@router.post(
    "/v1/webhooks/{subscription_id}/replay",
    response_model=Webhook,
    responses={**REFUSED, 404: {"model": ApiError}},
    dependencies=ADMIN,
)
def replay(
    engine: DbEngine,
    subscription_id: Annotated[int, Path(ge=1)],
    body: ReplayRequest,
) -> Webhook:
    """Send every event after ``after`` again, from the next pass on."""

    def act(conn, _now):
        if not webhooks.replay(conn, subscription_id, body.after):
            raise not_found(ErrorCode.NOT_FOUND, "no such webhook")
        return _load(conn, subscription_id)

    return service.in_write(engine, act)


def _load(conn, subscription_id: int) -> Webhook:
    row = conn.execute(
        select(webhook_subscriptions).where(
            webhook_subscriptions.c.id == subscription_id
        )
    ).first()
    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such webhook")
    return Webhook(
        id=row.id,
        url=row.url,
        cursor=row.cursor,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )
