"""Running an order's processes: start, send events, enter states.

An order runs one process per shipment group (see
:mod:`oms_core.process.groups`): its collected lines on one, its delivered
lines on another. Each group has its own row, state, tasks and timers; the
order's status summarises them (completed when every group has ended and
one completed, cancelled when every group was cancelled).

Every function works on the caller's connection inside the caller's
transaction, so a transition, its tasks, timers, stock moves and events
commit together or not at all. The order's process row is read with
``FOR UPDATE`` (PostgreSQL; SQLite serialises writers anyway) before any
change, and each state change is a conditional UPDATE on the state it
leaves: two writers cannot both move one order.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from oms_core.api_models import (
    ErrorCode,
    OrderStatus,
    ProcessView,
    TaskStatus,
)
from oms_core.db.process_schema import (
    fulfilment_lines,
    order_processes,
    process_tasks,
    process_timers,
)
from oms_core.db.schema import orders
from oms_core.errors import EngineError, conflict, not_found
from oms_core.events import record_event
from oms_core.process.definition import CANCELLED, Definition
from oms_core.process.registry import Registry, default_registry

logger = logging.getLogger(__name__)

MAX_CHAINED_STATES = 32


@dataclass(frozen=True, slots=True)
class Running:
    """One shipment group's process row with its definition."""

    order_id: uuid.UUID
    definition: Definition
    state: str
    collection_location_id: str | None
    group_no: int = 0


def start_process(conn: Connection, order_id: uuid.UUID, **options) -> str:
    """Start the order's processes: see :mod:`oms_core.process.start`."""
    from oms_core.process.start import start_process as start

    return start(conn, order_id, **options)


def load_running(
    conn: Connection, order_id: uuid.UUID, *, group_no: int = 0, lock: bool = False
) -> Running:
    """One group's running process, or a 404 refusal."""
    statement = select(order_processes).where(
        order_processes.c.order_id == order_id,
        order_processes.c.group_no == group_no,
    )
    if lock:
        statement = statement.with_for_update()
    row = conn.execute(statement).first()
    if row is None:
        raise not_found(
            ErrorCode.NOT_FOUND, "no process for this order and group", group=group_no
        )
    return _running(conn, row)


def running_groups(
    conn: Connection, order_id: uuid.UUID, *, lock: bool = False
) -> list[Running]:
    """Every group's running process, by group number; 404 when none."""
    statement = (
        select(order_processes)
        .where(order_processes.c.order_id == order_id)
        .order_by(order_processes.c.group_no)
    )
    if lock:
        statement = statement.with_for_update()
    rows = conn.execute(statement).all()
    if not rows:
        raise not_found(ErrorCode.NOT_FOUND, "no process for this order")
    return [_running(conn, row) for row in rows]


def _running(conn: Connection, row) -> Running:
    definition = default_registry().stored(conn, row.process_name, row.process_version)
    return Running(
        row.order_id,
        definition,
        row.state,
        row.collection_location_id,
        row.group_no,
    )


def is_final(running: Running) -> bool:
    """True when the group's process has ended."""
    return running.definition.states[running.state].final


def fire(
    conn: Connection,
    order_id: uuid.UUID,
    event: str,
    *,
    now: datetime,
    group_no: int = 0,
) -> str:
    """Send ``event`` to one group's process; returns the state it is in after.

    An event the current state has no exit for is refused with a 409 that
    names the state and the events it accepts.
    """
    running = load_running(conn, order_id, group_no=group_no, lock=True)
    target = running.definition.target(running.state, event)
    if target is None:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"event {event!r} is not allowed in state {running.state!r}",
            state=running.state,
            allowed=allowed_events(running.definition, running.state),
            group=group_no,
        )
    return _move(conn, running, event, target, now, depth=0)


def fire_accepted(
    conn: Connection,
    order_id: uuid.UUID,
    event: str,
    *,
    now: datetime,
    group_no: int | None = None,
) -> int:
    """Send an outside event to the group named, or to the one that accepts it.

    Without a group the event goes to the only group whose state has an exit
    for it; none is refused as an invalid transition, several as ambiguous.
    Returns the group it went to.
    """
    if group_no is not None:
        fire(conn, order_id, event, now=now, group_no=group_no)
        return group_no

    groups = running_groups(conn, order_id, lock=True)
    taking = [
        running
        for running in groups
        if running.definition.target(running.state, event) is not None
    ]
    if len(taking) != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"event {event!r} is not allowed in state {groups[0].state!r}"
            if not taking
            else f"several groups accept {event!r}; name the group",
            state=groups[0].state,
            allowed=allowed_events(groups[0].definition, groups[0].state),
            groups={str(g.group_no): g.state for g in groups},
        )
    fire(conn, order_id, event, now=now, group_no=taking[0].group_no)
    return taking[0].group_no


