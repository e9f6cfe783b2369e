"""Line exceptions: an offline order's lines whose shown promise broke.

When an order taken offline arrives and a line cannot be kept as the
device showed it (see :mod:`oms_core.offline_sourcing`), the order is still
created. Each such line gets an exception row and a ``line_exception``
task at the selling store: contact the customer and resolve it. The line
holds only what was reserved; the missing units are reserved nowhere but
stay priced and owed (the payment ledger counts them) until resolved.

While any exception of an order is open the order is not released: its
first job (``check_payment``) waits. The task's completion resolves it
(:mod:`oms_core.process.exception_resolution`):

* ``resource``: reserve the missing units now (stock arrived); refused,
  with the task left open, while the network still lacks them;
* ``accept``: the customer takes what can be done now (the later date,
  the other place, or fewer units: the missing ones are dropped);
* ``cancel_line``: the line is dropped, its held units released.

After ``accept`` or ``cancel_line`` what was taken beyond the value still
owed is refunded; an order left with nothing is cancelled. When the last
exception is resolved the order's first job runs again at once.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, func, select, update

from oms_core.api_models import (
    ExceptionResolution,
    LineException,
    LineExceptionReason,
    LineExceptionStatus,
    OrderLine,
    ShownPromise,
    StoreTask,
    TaskStatus,
)
from oms_core.db.exception_schema import order_line_exceptions
from oms_core.db.process_schema import fulfilment_lines, process_tasks
from oms_core.events import record_event
from oms_core.offline_sourcing import Broken
from oms_core.process import engine

logger = logging.getLogger(__name__)

KIND = "line_exception"
OPEN = LineExceptionStatus.OPEN.value


def open_exceptions(
    conn: Connection,
    order_id: uuid.UUID,
    broken: Sequence[Broken],
    lines: Sequence[OrderLine],
    selling_location_id: str,
    now: datetime,
) -> dict[int, LineException]:
    """Record the broken lines of a new order (its process has started).

    Each line keeps only what was reserved for it; each gets an exception,
    an event and a task at the selling store.

    TODO: the task belongs to the first state; switching the process (to
    curbside) before the exception is resolved cancels the task with that
    state and leaves the exception without one.
    """
    state = engine.load_running(conn, order_id).state
    made: dict[int, LineException] = {}
    for line in broken:
        _trim(conn, order_id, line)
        task_id = engine.add_task(
            conn,
            order_id,
            state,
            KIND,
            selling_location_id,
            [
                {
                    "seq": line.index,
                    "sku": lines[line.index].sku,
                    "quantity": line.missing or lines[line.index].quantity,
                }
            ],
            now,
        )
        conn.execute(
            order_line_exceptions.insert().values(
                order_id=order_id,
                line_no=line.index,
                reason=line.reason.value,
                status=OPEN,
                promised=line.promise.model_dump_json(),
                reserved=line.reserved,
                missing=line.missing,
                earliest_date=line.earliest_date,
                location_id=line.location_id,
                message=line.message,
                task_id=task_id,
                created_at=now,
            )
        )
        record_event(
            conn,
            "order.line_exception",
            {
                "line_no": line.index,
                "reason": line.reason.value,
                "missing": line.missing,
                "task_id": str(task_id),
            },
            order_id,
            now=now,
        )
        made[line.index] = _load(conn, order_id)[line.index]
    return made


def of_orders(
    conn: Connection, order_ids: Sequence[uuid.UUID]
) -> dict[tuple[uuid.UUID, int], LineException]:
    """The exceptions of each (order, line), open or not."""
    if not order_ids:
        return {}
    rows = conn.execute(
        select(order_line_exceptions).where(
            order_line_exceptions.c.order_id.in_(order_ids)
        )
    ).all()
    return {(row.order_id, row.line_no): _model(row) for row in rows}


def attach(conn: Connection, tasks: list[StoreTask]) -> list[StoreTask]:
    """The tasks with their exception filled in (``line_exception`` tasks)."""
    ids = [task.id for task in tasks if task.kind == KIND]
    if not ids:
        return tasks
    rows = conn.execute(
        select(order_line_exceptions).where(order_line_exceptions.c.task_id.in_(ids))
    ).all()
    by_task = {row.task_id: _model(row) for row in rows}
    return [
        task.model_copy(update={"exception": by_task[task.id]})
        if task.id in by_task
        else task
        for task in tasks
    ]


def holding(conn: Connection, order_id: uuid.UUID) -> bool:
    """Whether an open exception holds the order back from release.

    TODO: the whole order waits, its kept lines too; releasing those alone
    needs the exception lines in a shipment group of their own.
    """
    found = conn.scalar(
        select(order_line_exceptions.c.line_no)
        .where(
            order_line_exceptions.c.order_id == order_id,
            order_line_exceptions.c.status == OPEN,
        )
        .limit(1)
    )
    return found is not None


def pending_lines(conn: Connection, order_id: uuid.UUID) -> set[int]:
    """Lines with missing units still open (they may have no fulfilment row)."""
    return set(
        conn.scalars(
            select(order_line_exceptions.c.line_no).where(
                order_line_exceptions.c.order_id == order_id,
                order_line_exceptions.c.status == OPEN,
                order_line_exceptions.c.missing > 0,
            )
        )
    )


def cancel_pending(
    conn: Connection, order_id: uuid.UUID, wanted: dict[int, int]
) -> int:
    """Cancel missing units asked for in ``wanted`` (reduced in place).

    Returns the units cancelled; :func:`close_emptied` closes what is done.
    """
    cancelled = 0
    rows = conn.execute(
        select(order_line_exceptions).where(
            order_line_exceptions.c.order_id == order_id,
            order_line_exceptions.c.status == OPEN,
            order_line_exceptions.c.missing > 0,
        )
    ).all()
    for row in rows:
        take = min(row.missing, wanted.get(row.line_no, 0))
        if take <= 0:
            continue
        wanted[row.line_no] -= take
        cancelled += take
        conn.execute(
            update(order_line_exceptions)
            .where(key(row))
            .values(missing=row.missing - take)
        )
    return cancelled


def close_emptied(conn: Connection, order_id: uuid.UUID, now: datetime) -> None:
    """Close, with their tasks, the exceptions a cancellation left nothing for.

    Missing units all cancelled ends an exception about missing units; one
    about a date or a place ends when its line holds nothing any more.
    """
    rows = conn.execute(
        select(order_line_exceptions).where(
            order_line_exceptions.c.order_id == order_id,
            order_line_exceptions.c.status == OPEN,
            order_line_exceptions.c.missing == 0,
        )
    ).all()
    about_units = {LineExceptionReason.UNAVAILABLE, LineExceptionReason.PARTIAL}
    for row in rows:
        if (
            LineExceptionReason(row.reason) in about_units
            or _live(conn, order_id, row.line_no) == 0
        ):
            close(conn, row, LineExceptionStatus.CANCELLED, None, now, missing=0)


def options(row) -> list[ExceptionResolution]:
    """What the store may do with an open exception."""
    if row.missing == 0:
        return [ExceptionResolution.ACCEPT, ExceptionResolution.CANCEL_LINE]
    if row.reserved == 0:
        return [ExceptionResolution.RESOURCE, ExceptionResolution.CANCEL_LINE]
    return [
        ExceptionResolution.RESOURCE,
        ExceptionResolution.ACCEPT,
        ExceptionResolution.CANCEL_LINE,
    ]


def _trim(conn: Connection, order_id: uuid.UUID, line: Broken) -> None:
    """The line's fulfilment row holds only what was reserved."""
    if line.missing == 0:
        return
    where = (fulfilment_lines.c.order_id == order_id) & (
        fulfilment_lines.c.line_no == line.index
    )
    if line.reserved == 0:
        conn.execute(fulfilment_lines.delete().where(where))
    else:
        conn.execute(
            update(fulfilment_lines).where(where).values(quantity=line.reserved)
        )


