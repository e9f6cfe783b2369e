"""Basket holds: stock reserved for a while before the order is placed.

A hold is sourced and reserved like an order (same rules, same guards) but
lasts only as long as its channel allows: a kiosk basket briefly, a till
longer, a phone order longest (``hold_minutes`` in the rule set). Holds
that run out are expired by :func:`expire_due`, which every stock-changing
call (order, hold, quote, adjustment) runs first in its own transaction;
between writes the engine's job loop runs :func:`sweep` every few seconds
(``openaisle-oms holds expire`` does the same from a scheduler). An expired
hold gives its units back exactly once, however many engine processes
sweep at the same moment: ending a hold is a conditional UPDATE on its
status. An order that names its hold takes the reservation over without
touching the pool again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, select, update

from oms_core import inventory, promising, reads
from oms_core.api_models import (
    ErrorCode,
    Hold,
    HoldChannel,
    HoldLine,
    HoldRequest,
    HoldStatus,
    SourcingMethod,
)
from oms_core.db.engine import WRITE
from oms_core.db.inventory_schema import hold_lines, holds
from oms_core.db.schema import locations
from oms_core.errors import EngineError, conflict, invalid, not_found
from oms_core.events import record_event
from oms_core.sourcing import LineNeed, Pick

logger = logging.getLogger(__name__)

EXPIRE_BATCH = 200
DEFAULT_MINUTES = {"kiosk": 15, "till": 60, "phone": 24 * 60}


def create(connection: Connection, request: HoldRequest, now: datetime) -> Hold:
    """Source and reserve the basket's lines, held until the channel's limit."""
    expire_due(connection, now)
    try:
        reads.get_location(connection, request.selling_location_id)
    except EngineError as exc:
        raise invalid(
            ErrorCode.UNKNOWN_LOCATION,
            f"no selling location with id {request.selling_location_id!r}",
        ) from exc
    needs = promising.needs_of(connection, request.lines)
    sourced = promising.source_and_reserve(
        connection,
        request.selling_location_id,
        request.channel.value,
        needs,
        now,
        count_load=False,
    )
    minutes = sourced.resolved.rules.hold_minutes.get(
        request.channel.value, DEFAULT_MINUTES[request.channel.value]
    )

    skus = {need.index: need.sku for need in needs}
    hold_id = uuid.uuid4()
    expires_at = now + timedelta(minutes=minutes)
    connection.execute(
        holds.insert(),
        {
            "id": hold_id,
            "selling_location_id": request.selling_location_id,
            "channel": request.channel.value,
            "status": HoldStatus.ACTIVE.value,
            "created_at": now,
            "expires_at": expires_at,
        },
    )
    connection.execute(
        hold_lines.insert(),
        [
            {
                "hold_id": hold_id,
                "line_no": index,
                "location_id": pick.location_id,
                "sku": skus[index],
                "method": pick.method.value,
                "quantity": pick.quantity,
            }
            for index, picks in sourced.plan.picks.items()
            for pick in picks
        ],
    )
    record_event(
        connection,
        "hold.created",
        {"hold_id": str(hold_id), "channel": request.channel.value, "minutes": minutes},
        now=now,
    )
    logger.info("hold created for %d minutes", minutes)
    return get(connection, hold_id)


def get(connection: Connection, hold_id: uuid.UUID) -> Hold:
    """One hold, or a 404."""
    row = connection.execute(select(holds).where(holds.c.id == hold_id)).first()
    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such hold", hold_id=str(hold_id))
    line_rows = connection.execute(
        select(hold_lines, locations.c.name)
        .join(locations, locations.c.id == hold_lines.c.location_id)
        .where(hold_lines.c.hold_id == hold_id)
        .order_by(hold_lines.c.line_no, hold_lines.c.location_id)
    ).all()
    lines: dict[int, HoldLine] = {}
    for line in line_rows:
        share = {
            "location_id": line.location_id,
            "name": line.name,
            "quantity": line.quantity,
            "method": line.method,
        }
        found = lines.get(line.line_no)
        if found is None:
            lines[line.line_no] = HoldLine(
                line=line.line_no,
                sku=line.sku,
                quantity=line.quantity,
                allocations=[share],
            )
        else:
            lines[line.line_no] = HoldLine(
                line=line.line_no,
                sku=line.sku,
                quantity=found.quantity + line.quantity,
                allocations=[*found.allocations, share],
            )
    return Hold(
        id=row.id,
        selling_location_id=row.selling_location_id,
        channel=HoldChannel(row.channel),
        status=HoldStatus(row.status),
        created_at=row.created_at,
        expires_at=row.expires_at,
        lines=[lines[number] for number in sorted(lines)],
        order_id=row.order_id,
    )


def release(connection: Connection, hold_id: uuid.UUID, now: datetime) -> Hold:
    """End an active hold early and give its units back."""
    get(connection, hold_id)
    if not _end(connection, hold_id, HoldStatus.RELEASED, now):
        raise conflict(
            ErrorCode.HOLD_NOT_ACTIVE, "the hold is not active", hold_id=str(hold_id)
        )
    return get(connection, hold_id)


def expire_due(connection: Connection, now: datetime) -> int:
    """Expire active holds past their time; returns how many this call ended.

    Holds are ended in one order (expiry, then id), so two processes doing
    this at once wait for each other rather than deadlock; the one that
    comes second finds the hold no longer active and leaves it.
    """
    due = connection.scalars(
        select(holds.c.id)
        .where(holds.c.status == HoldStatus.ACTIVE.value, holds.c.expires_at <= now)
        .order_by(holds.c.expires_at, holds.c.id)
        .limit(EXPIRE_BATCH)
    ).all()
    ended = sum(
        1 for hold_id in due if _end(connection, hold_id, HoldStatus.EXPIRED, now)
    )
    if ended:
        logger.info("expired %d holds", ended)
    return ended


# TODO: between two passes of the job loop a read still counts a hold that
# ran out since the last pass; leaving expired holds out of every ATP read
# would cost a join on each stock row read.
def sweep(engine: Engine, now: datetime | None = None) -> int:
    """Expire every hold past its time, a batch per short write transaction.

    What the job loop of a served engine (and of the app's bundled one)
    runs between writes, so an ended hold stops counting as reserved
    within one pass of the loop. Returns how many holds this call ended.
    """
    now = now or datetime.now(UTC)
    ended = 0
    while _any_due(engine, now):
        # Only now take the write lock (SQLite has one for the whole file).
        with engine.connect().execution_options(**WRITE) as connection:
            with connection.begin():
                batch = expire_due(connection, now)
        ended += batch
        if batch < EXPIRE_BATCH:
            break
    return ended


def _any_due(engine: Engine, now: datetime) -> bool:
    """Whether some active hold is past its time (a read, no write lock)."""
    with engine.connect() as connection:
        return (
            connection.scalar(
                select(holds.c.id)
                .where(
                    holds.c.status == HoldStatus.ACTIVE.value,
                    holds.c.expires_at <= now,
                )
                .limit(1)
            )
            is not None
        )


def consume(
    connection: Connection,
    hold_id: uuid.UUID,
    order_id: uuid.UUID,
    needs: Sequence[LineNeed],
    now: datetime,
) -> tuple[dict[int, list[Pick]] | None, str | None]:
    """Take over the hold's reservation for ``order_id``.

    Returns the picks per line, or None and why the hold could not be used
    (then the caller sources afresh; an unusable active hold is released).
    """
    row = connection.execute(
        select(holds.c.status, holds.c.expires_at).where(holds.c.id == hold_id)
    ).first()
    if row is None:
        return None, "the hold does not exist"
    if row.status != HoldStatus.ACTIVE.value or row.expires_at <= now:
        if row.status == HoldStatus.ACTIVE.value:
            _end(connection, hold_id, HoldStatus.EXPIRED, now)
            return None, "the hold had expired"
        return None, f"the hold was {row.status}"

    line_rows = connection.execute(
        select(hold_lines).where(hold_lines.c.hold_id == hold_id)
    ).all()
    picks: dict[int, list[Pick]] = {}
    for line in line_rows:
        picks.setdefault(line.line_no, []).append(
            Pick(
                line.location_id,
                line.quantity,
                SourcingMethod(line.method),
                None,
                None,
            )
        )
    wanted = {(n.index, n.sku, n.quantity) for n in needs}
    held = {
        (
            index,
            next(r.sku for r in line_rows if r.line_no == index),
            sum(p.quantity for p in shares),
        )
        for index, shares in picks.items()
    }
    if wanted != held:
        _end(connection, hold_id, HoldStatus.RELEASED, now)
        return None, "the order's lines differ from the hold's; the hold was released"

    result = connection.execute(
        update(holds)
        .where(holds.c.id == hold_id, holds.c.status == HoldStatus.ACTIVE.value)
        .values(status=HoldStatus.CONSUMED.value, ended_at=now, order_id=order_id)
    )
    if result.rowcount != 1:
        return None, "the hold ended while the order was placed"
    record_event(
        connection, "hold.consumed", {"hold_id": str(hold_id)}, order_id, now=now
    )
    return picks, None


def _end(
    connection: Connection, hold_id: uuid.UUID, status: HoldStatus, now: datetime
) -> bool:
    result = connection.execute(
        update(holds)
        .where(holds.c.id == hold_id, holds.c.status == HoldStatus.ACTIVE.value)
        .values(status=status.value, ended_at=now)
    )
    if result.rowcount != 1:
        return False
    for line in connection.execute(
        select(hold_lines).where(hold_lines.c.hold_id == hold_id)
    ).all():
        inventory.release(connection, line.sku, line.location_id, line.quantity)
    record_event(connection, f"hold.{status.value}", {"hold_id": str(hold_id)}, now=now)
    return True
