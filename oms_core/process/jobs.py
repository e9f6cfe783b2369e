"""The automated jobs a process definition can name.

A job runs inside the transaction that claimed its timer. It returns the
event to send to the order's process ("done" moves a job state on; None
sends nothing, as for a reminder), or raises :class:`RetryLater` when an
outside party did not answer, and the timer is tried again after a pause.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from oms_core.db.process_schema import fulfilment_lines
from oms_core.events import record_event
from oms_core.payments import ledger
from oms_core.payments.providers import PaymentProvider, ProviderTimeout
from oms_core.process import stock_moves

logger = logging.getLogger(__name__)


class RetryLater(RuntimeError):
    """The job could not finish now; its timer is tried again later."""


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job gets: the transaction, the order, the time, the providers."""

    conn: Connection
    order_id: uuid.UUID
    now: datetime
    providers: Mapping[str, PaymentProvider]


def check_payment(ctx: JobContext) -> str:
    """Release the order if the plan's first payment is secured."""
    # TODO: the plan is set by a call after placement; a pass that runs
    # before it releases the order as if it had no plan. Carry the plan in
    # the order request to close that gap.
    return "done" if ledger.paid_enough(ctx.conn, ctx.order_id) else "unpaid"


def release_to_location(ctx: JobContext) -> str:
    """Tell the sources the order is theirs to fulfil (an event they follow)."""
    sources = sorted(
        set(
            ctx.conn.scalars(
                select(fulfilment_lines.c.source_location_id).where(
                    fulfilment_lines.c.order_id == ctx.order_id
                )
            )
        )
    )
    record_event(
        ctx.conn, "order.released", {"locations": sources}, ctx.order_id, now=ctx.now
    )
    return "done"


def notify_customer(ctx: JobContext) -> str | None:
    """Ask the notification service (a webhook subscriber) to tell the customer."""
    record_event(ctx.conn, "customer.notify", {}, ctx.order_id, now=ctx.now)
    return "done"


def capture_payment(ctx: JobContext) -> str:
    """Capture the value of what has been shipped from open authorisations."""
    try:
        ledger.capture_due(ctx.conn, ctx.order_id, ctx.providers, ctx.now)
    except ProviderTimeout as exc:
        raise RetryLater("the payment provider did not answer") from exc
    return "done"


def dispatch_held(ctx: JobContext) -> str:
    """The goods still held left their source (a supplier shipped them)."""
    consume_held(ctx.conn, ctx.order_id, None)
    return "done"


def cancel_uncollected(ctx: JobContext) -> str:
    """Release what was not collected and refund what was taken for it."""
    from oms_core.process.exceptions import cancel_held

    try:
        cancel_held(ctx.conn, ctx.order_id, None, ctx.providers, ctx.now)
    except ProviderTimeout as exc:
        raise RetryLater("the payment provider did not answer") from exc
    return "done"


def complete_payments(ctx: JobContext) -> str:
    """Capture what is due and release any authorisation left over."""
    try:
        ledger.capture_due(ctx.conn, ctx.order_id, ctx.providers, ctx.now)
        ledger.settle(ctx.conn, ctx.order_id, ctx.providers, ctx.now, release_all=True)
    except ProviderTimeout as exc:
        raise RetryLater("the payment provider did not answer") from exc
    return "done"


def consume_held(conn: Connection, order_id: uuid.UUID, seqs: set[int] | None) -> None:
    """Every held unit of the lines ``seqs`` (all if None) leaves the pool."""
    rows = conn.execute(
        select(fulfilment_lines).where(fulfilment_lines.c.order_id == order_id)
    ).all()
    for row in rows:
        held = row.quantity - row.short - row.cancelled - row.fulfilled
        if held <= 0 or (seqs is not None and row.seq not in seqs):
            continue
        stock_moves.consume(conn, order_id, row.sku, row.source_location_id, held)
        conn.execute(
            fulfilment_lines.update()
            .where(
                fulfilment_lines.c.order_id == order_id,
                fulfilment_lines.c.seq == row.seq,
            )
            .values(fulfilled=row.fulfilled + held)
        )


JOBS: dict[str, Callable[[JobContext], str | None]] = {
    "check_payment": check_payment,
    "release_to_location": release_to_location,
    "capture_payment": capture_payment,
    "notify_customer": notify_customer,
    "dispatch_held": dispatch_held,
    "cancel_uncollected": cancel_uncollected,
    "complete_payments": complete_payments,
}
