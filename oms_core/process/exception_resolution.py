"""Resolving a line exception through its store task.

A ``line_exception`` task (see :mod:`oms_core.process.line_exceptions`) is
finished with one of the exception's options: ``resource`` reserves the
missing units now, ``accept`` keeps what can be done and drops what is
missing, ``cancel_line`` releases the line. Then the money is settled, an
order left with nothing is cancelled, and once no exception is open the
order's first job runs at once, so it is released.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import Connection, func, select, update

from oms_core import promising
from oms_core.api_models import (
    ErrorCode,
    ExceptionResolution,
    Fulfilment,
    LineExceptionStatus,
    LineQuantity,
    OrderLineRequest,
    StoreTask,
    TaskStatus,
)
from oms_core.db.exception_schema import order_line_exceptions
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.process_schema import fulfilment_lines, process_tasks, process_timers
from oms_core.db.schema import order_lines, orders
from oms_core.errors import conflict, invalid
from oms_core.events import record_event
from oms_core.payments import ledger
from oms_core.payments.providers import PaymentProvider
from oms_core.process import line_exceptions
from oms_core.process.start import plan_groups

logger = logging.getLogger(__name__)

RELEASE_JOB = "check_payment"
_FULFILMENT = TypeAdapter(Fulfilment)


def resolve(
    conn: Connection,
    task: StoreTask,
    staff: str,
    resolution: ExceptionResolution | None,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
) -> None:
    """Complete a ``line_exception`` task with one of its options."""
    row = conn.execute(
        select(order_line_exceptions).where(order_line_exceptions.c.task_id == task.id)
    ).first()
    if row is None or row.status != line_exceptions.OPEN:
        raise conflict(ErrorCode.TASK_UNAVAILABLE, "the exception is no longer open")
    allowed = line_exceptions.options(row)
    if resolution not in allowed:
        raise invalid(
            ErrorCode.INVALID_REQUEST,
            "choose a resolution: " + ", ".join(o.value for o in allowed),
            options=[o.value for o in allowed],
        )

    if resolution is ExceptionResolution.RESOURCE:
        _resource(conn, row, now)
        line_exceptions.close(
            conn, row, LineExceptionStatus.RESOLVED, resolution, now, missing=0
        )
    elif resolution is ExceptionResolution.ACCEPT:
        line_exceptions.close(
            conn, row, LineExceptionStatus.RESOLVED, resolution, now, missing=0
        )
    else:
        # Closed first, so the cancellation below does not close it again.
        line_exceptions.close(
            conn, row, LineExceptionStatus.CANCELLED, resolution, now, missing=0
        )
        _cancel_line(conn, row, providers, now)

    conn.execute(
        update(process_tasks)
        .where(process_tasks.c.id == task.id)
        .values(status=TaskStatus.DONE.value, claimed_by=staff, updated_at=now)
    )
    record_event(
        conn,
        "task.completed",
        {
            "task_id": str(task.id),
            "kind": line_exceptions.KIND,
            "resolution": resolution.value,
        },
        task.order_id,
        now=now,
    )
    after_change(conn, task.order_id, providers, now)


def after_change(
    conn: Connection,
    order_id: uuid.UUID,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
) -> None:
    """Settle the money; once nothing is open, cancel each shipment group
    left with nothing (the whole order when nothing is left) and release
    the rest."""
    from oms_core.process.exceptions import cancel_emptied_groups

    ledger.settle(conn, order_id, providers, now)
    if line_exceptions.holding(conn, order_id):
        return
    cancel_emptied_groups(conn, order_id, now)
    # The first job waited for the exceptions: run it now.
    conn.execute(
        update(process_timers)
        .where(
            process_timers.c.order_id == order_id,
            process_timers.c.action == RELEASE_JOB,
            process_timers.c.fired_at.is_(None),
        )
        .values(due_at=now)
    )


def _resource(conn: Connection, row, now: datetime) -> None:
    """Reserve the missing units now under the rules, or refuse."""
    line = conn.execute(
        select(order_lines, orders.c.selling_location_id)
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(
            order_lines.c.order_id == row.order_id,
            order_lines.c.line_no == row.line_no,
        )
    ).one()
    request = OrderLineRequest(
        sku=line.sku,
        quantity=row.missing,
        fulfilment=_FULFILMENT.validate_json(line.fulfilment),
    )
    [need] = promising.needs_of(conn, [request])
    need = dataclasses.replace(need, index=row.line_no)
    # TODO: sourced under the selling store's default rules (the order's
    # channel is not stored) and without counting daily capacity, as the
    # order was counted when it was placed.
    sourced = promising.source(conn, line.selling_location_id, None, [need], now)
    picks = sourced.plan.picks.get(row.line_no, [])
    refusal = sourced.plan.refused.get(row.line_no)
    if refusal is not None or not picks:
        raise conflict(
            ErrorCode.INSUFFICIENT_STOCK,
            f"line {row.line_no} still cannot be sourced: "
            + (refusal.reason if refusal else "nothing left"),
            line=row.line_no,
        )
    if not promising.reserve_plan(conn, sourced, now, count_load=False):
        raise conflict(
            ErrorCode.INSUFFICIENT_STOCK, "the stock moved meanwhile; try again"
        )

    group = _group_of(conn, row.order_id, row.line_no)
    for pick in picks:
        seq = _next_seq(conn, row.order_id)
        conn.execute(
            fulfilment_lines.insert().values(
                order_id=row.order_id,
                seq=seq,
                line_no=row.line_no,
                sku=line.sku,
                quantity=pick.quantity,
                unit_price_minor=line.unit_price_minor,
                currency=line.currency,
                source_location_id=pick.location_id,
                group_no=group,
                picked=0,
                short=0,
                cancelled=0,
                fulfilled=0,
                returned=0,
            )
        )
        _allocate(conn, row.order_id, row.line_no, line.sku, pick)
        record_event(
            conn,
            "stock.reserved",
            {
                "sku": line.sku,
                "location_id": pick.location_id,
                "quantity": pick.quantity,
            },
            row.order_id,
            now=now,
        )
    dates = [pick.earliest_date for pick in picks if pick.earliest_date is not None]
    conn.execute(
        update(order_line_exceptions)
        .where(line_exceptions.key(row))
        .values(
            reserved=row.reserved + sum(pick.quantity for pick in picks),
            earliest_date=max(dates) if dates else row.earliest_date,
            location_id=row.location_id or picks[0].location_id,
        )
    )


def _group_of(conn: Connection, order_id: uuid.UUID, line_no: int) -> int:
    """The shipment group of a line, also when it has no fulfilment row."""
    group = conn.scalar(
        select(fulfilment_lines.c.group_no).where(
            fulfilment_lines.c.order_id == order_id,
            fulfilment_lines.c.line_no == line_no,
        )
    )
    if group is not None:
        return group
    # Grouping is chosen from the order's lines alone: plan it again.
    lines = conn.execute(
        select(order_lines)
        .where(order_lines.c.order_id == order_id)
        .order_by(order_lines.c.line_no)
    ).all()
    return next(g.group_no for g in plan_groups(conn, lines) if line_no in g.line_nos)


def _cancel_line(
    conn: Connection,
    row,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
) -> None:
    """Release every unit the line still holds (the missing ones are dropped)."""
    from oms_core.process.exceptions import cancel_held

    held = conn.scalar(
        select(
            func.coalesce(
                func.sum(
                    fulfilment_lines.c.quantity
                    - fulfilment_lines.c.short
                    - fulfilment_lines.c.cancelled
                    - fulfilment_lines.c.fulfilled
                ),
                0,
            )
        ).where(
            fulfilment_lines.c.order_id == row.order_id,
            fulfilment_lines.c.line_no == row.line_no,
        )
    )
    if held:
        cancel_held(
            conn,
            row.order_id,
            [LineQuantity(line_no=row.line_no, quantity=int(held))],
            providers,
            now,
        )


def _allocate(conn: Connection, order_id: uuid.UUID, line_no: int, sku, pick) -> None:
    where = (
        (order_allocations.c.order_id == order_id)
        & (order_allocations.c.line_no == line_no)
        & (order_allocations.c.location_id == pick.location_id)
    )
    found = conn.execute(
        update(order_allocations)
        .where(where)
        .values(quantity=order_allocations.c.quantity + pick.quantity)
    )
    if found.rowcount == 0:
        conn.execute(
            order_allocations.insert().values(
                order_id=order_id,
                line_no=line_no,
                location_id=pick.location_id,
                sku=sku,
                method=pick.method.value,
                quantity=pick.quantity,
                shipped=0,
                released=0,
                promised_date=pick.earliest_date,
            )
        )


def _next_seq(conn: Connection, order_id: uuid.UUID) -> int:
    highest = conn.scalar(
        select(func.max(fulfilment_lines.c.seq)).where(
            fulfilment_lines.c.order_id == order_id
        )
    )
    lines = conn.scalar(
        select(func.max(order_lines.c.line_no)).where(
            order_lines.c.order_id == order_id
        )
    )
    return max(highest if highest is not None else -1, lines or 0) + 1
