"""The outbox table: write an event in the caller's transaction, read by cursor.

Events of one order carry a sequence number 1, 2, 3... in the order they
were written. Readers that resume from a cursor follow the event's
position, given after its commit (:mod:`oms_core.events.positions`), not
its id: ids can become visible out of order on PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from oms_core.db.order_flow_schema import event_positions
from oms_core.db.process_schema import events
from oms_core.db.schema import orders

logger = logging.getLogger(__name__)

MAX_KIND_LENGTH = 64


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One event as stored: cursor id, order and its number there, payload."""

    id: int
    order_id: uuid.UUID | None
    order_seq: int | None
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    position: int | None = None


def record_event(
    conn: Connection,
    kind: str,
    payload: Mapping[str, Any],
    order_id: uuid.UUID | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Write an event in the current transaction and return its id.

    The order's next number is taken inside the same transaction, after
    locking the order's row, so two writers of one order never race for a
    number (the unique key would refuse the second).
    """
    if not kind or len(kind) > MAX_KIND_LENGTH:
        raise ValueError(f"event kind must be 1-{MAX_KIND_LENGTH} characters")

    seq = None
    if order_id is not None:
        # Writers of one order queue on its row (PostgreSQL; SQLite has one
        # writer anyway), so the next number is never taken twice.
        conn.execute(
            select(orders.c.id).where(orders.c.id == order_id).with_for_update()
        )
        last = conn.scalar(
            select(func.max(events.c.order_seq)).where(events.c.order_id == order_id)
        )
        seq = (last or 0) + 1

    result = conn.execute(
        events.insert().values(
            order_id=order_id,
            order_seq=seq,
            kind=kind,
            payload=json.dumps(dict(payload), sort_keys=True, default=str),
            created_at=now or datetime.now(UTC),
        )
    )
    event_id = int(result.inserted_primary_key[0])
    conn.execute(event_positions.insert().values(event_id=event_id, position=None))
    logger.debug("event %s recorded", kind)
    return event_id


def read_events(
    conn: Connection,
    after: int = 0,
    limit: int = 100,
    *,
    order_id: uuid.UUID | None = None,
) -> list[StoredEvent]:
    """Events with an id above ``after``, oldest first (of one order if given)."""
    statement = select(events).where(events.c.id > after)
    if order_id is not None:
        statement = statement.where(events.c.order_id == order_id)
    rows = conn.execute(statement.order_by(events.c.id).limit(limit)).all()
    return [_stored(row) for row in rows]


def read_positioned(
    conn: Connection, after: int = 0, limit: int = 100
) -> list[StoredEvent]:
    """Committed events with a position above ``after``, by position.

    Only events given a position are read; run
    :func:`oms_core.events.positions.assign_positions` first to include
    those committed since the last sequencer pass.
    """
    rows = conn.execute(
        select(events, event_positions.c.position)
        .join(event_positions, event_positions.c.event_id == events.c.id)
        .where(event_positions.c.position > after)
        .order_by(event_positions.c.position)
        .limit(limit)
    ).all()
    return [_stored(row, row.position) for row in rows]


def _stored(row, position: int | None = None) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        order_id=row.order_id,
        order_seq=row.order_seq,
        kind=row.kind,
        payload=json.loads(row.payload),
        created_at=row.created_at,
        position=position,
    )