def switch_process(
    conn: Connection,
    order_id: uuid.UUID,
    name: str,
    *,
    now: datetime,
    group_no: int = 0,
    registry: Registry | None = None,
) -> ProcessView:
    """Run a group on another process (curbside, say) before it is released.

    Allowed only while the group is still in its first state, so no task or
    stock move has happened under the old process.
    """
    registry = registry or default_registry()
    running = load_running(conn, order_id, group_no=group_no, lock=True)
    if running.state != running.definition.start:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"the process can only change before release; it is {running.state!r}",
        )
    try:
        definition = registry.latest(name)
    except KeyError as exc:
        raise not_found(ErrorCode.NOT_FOUND, f"no process {name!r}") from exc
    registry.ensure_stored(conn, definition)

    _close_state(conn, order_id, running.state, now, group_no)
    conn.execute(
        update(order_processes)
        .where(
            order_processes.c.order_id == order_id,
            order_processes.c.group_no == group_no,
        )
        .values(
            process_name=definition.name,
            process_version=definition.version,
            state=definition.start,
            updated_at=now,
        )
    )
    record_event(
        conn,
        "order.process_changed",
        {"from": running.definition.name, "to": definition.name, "group": group_no},
        order_id,
        now=now,
    )
    moved = Running(
        order_id,
        definition,
        definition.start,
        running.collection_location_id,
        group_no,
    )
    enter_state(conn, moved, definition.start, now, depth=0)
    return view(conn, order_id, group_no)


def view(
    conn: Connection, order_id: uuid.UUID, group_no: int | None = None
) -> ProcessView:
    """Where the order is: see :func:`oms_core.process.group_views.view`."""
    from oms_core.process.group_views import view as group_view

    return group_view(conn, order_id, group_no)


def allowed_events(definition: Definition, state: str) -> list[str]:
    """Events the state accepts, ``cancel`` included when it is not final."""
    current = definition.states[state]
    if current.final:
        return []
    return sorted({*current.exits, "cancel"})


def _move(
    conn: Connection,
    running: Running,
    event: str,
    target: str,
    now: datetime,
    *,
    depth: int,
) -> str:
    if depth > MAX_CHAINED_STATES:
        raise EngineError(
            500, ErrorCode.INTERNAL, "the process moved too often in one step"
        )
    result = conn.execute(
        update(order_processes)
        .where(
            order_processes.c.order_id == running.order_id,
            order_processes.c.group_no == running.group_no,
            order_processes.c.state == running.state,
        )
        .values(state=target, updated_at=now)
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION, "the order moved on meanwhile; try again"
        )

    _close_state(conn, running.order_id, running.state, now, running.group_no)
    if running.definition.states[target].final:
        _summarise_status(conn, running.order_id)
    record_event(
        conn,
        "order.state_changed",
        {
            "from": running.state,
            "to": target,
            "event": event,
            "group": running.group_no,
        },
        running.order_id,
        now=now,
    )
    moved = Running(
        running.order_id,
        running.definition,
        target,
        running.collection_location_id,
        running.group_no,
    )
    return enter_state(conn, moved, target, now, depth=depth + 1)


def _summarise_status(conn: Connection, order_id: uuid.UUID) -> None:
    """The order's status once every group has ended: completed or cancelled."""
    groups = running_groups(conn, order_id)
    if not all(is_final(running) for running in groups):
        return
    cancelled = all(running.state == CANCELLED for running in groups)
    status = OrderStatus.CANCELLED if cancelled else OrderStatus.COMPLETED
    conn.execute(
        update(orders).where(orders.c.id == order_id).values(status=status.value)
    )


