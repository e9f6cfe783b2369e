"""The process, task and payment actions as the API calls them.

Each action is one write transaction on the engine: the change, its stock
moves and its events commit together. Reads assemble what the API shows.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine, select

from oms_core import orders
from oms_core.api_models import ErrorCode, OrderEvent, OrderTracking
from oms_core.db.engine import WRITE
from oms_core.db.process_schema import order_customers, order_processes
from oms_core.errors import EngineError, not_found
from oms_core.events import read_events
from oms_core.payments import intents, ledger
from oms_core.payments.providers import PaymentProvider, ProviderTimeout
from oms_core.process import group_views
from oms_core.process.engine import phone_digits
from oms_core.process.slot_bookings import booking_of

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_TIMELINE = 500


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed on success, rolled back on any error."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        yield conn


def in_write(engine: Engine, action: Callable[[Connection, datetime], T]) -> T:
    """Run ``action(conn, now)`` in one write transaction.

    A payment provider that does not answer rolls everything back and is
    refused as 503: the caller may try again, nothing has changed.
    """
    try:
        with writing(engine) as conn:
            return action(conn, datetime.now(UTC))
    except ProviderTimeout as exc:
        logger.info("a payment provider did not answer; the action was undone")
        raise EngineError(
            503,
            ErrorCode.PROVIDER_UNAVAILABLE,
            "the payment provider did not answer; nothing was changed, try again",
        ) from exc


def after_payments(
    engine: Engine, providers: Mapping[str, PaymentProvider], order_id: uuid.UUID
) -> OrderTracking:
    """Ask the providers what the committed action asked of them; the tracking.

    A provider that does not answer is asked again by the job runner; its
    request shows as pending meanwhile.
    """
    intents.dispatch(engine, providers, order_id=order_id)
    with engine.connect() as conn:
        return tracking(conn, order_id)


def tracking(conn: Connection, order_id: uuid.UUID) -> OrderTracking:
    """The order, where it is, its timeline and its payments."""
    order = orders.load_order(conn, order_id)
    if order is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such order", order_id=str(order_id))
    has_process = conn.scalar(
        select(order_processes.c.order_id).where(order_processes.c.order_id == order_id)
    )
    return OrderTracking(
        order=order,
        process=group_views.view(conn, order_id) if has_process else None,
        timeline=timeline(conn, order_id),
        payments=ledger.summary(conn, order_id),
        collection=booking_of(conn, order_id),
        groups=group_views.views(conn, order_id) if has_process else [],
    )


def timeline(conn: Connection, order_id: uuid.UUID) -> list[OrderEvent]:
    """The order's events, in their order."""
    return [
        event_model(event)
        for event in read_events(conn, 0, MAX_TIMELINE, order_id=order_id)
    ]


def event_model(event) -> OrderEvent:
    """A stored event as the API shows it."""
    return OrderEvent(
        id=event.id,
        order_id=event.order_id,
        order_seq=event.order_seq,
        kind=event.kind,
        payload=event.payload,
        created_at=event.created_at,
        position=event.position,
    )


def find_orders(
    conn: Connection, *, email: str | None, phone: str | None, limit: int = 20
) -> list[OrderTracking]:
    """Orders of a customer by e-mail or phone, newest first, from any store."""
    statement = select(order_customers.c.order_id)
    if email:
        statement = statement.where(order_customers.c.email == email.strip().lower())
    if phone:
        statement = statement.where(
            order_customers.c.phone_digits == phone_digits(phone)
        )
    ids = list(conn.scalars(statement.limit(limit)))
    found = [tracking(conn, order_id) for order_id in ids]
    found.sort(key=lambda item: item.order.created_at, reverse=True)
    return found


def providers_or_default(
    providers: Mapping[str, PaymentProvider] | None,
) -> Mapping[str, PaymentProvider]:
    """The app's providers, or the standard ones."""
    from oms_core.payments.providers import standard_providers

    return providers if providers is not None else standard_providers()