def close(
    conn: Connection,
    row,
    status: LineExceptionStatus,
    resolution: ExceptionResolution | None,
    now: datetime,
    *,
    missing: int,
) -> None:
    conn.execute(
        update(order_line_exceptions)
        .where(key(row))
        .values(
            status=status.value,
            resolution=resolution.value if resolution else None,
            missing=missing,
            resolved_at=now,
        )
    )
    if resolution is None and row.task_id is not None:
        # Closed by a cancellation, not through its task: the task goes too.
        conn.execute(
            update(process_tasks)
            .where(
                process_tasks.c.id == row.task_id,
                process_tasks.c.status.in_(
                    [TaskStatus.OPEN.value, TaskStatus.CLAIMED.value]
                ),
            )
            .values(status=TaskStatus.CANCELLED.value, updated_at=now)
        )
    record_event(
        conn,
        "order.line_exception_closed",
        {
            "line_no": row.line_no,
            "status": status.value,
            "resolution": resolution.value if resolution else None,
        },
        row.order_id,
        now=now,
    )
    logger.info("line exception closed as %s", status.value)


def _live(conn: Connection, order_id: uuid.UUID, line_no: int) -> int:
    return int(
        conn.scalar(
            select(
                func.coalesce(
                    func.sum(
                        fulfilment_lines.c.quantity
                        - fulfilment_lines.c.short
                        - fulfilment_lines.c.cancelled
                        - fulfilment_lines.c.returned
                    ),
                    0,
                )
            ).where(
                fulfilment_lines.c.order_id == order_id,
                fulfilment_lines.c.line_no == line_no,
            )
        )
    )


def _load(conn: Connection, order_id: uuid.UUID) -> dict[int, LineException]:
    return {
        line_no: found
        for (_order, line_no), found in of_orders(conn, [order_id]).items()
    }


def key(row):
    return (order_line_exceptions.c.order_id == row.order_id) & (
        order_line_exceptions.c.line_no == row.line_no
    )


def _model(row) -> LineException:
    status = LineExceptionStatus(row.status)
    return LineException(
        line_no=row.line_no,
        reason=LineExceptionReason(row.reason),
        status=status,
        promised=ShownPromise.model_validate(json.loads(row.promised)),
        reserved=row.reserved,
        missing=row.missing,
        earliest_date=row.earliest_date,
        location_id=row.location_id,
        message=row.message,
        task_id=row.task_id,
        options=options(row) if status is LineExceptionStatus.OPEN else [],
        resolution=ExceptionResolution(row.resolution) if row.resolution else None,
    )