def enter_state(
    conn: Connection, running: Running, state_id: str, now: datetime, *, depth: int
) -> str:
    """Enter a group's state: its timers, its job, its tasks; returns the state.

    A task state with nothing left to handle moves on at once.
    """
    state = running.definition.states[state_id]
    for timer in state.timers:
        _schedule(
            conn,
            running,
            state_id,
            "job" if timer.job else "event",
            timer.job or timer.event or "",
            now + timedelta(hours=timer.after_hours),
        )
    if state.job is not None:
        _schedule(conn, running, state_id, "job", state.job, now)
    if state.task is not None:
        made = open_tasks(conn, running, state_id, state.task.kind, state.task.at, now)
        if made == 0:
            # Nothing left to handle here (all cancelled or already gone).
            return _move(conn, running, "done", state.exits["done"], now, depth=depth)
    return state_id


def open_tasks(
    conn: Connection,
    running: Running,
    state_id: str,
    kind: str,
    at: str,
    now: datetime,
) -> int:
    """Create the state's tasks: one per source location, or one at collection.

    Only the group's own lines are looked at.
    """
    rows = conn.execute(
        select(fulfilment_lines)
        .where(
            fulfilment_lines.c.order_id == running.order_id,
            fulfilment_lines.c.group_no == running.group_no,
        )
        .order_by(fulfilment_lines.c.seq)
    ).all()
    groups: dict[str, list[dict]] = {}
    for row in rows:
        held = row.quantity - row.short - row.cancelled - row.fulfilled
        live = row.quantity - row.short - row.cancelled - row.returned
        if at == "source" and held > 0:
            groups.setdefault(row.source_location_id, []).append(
                {"seq": row.seq, "sku": row.sku, "quantity": held}
            )
        elif at == "collection" and live > 0:
            place = running.collection_location_id or row.source_location_id
            groups.setdefault(place, []).append(
                {"seq": row.seq, "sku": row.sku, "quantity": live}
            )

    for location_id, lines in groups.items():
        add_task(
            conn,
            running.order_id,
            state_id,
            kind,
            location_id,
            lines,
            now,
            group_no=running.group_no,
        )
    return len(groups)


def add_task(
    conn: Connection,
    order_id: uuid.UUID,
    state_id: str,
    kind: str,
    location_id: str,
    lines: list[dict],
    now: datetime,
    *,
    group_no: int = 0,
) -> uuid.UUID:
    """One open task of a group with its lines; writes ``task.created``."""
    task_id = uuid.uuid4()
    conn.execute(
        process_tasks.insert().values(
            id=task_id,
            order_id=order_id,
            group_no=group_no,
            state=state_id,
            kind=kind,
            location_id=location_id,
            status=TaskStatus.OPEN.value,
            lines=json.dumps(lines),
            created_at=now,
            updated_at=now,
        )
    )
    record_event(
        conn,
        "task.created",
        {
            "task_id": str(task_id),
            "kind": kind,
            "location_id": location_id,
            "group": group_no,
        },
        order_id,
        now=now,
    )
    return task_id


def _schedule(
    conn: Connection,
    running: Running,
    state_id: str,
    kind: str,
    action: str,
    due_at: datetime,
) -> None:
    conn.execute(
        process_timers.insert().values(
            order_id=running.order_id,
            group_no=running.group_no,
            state=state_id,
            kind=kind,
            action=action,
            due_at=due_at,
            attempts=0,
        )
    )


def _close_state(
    conn: Connection,
    order_id: uuid.UUID,
    state_id: str,
    now: datetime,
    group_no: int,
) -> None:
    """Leaving a group's state voids its timers and cancels its unfinished tasks."""
    conn.execute(
        update(process_timers)
        .where(
            process_timers.c.order_id == order_id,
            process_timers.c.group_no == group_no,
            process_timers.c.state == state_id,
            process_timers.c.fired_at.is_(None),
        )
        .values(fired_at=now, fired_by="-", outcome="state left")
    )
    open_ids = conn.scalars(
        select(process_tasks.c.id).where(
            process_tasks.c.order_id == order_id,
            process_tasks.c.group_no == group_no,
            process_tasks.c.state == state_id,
            process_tasks.c.status.in_(
                [TaskStatus.OPEN.value, TaskStatus.CLAIMED.value]
            ),
        )
    ).all()
    for task_id in open_ids:
        conn.execute(
            update(process_tasks)
            .where(process_tasks.c.id == task_id)
            .values(status=TaskStatus.CANCELLED.value, updated_at=now)
        )
        record_event(
            conn, "task.cancelled", {"task_id": str(task_id)}, order_id, now=now
        )


def phone_digits(phone: str) -> str:
    """A phone number as digits only, UK numbers in their national form."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+44") or (
        digits.startswith("44") and len(digits) == 12
    ):
        return "0" + digits[2:]
    return digits
