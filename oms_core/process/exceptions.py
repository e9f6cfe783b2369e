"""Exceptions to the plan: cancel a whole order or some lines, and returns.

Cancelling releases exactly the stock still held for the cancelled units
(what has left a location cannot be cancelled, only returned) and settles
the money: what was taken beyond the value still owed is refunded and
authorisations no longer needed are released. A return puts the units back
on hand at the store they were handed in at, anywhere in the network.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, select, update

from oms_core.api_models import ErrorCode, LineQuantity
from oms_core.db.process_schema import fulfilment_lines
from oms_core.db.schema import locations, order_lines
from oms_core.errors import conflict, invalid
from oms_core.events import record_event
from oms_core.payments import ledger
from oms_core.payments.providers import PaymentProvider
from oms_core.process import engine, line_exceptions, stock_moves
from oms_core.process.group_views import live_units

logger = logging.getLogger(__name__)


def cancel(
    conn: Connection,
    order_id: uuid.UUID,
    lines: list[LineQuantity] | None,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
) -> None:
    """Cancel the order (``lines`` None) or some units of some lines.

    Each shipment group left with nothing to deliver is cancelled; the
    others run on.
    """
    groups = engine.running_groups(conn, order_id, lock=True)
    if all(engine.is_final(running) for running in groups):
        raise conflict(
            ErrorCode.NOTHING_TO_CANCEL, f"the order is already {groups[0].state}"
        )
    released = cancel_held(conn, order_id, lines, providers, now)
    if released == 0:
        raise conflict(
            ErrorCode.NOTHING_TO_CANCEL, "nothing is held; return the goods instead"
        )
    cancel_emptied_groups(conn, order_id, now)


def cancel_emptied_groups(conn: Connection, order_id: uuid.UUID, now: datetime) -> int:
    """Send ``cancel`` to every running group with no unit left; how many."""
    cancelled = 0
    for running in engine.running_groups(conn, order_id):
        if engine.is_final(running):
            continue
        if live_units(conn, order_id, running.group_no) == 0:
            engine.fire(conn, order_id, "cancel", now=now, group_no=running.group_no)
            cancelled += 1
    return cancelled


def cancel_held(
    conn: Connection,
    order_id: uuid.UUID,
    lines: list[LineQuantity] | None,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
    *,
    group_no: int | None = None,
) -> int:
    """Release the held units asked for (all if None); returns how many.

    With ``group_no`` only that shipment group's lines are looked at.
    """
    statement = (
        select(fulfilment_lines)
        .where(fulfilment_lines.c.order_id == order_id)
        .order_by(fulfilment_lines.c.seq.desc())
    )
    if group_no is not None:
        statement = statement.where(fulfilment_lines.c.group_no == group_no)
    rows = conn.execute(statement).all()
    # Units of a line exception are reserved nowhere: they are cancelled too.
    pending = line_exceptions.pending_lines(conn, order_id)
    wanted = _wanted(rows, lines, pending)
    _within_ordered(conn, order_id, wanted if lines is not None else {})

    # What was never reserved goes first, then what is held.
    released = line_exceptions.cancel_pending(conn, order_id, wanted)
    for row in rows:
        held = row.quantity - row.short - row.cancelled - row.fulfilled
        take = min(held, wanted.get(row.line_no, 0))
        if take <= 0:
            continue
        wanted[row.line_no] -= take
        stock_moves.release(
            conn, order_id, row.sku, row.source_location_id, take, line_no=row.line_no
        )
        conn.execute(
            update(fulfilment_lines)
            .where(
                fulfilment_lines.c.order_id == order_id,
                fulfilment_lines.c.seq == row.seq,
            )
            .values(cancelled=row.cancelled + take)
        )
        released += take
    line_exceptions.close_emptied(conn, order_id, now)
    if lines is not None and any(wanted.values()):
        raise conflict(
            ErrorCode.NOTHING_TO_CANCEL,
            "some units have left their location or were cancelled; "
            "return them instead",
            lines={str(k): v for k, v in wanted.items() if v},
        )

    record_event(
        conn,
        "order.lines_cancelled",
        {"units": released, "whole": lines is None, "group": group_no},
        order_id,
        now=now,
    )
    ledger.settle(conn, order_id, providers, now)
    return released


def return_lines(
    conn: Connection,
    order_id: uuid.UUID,
    location_id: str,
    lines: list[LineQuantity],
    providers: Mapping[str, PaymentProvider],
    now: datetime,
) -> None:
    """Take back collected or delivered units at ``location_id`` and refund."""
    engine.running_groups(conn, order_id, lock=True)
    if conn.scalar(select(locations.c.id).where(locations.c.id == location_id)) is None:
        raise invalid(
            ErrorCode.UNKNOWN_LOCATION, f"no location with id {location_id!r}"
        )
    rows = conn.execute(
        select(fulfilment_lines)
        .where(fulfilment_lines.c.order_id == order_id)
        .order_by(fulfilment_lines.c.seq)
    ).all()
    wanted = _wanted(rows, lines)
    _within_ordered(conn, order_id, wanted)

    for row in rows:
        out = row.fulfilled - row.returned
        take = min(out, wanted.get(row.line_no, 0))
        if take <= 0:
            continue
        wanted[row.line_no] -= take
        stock_moves.receive_return(conn, order_id, row.sku, location_id, take, now)
        conn.execute(
            update(fulfilment_lines)
            .where(
                fulfilment_lines.c.order_id == order_id,
                fulfilment_lines.c.seq == row.seq,
            )
            .values(returned=row.returned + take)
        )
    if any(wanted.values()):
        raise conflict(
            ErrorCode.NOTHING_TO_RETURN,
            "only collected or delivered units can be returned",
            lines={str(k): v for k, v in wanted.items() if v},
        )

    record_event(
        conn,
        "order.returned",
        {"location_id": location_id, "units": sum(x.quantity for x in lines)},
        order_id,
        now=now,
    )
    ledger.settle(conn, order_id, providers, now)


def _within_ordered(
    conn: Connection, order_id: uuid.UUID, wanted: dict[int, int]
) -> None:
    """Refuse asking for more units of a line than it was ordered with."""
    if not wanted:
        return
    ordered = dict(
        conn.execute(
            select(order_lines.c.line_no, order_lines.c.quantity).where(
                order_lines.c.order_id == order_id,
                order_lines.c.line_no.in_(wanted),
            )
        ).all()
    )
    for line_no, quantity in sorted(wanted.items()):
        if quantity > ordered.get(line_no, 0):
            raise invalid(
                ErrorCode.INVALID_REQUEST,
                f"line {line_no} was ordered with {ordered.get(line_no, 0)} "
                f"units; {quantity} asked for",
                line_no=line_no,
            )


def _wanted(
    rows: list, lines: list[LineQuantity] | None, extra: set[int] = frozenset()
) -> dict[int, int]:
    known = {row.line_no for row in rows} | extra
    if lines is None:
        return {line_no: 10**9 for line_no in known}
    wanted: dict[int, int] = {}
    for line in lines:
        if line.line_no not in known:
            raise invalid(
                ErrorCode.INVALID_REQUEST, f"the order has no line {line.line_no}"
            )
        wanted[line.line_no] = wanted.get(line.line_no, 0) + line.quantity
    return wanted
