"""Store tasks: list per location, claim, complete (a short pick re-sources).

Claiming and completing are conditional updates on the task's status, so
two associates cannot both claim one task. When the last task of a state
is done, the order's process gets ``done`` in the same transaction.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, select, update

from oms_core import allocations
from oms_core.api_models import (
    ErrorCode,
    ExceptionResolution,
    FoundLine,
    StoreTask,
    TaskLine,
    TaskStatus,
)
from oms_core.dark_collections import KIND as DARK_STORE_COLLECTION
from oms_core.db.process_schema import fulfilment_lines, process_tasks
from oms_core.errors import conflict, invalid, not_found
from oms_core.events import record_event
from oms_core.payments import ledger
from oms_core.payments.providers import PaymentProvider
from oms_core.process import (
    engine,
    exception_resolution,
    line_exceptions,
    source_moves,
    stock_moves,
)
from oms_core.process.group_views import live_units
from oms_core.process.jobs import consume_held

logger = logging.getLogger(__name__)

ACTIVE = (TaskStatus.OPEN.value, TaskStatus.CLAIMED.value)


def list_tasks(
    conn: Connection, location_id: str, *, include_done: bool = False, limit: int = 100
) -> list[StoreTask]:
    """The location's tasks, oldest first (open and claimed unless asked)."""
    statement = select(process_tasks).where(process_tasks.c.location_id == location_id)
    if not include_done:
        statement = statement.where(process_tasks.c.status.in_(ACTIVE))
    rows = conn.execute(
        statement.order_by(process_tasks.c.created_at, process_tasks.c.id).limit(limit)
    ).all()
    return line_exceptions.attach(conn, [_task(row) for row in rows])


def get_task(conn: Connection, task_id: uuid.UUID) -> StoreTask:
    """One task, or a 404 refusal."""
    row = conn.execute(
        select(process_tasks).where(process_tasks.c.id == task_id)
    ).first()
    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such task", task_id=str(task_id))
    return line_exceptions.attach(conn, [_task(row)])[0]


def claim_task(
    conn: Connection, task_id: uuid.UUID, staff: str, now: datetime
) -> StoreTask:
    """Take an open task; a task already claimed by someone else is refused."""
    task = get_task(conn, task_id)
    result = conn.execute(
        update(process_tasks)
        .where(
            process_tasks.c.id == task_id,
            process_tasks.c.status == TaskStatus.OPEN.value,
        )
        .values(status=TaskStatus.CLAIMED.value, claimed_by=staff, updated_at=now)
    )
    if result.rowcount != 1:
        current = get_task(conn, task_id)
        if current.status is TaskStatus.CLAIMED and current.claimed_by == staff:
            return current
        raise conflict(
            ErrorCode.TASK_UNAVAILABLE,
            f"the task is {current.status.value}",
            status=current.status.value,
        )
    record_event(
        conn, "task.claimed", {"task_id": str(task_id)}, task.order_id, now=now
    )
    if task.kind == "pick":
        # Someone is on it: a lift-and-shift no longer moves these units.
        allocations.hand_to_location(conn, task.order_id, task.location_id, now)
    return get_task(conn, task_id)


def complete_task(
    conn: Connection,
    task_id: uuid.UUID,
    staff: str,
    found: list[FoundLine],
    now: datetime,
    providers: Mapping[str, PaymentProvider] | None = None,
    resolution: ExceptionResolution | None = None,
) -> StoreTask:
    """Finish a task. A pick may report fewer found: the rest is re-sourced.

    A ``line_exception`` task needs a ``resolution`` (one of its options).

    What cannot be found anywhere is dropped from the order and its money
    settled through ``providers``; an order left with nothing is cancelled.
    """
    task = get_task(conn, task_id)
    group = task.group
    engine.load_running(conn, task.order_id, group_no=group, lock=True)
    if task.status not in (TaskStatus.OPEN, TaskStatus.CLAIMED) or (
        task.status is TaskStatus.CLAIMED and task.claimed_by != staff
    ):
        raise conflict(
            ErrorCode.TASK_UNAVAILABLE,
            f"the task is {task.status.value}"
            + (" by someone else" if task.status is TaskStatus.CLAIMED else ""),
            status=task.status.value,
        )
    if task.kind == line_exceptions.KIND:
        exception_resolution.resolve(
            conn, task, staff, resolution, providers or {}, now
        )
        return get_task(conn, task_id)
    if resolution is not None:
        raise invalid(
            ErrorCode.INVALID_REQUEST, "only a line exception takes a resolution"
        )
    shorts = _shorts(task, found)

    conn.execute(
        update(process_tasks)
        .where(process_tasks.c.id == task_id, process_tasks.c.status.in_(ACTIVE))
        .values(status=TaskStatus.DONE.value, claimed_by=staff, updated_at=now)
    )
    record_event(
        conn,
        "task.completed",
        {"task_id": str(task_id), "kind": task.kind, "short": sum(shorts.values())},
        task.order_id,
        now=now,
    )
    if task.kind == DARK_STORE_COLLECTION:
        return get_task(conn, task_id)  # a person's task: no process step
    if task.kind == "hand_over":
        consume_held(conn, task.order_id, {line.seq for line in task.lines})
    for seq, missing in shorts.items():
        _resource(conn, task, seq, missing, now)
    if shorts:
        ledger.settle(conn, task.order_id, providers or {}, now)
        if live_units(conn, task.order_id, group) == 0:
            engine.fire(conn, task.order_id, "cancel", now=now, group_no=group)
            return get_task(conn, task_id)

    remaining = conn.scalar(
        select(process_tasks.c.id)
        .where(
            process_tasks.c.order_id == task.order_id,
            process_tasks.c.group_no == group,
            process_tasks.c.state == _task_state(conn, task_id),
            process_tasks.c.status.in_(ACTIVE),
        )
        .limit(1)
    )
    if remaining is None:
        engine.fire(conn, task.order_id, "done", now=now, group_no=group)
    return get_task(conn, task_id)


