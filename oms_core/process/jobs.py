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
    """What a job gets: the transaction, the order, the time, the providers.

    ``group_no`` is the shipment group whose process runs the job: a job
    moves only that group's lines.
    """

    conn: Connection
    order_id: uuid.UUID
    now: datetime
    providers: Mapping[str, PaymentProvider]
    group_no: int = 0


def check_payment(ctx: JobContext) -> str:
    """Release the order if the plan's first payment is secured."""
    # TODO: the plan is set by a call after placement; a pass that runs
    # before it releases the order as if it had no plan. Carry the plan in
    # the order request to close that gap.
    from oms_core.process.line_exceptions import holding

    if holding(ctx.conn, ctx.order_id):
        # A line's shown promise broke: the store resolves it first.
        raise RetryLater("a line exception waits for the store")
    return "done" if ledger.paid_enough(ctx.conn, ctx.order_id) else "unpaid"


def release_to_location(ctx: JobContext) -> str:
    """Tell the sources the order is theirs to fulfil (an event they follow)."""
    sources = sorted(
        set(
            ctx.conn.scalars(
                select(fulfilment_lines.c.source_location_id).where(
                    fulfilment_lines.c.order_id == ctx.order_id,
                    fulfilment_lines.c.group_no == ctx.group_no,
                )
            )
        )
    )
    record_event(
        ctx.conn,
        "order.released",
        {"locations": sources, "group": ctx.group_no},
        ctx.order_id,
        now=ctx.now,
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
    consume_held(ctx.conn, ctx.order_id, None, group_no=ctx.group_no)
    return "done"


def cancel_uncollected(ctx: JobContext) -> str:
    """Release what was not collected and refund what was taken for it."""
    from oms_core.process.exceptions import cancel_held

    try:
        cancel_held(
            ctx.conn, ctx.order_id, None, ctx.providers, ctx.now, group_no=ctx.group_no
        )
    except ProviderTimeout as exc:
        raise RetryLater("the payment provider did not answer") from exc
    return "done"


def complete_payments(ctx: JobContext) -> str:
    """Capture what is due; the last group to end releases what is left over.

    While another shipment group still runs, only what it no longer needs
    is released.
    """
    from oms_core.process.group_views import others_final

    last = others_final(ctx.conn, ctx.order_id, ctx.group_no)
    try:
        ledger.capture_due(ctx.conn, ctx.order_id, ctx.providers, ctx.now)
        ledger.settle(ctx.conn, ctx.order_id, ctx.providers, ctx.now, release_all=last)
    except ProviderTimeout as exc:
        raise RetryLater("the payment provider did not answer") from exc
    return "done"


def consume_held(
    conn: Connection,
    order_id: uuid.UUID,
    seqs: set[int] | None,
    *,
    group_no: int | None = None,
) -> None:
    """Every held unit of the lines ``seqs`` (all of the group if None) leaves."""
    statement = select(fulfilment_lines).where(fulfilment_lines.c.order_id == order_id)
    if group_no is not None:
        statement = statement.where(fulfilment_lines.c.group_no == group_no)
    rows = conn.execute(statement).all()
    for row in rows:
        held = row.quantity - row.short - row.cancelled - row.fulfilled
        if held <= 0 or (seqs is not None and row.seq not in seqs):
            continue
        stock_moves.consume(
            conn, order_id, row.sku, row.source_location_id, held, line_no=row.line_no
        )
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
