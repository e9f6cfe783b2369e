"""Running an order's process: start, send events, enter states.

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
    CustomerDetails,
    ErrorCode,
    LocationKind,
    OrderStatus,
    ProcessView,
    TaskStatus,
)
from oms_core.db.process_schema import (
    fulfilment_lines,
    order_customers,
    order_processes,
    process_tasks,
    process_timers,
)
from oms_core.db.schema import locations, order_lines, orders
from oms_core.errors import EngineError, conflict, not_found
from oms_core.events import record_event
from oms_core.process.definition import CANCELLED, Definition
from oms_core.process.registry import Registry, default_registry

logger = logging.getLogger(__name__)

MAX_CHAINED_STATES = 32


@dataclass(frozen=True, slots=True)
class Running:
    """An order's process row with its definition."""

    order_id: uuid.UUID
    definition: Definition
    state: str
    collection_location_id: str | None


def start_process(
    conn: Connection,
    order_id: uuid.UUID,
    *,
    now: datetime,
    customer: CustomerDetails | None = None,
    name: str | None = None,
    registry: Registry | None = None,
) -> str:
    """Start the order's process in the order's own transaction.

    The process is chosen from the order's lines unless ``name`` is given;
    the newest version of it is stored, and the order runs on that version
    from now on. Returns the process name.
    """
    registry = registry or default_registry()
    lines = conn.execute(
        select(order_lines)
        .where(order_lines.c.order_id == order_id)
        .order_by(order_lines.c.line_no)
    ).all()
    collection = _collection_location(lines)
    name = name or choose_process(conn, lines, collection)
    definition = registry.latest(name)
    registry.ensure_stored(conn, definition)

    conn.execute(
        fulfilment_lines.insert(),
        [
            {
                "order_id": order_id,
                "seq": line.line_no,
                "line_no": line.line_no,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "currency": line.currency,
                "source_location_id": line.source_location_id,
                "picked": 0,
                "short": 0,
                "cancelled": 0,
                "fulfilled": 0,
                "returned": 0,
            }
            for line in lines
        ],
    )
    if customer is not None:
        conn.execute(
            order_customers.insert().values(
                order_id=order_id,
                name=customer.name,
                email=customer.email.strip().lower() if customer.email else None,
                phone_digits=phone_digits(customer.phone) if customer.phone else None,
            )
        )
    conn.execute(
        order_processes.insert().values(
            order_id=order_id,
            process_name=definition.name,
            process_version=definition.version,
            state=definition.start,
            collection_location_id=collection,
            updated_at=now,
        )
    )
    record_event(
        conn,
        "order.created",
        {"process": definition.name, "version": definition.version},
        order_id,
        now=now,
    )
    for line in lines:
        record_event(
            conn,
            "stock.reserved",
            {
                "sku": line.sku,
                "location_id": line.source_location_id,
                "quantity": line.quantity,
            },
            order_id,
            now=now,
        )

    running = Running(order_id, definition, definition.start, collection)
    _enter(conn, running, definition.start, now, depth=0)
    logger.info("order process started")
    return definition.name


def choose_process(conn: Connection, lines: list, collection: str | None) -> str:
    """The standard process for an order's lines.

    TODO: one process per order; an order mixing collected and delivered
    lines runs the collection process for all of them. Curbside is chosen
    by :func:`switch_process` after placement, as the order request has no
    field for it.
    """
    kinds = dict(
        conn.execute(
            select(locations.c.id, locations.c.kind).where(
                locations.c.id.in_(
                    {line.source_location_id for line in lines} | {collection}
                )
            )
        ).all()
    )
    sources = {line.source_location_id for line in lines}
    if collection is not None:
        if kinds.get(collection) == LocationKind.COLLECTION_POINT:
            return "collection_point"
        return "collect_here" if sources == {collection} else "collect_elsewhere"
    source_kinds = {kinds.get(source) for source in sources}
    if LocationKind.SUPPLIER in source_kinds:
        return "drop_ship"
    if source_kinds & {LocationKind.DISTRIBUTION_CENTRE, LocationKind.WAREHOUSE}:
        return "deliver_from_dc"
    return "ship_from_store"


def load_running(conn: Connection, order_id: uuid.UUID, *, lock: bool = False):
    """The order's running process, or a 404 refusal."""
    statement = select(order_processes).where(order_processes.c.order_id == order_id)
    if lock:
        statement = statement.with_for_update()
    row = conn.execute(statement).first()
    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no process for this order")
    definition = default_registry().stored(conn, row.process_name, row.process_version)
    return Running(order_id, definition, row.state, row.collection_location_id)


def fire(conn: Connection, order_id: uuid.UUID, event: str, *, now: datetime) -> str:
    """Send ``event`` to the order's process; returns the state it is in after.

    An event the current state has no exit for is refused with a 409 that
    names the state and the events it accepts.
    """
    running = load_running(conn, order_id, lock=True)
    target = running.definition.target(running.state, event)
    if target is None:
        raise conflict(
            ErrorCode.INVALID_TRANSITION,
            f"event {event!r} is not allowed in state {running.state!r}",
            state=running.state,
            allowed=allowed_events(running.definition, running.state),
        )
    return _move(conn, running, event, target, now, depth=0)