def _shorts(task: StoreTask, found: list[FoundLine]) -> dict[int, int]:
    by_seq = {line.seq: line for line in task.lines}
    shorts: dict[int, int] = {}
    for item in found:
        line = by_seq.get(item.seq)
        if line is None:
            raise invalid(
                ErrorCode.INVALID_REQUEST, f"line {item.seq} is not part of the task"
            )
        if item.found > line.quantity:
            raise invalid(
                ErrorCode.INVALID_REQUEST,
                f"line {item.seq}: found {item.found}, asked for {line.quantity}",
            )
        if item.found < line.quantity:
            if task.kind != "pick":
                raise invalid(
                    ErrorCode.INVALID_REQUEST, "only a pick can come up short"
                )
            shorts[item.seq] = line.quantity - item.found
    return shorts


def _resource(
    conn: Connection, task: StoreTask, seq: int, missing: int, now: datetime
) -> None:
    """Write off what was not on the shelf and reserve it elsewhere."""
    row = conn.execute(
        select(fulfilment_lines).where(
            fulfilment_lines.c.order_id == task.order_id,
            fulfilment_lines.c.seq == seq,
        )
    ).one()
    stock_moves.write_off(
        conn,
        task.order_id,
        row.sku,
        row.source_location_id,
        missing,
        line_no=row.line_no,
    )
    conn.execute(
        update(fulfilment_lines)
        .where(
            fulfilment_lines.c.order_id == task.order_id,
            fulfilment_lines.c.seq == seq,
        )
        .values(short=row.short + missing)
    )

    elsewhere = stock_moves.reserve_near(
        conn,
        task.order_id,
        row.sku,
        missing,
        row.source_location_id,
        line_no=row.line_no,
    )
    if elsewhere is None:
        record_event(
            conn,
            "order.line_short",
            {"line_no": row.line_no, "sku": row.sku, "quantity": missing},
            task.order_id,
            now=now,
        )
        logger.info("short pick could not be re-sourced")
        return

    next_seq = (
        conn.scalar(
            select(fulfilment_lines.c.seq)
            .where(fulfilment_lines.c.order_id == task.order_id)
            .order_by(fulfilment_lines.c.seq.desc())
            .limit(1)
        )
        + 1
    )
    source_moves.add_row(conn, row, next_seq, elsewhere, missing)
    record_event(
        conn,
        "order.line_resourced",
        {"line_no": row.line_no, "quantity": missing, "location_id": elsewhere},
        task.order_id,
        now=now,
    )
    state = _task_state(conn, task.id)
    engine.add_task(
        conn,
        task.order_id,
        state,
        "pick",
        elsewhere,
        [{"seq": next_seq, "sku": row.sku, "quantity": missing}],
        now,
        group_no=row.group_no,
    )


def _task_state(conn: Connection, task_id: uuid.UUID) -> str:
    return conn.scalar(
        select(process_tasks.c.state).where(process_tasks.c.id == task_id)
    )


def _task(row) -> StoreTask:
    return StoreTask(
        id=row.id,
        order_id=row.order_id,
        kind=row.kind,
        location_id=row.location_id,
        status=TaskStatus(row.status),
        claimed_by=row.claimed_by,
        lines=[TaskLine(**line) for line in json.loads(row.lines)],
        created_at=row.created_at,
        group=row.group_no,
    )