def switch_process(
    conn: Connection,
    order_id: uuid.UUID,
    name: str,
    *,
    now: datetime,
    registry: Registry | None = None,
) -> ProcessView:
    """Run the order on another process (curbside, say) before it is released.

    Allowed only while the order is still in its first state, so no task or
    stock move has happened under the old process.
    """
    registry = registry or default_registry()
    running = load_running(conn, order_id, lock=True)
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

    _close_state(conn, order_id, running.state, now)
    conn.execute(
        update(order_processes)
        .where(order_processes.c.order_id == order_id)
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
        {"from": running.definition.name, "to": definition.name},
        order_id,
        now=now,
    )
    moved = Running(
        order_id, definition, definition.start, running.collection_location_id
    )
    _enter(conn, moved, definition.start, now, depth=0)
    return view(conn, order_id)


def allowed_events(definition: Definition, state: str) -> list[str]:
    """Events the state accepts, ``cancel`` included when it is not final."""
    current = definition.states[state]
    if current.final:
        return []
    return sorted({*current.exits, "cancel"})


def view(conn: Connection, order_id: uuid.UUID) -> ProcessView:
    """Where the order is, as the API shows it."""
    running = load_running(conn, order_id)
    state = running.definition.states[running.state]
    return ProcessView(
        order_id=order_id,
        process=running.definition.name,
        version=running.definition.version,
        state=running.state,
        state_title=state.title,
        final=state.final,
        allowed_events=allowed_events(running.definition, running.state),
    )


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
            order_processes.c.state == running.state,
        )
        .values(state=target, updated_at=now)
    )
    if result.rowcount != 1:
        raise conflict(
            ErrorCode.INVALID_TRANSITION, "the order moved on meanwhile; try again"
        )

    _close_state(conn, running.order_id, running.state, now)
    if running.definition.states[target].final:
        status = OrderStatus.CANCELLED if target == CANCELLED else OrderStatus.COMPLETED
        conn.execute(
            update(orders)
            .where(orders.c.id == running.order_id)
            .values(status=status.value)
        )
    record_event(
        conn,
        "order.state_changed",
        {"from": running.state, "to": target, "event": event},
        running.order_id,
        now=now,
    )
    moved = Running(
        running.order_id,
        running.definition,
        target,
        running.collection_location_id,
    )
    return _enter(conn, moved, target, now, depth=depth + 1)


def _enter(
    conn: Connection, running: Running, state_id: str, now: datetime, *, depth: int
) -> str:
    state = running.definition.states[state_id]
    for timer in state.timers:
        _schedule(
            conn,
            running.order_id,
            state_id,
            "job" if timer.job else "event",
            timer.job or timer.event or "",
            now + timedelta(hours=timer.after_hours),
        )
    if state.job is not None:
        _schedule(conn, running.order_id, state_id, "job", state.job, now)
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
    """Create the state's tasks: one per source location, or one at collection."""
    rows = conn.execute(
        select(fulfilment_lines)
        .where(fulfilment_lines.c.order_id == running.order_id)
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
        add_task(conn, running.order_id, state_id, kind, location_id, lines, now)
    return len(groups)


def add_task(
    conn: Connection,
    order_id: uuid.UUID,
    state_id: str,
    kind: str,
    location_id: str,
    lines: list[dict],
    now: datetime,
) -> uuid.UUID:
    """One open task with its lines; writes ``task.created``."""
    task_id = uuid.uuid4()
    conn.execute(
        process_tasks.insert().values(
            id=task_id,
            order_id=order_id,
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
        {"task_id": str(task_id), "kind": kind, "location_id": location_id},
        order_id,
        now=now,
    )
    return task_id


def _schedule(
    conn: Connection,
    order_id: uuid.UUID,
    state_id: str,
    kind: str,
    action: str,
    due_at: datetime,
) -> None:
    conn.execute(
        process_timers.insert().values(
            order_id=order_id,
            state=state_id,
            kind=kind,
            action=action,
            due_at=due_at,
            attempts=0,
        )
    )


def _close_state(
    conn: Connection, order_id: uuid.UUID, state_id: str, now: datetime
) -> None:
    """Leaving a state voids its timers and cancels its unfinished tasks."""
    conn.execute(
        update(process_timers)
        .where(
            process_timers.c.order_id == order_id,
            process_timers.c.state == state_id,
            process_timers.c.fired_at.is_(None),
        )
        .values(fired_at=now, fired_by="-", outcome="state left")
    )
    open_ids = conn.scalars(
        select(process_tasks.c.id).where(
            process_tasks.c.order_id == order_id,
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


def _collection_location(lines: list) -> str | None:
    for line in lines:
        fulfilment = json.loads(line.fulfilment)
        if fulfilment.get("method") == "collect":
            return fulfilment["location_id"]
    return None


def phone_digits(phone: str) -> str:
    """A phone number as digits only, UK numbers in their national form."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+44") or (
        digits.startswith("44") and len(digits) == 12
    ):
        return "0" + digits[2:]
    return digits
