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
from collections.abc import Mapping, Sequence
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
    return record_events(conn, [(kind, payload)], order_id, now=now)[0]


def record_events(
    conn: Connection,
    items: Sequence[tuple[str, Mapping[str, Any]]],
    order_id: uuid.UUID | None = None,
    *,
    now: datetime | None = None,
) -> list[int]:
    """Write ``(kind, payload)`` events in order, in two statements; their ids.

    Numbered as :func:`record_event` numbers them: one after another, the
    order's row locked first (once per transaction).
    """
    for kind, _payload in items:
        if not kind or len(kind) > MAX_KIND_LENGTH:
            raise ValueError(f"event kind must be 1-{MAX_KIND_LENGTH} characters")
    if not items:
        return []

    seqs: list[int | None] = [None] * len(items)
    if order_id is not None:
        last = _last_seq(conn, order_id)
        seqs = list(range(last + 1, last + 1 + len(items)))
        _remember_seq(conn, order_id, last + len(items))

    created_at = now or datetime.now(UTC)
    rows = [
        {
            "order_id": order_id,
            "order_seq": seq,
            "kind": kind,
            "payload": json.dumps(dict(payload), sort_keys=True, default=str),
            "created_at": created_at,
        }
        for (kind, payload), seq in zip(items, seqs, strict=True)
    ]
    if len(rows) == 1:
        result = conn.execute(events.insert(), rows[0])
        ids = [int(result.inserted_primary_key[0])]
    else:
        result = conn.execute(
            events.insert().returning(events.c.id, sort_by_parameter_order=True),
            rows,
        )
        ids = [int(event_id) for event_id in result.scalars()]

    conn.execute(
        event_positions.insert(),
        [{"event_id": event_id, "position": None} for event_id in ids],
    )
    logger.debug("%d event(s) recorded", len(ids))
    return ids


def note_new_order(conn: Connection, order_id: uuid.UUID) -> None:
    """Tell the outbox that this transaction has just inserted ``order_id``.

    Its row is then locked by us, so its first event needs no lock, only
    the look-up of the last number (events may name an order before its
    row exists, such as a hold consumed while the order is placed).
    """
    known = _known_seqs(conn)
    if known is None or order_id not in known:
        _remember_seq(conn, order_id, None)


# Per connection, the last event number of orders whose row this
# transaction has locked (None: locked, number not read yet); valid only
# while the same (save)point is open, so a savepoint's rollback (which also
# drops its locks) forgets it.
_SEQ_INFO_KEY = "openaisle.event_seqs"


def _scope(conn: Connection) -> tuple[object, object] | None:
    transaction = conn.get_transaction()
    if transaction is None:
        return None
    return (transaction, conn.get_nested_transaction())


def _known_seqs(conn: Connection) -> dict[uuid.UUID, int | None] | None:
    scope = _scope(conn)
    held = conn.info.get(_SEQ_INFO_KEY)
    if scope is None or held is None:
        return None
    held_scope, seqs = held
    if held_scope[0] is not scope[0] or held_scope[1] is not scope[1]:
        return None
    return seqs


def _remember_seq(conn: Connection, order_id: uuid.UUID, last: int | None) -> None:
    scope = _scope(conn)
    if scope is None:
        return
    seqs = _known_seqs(conn)
    if seqs is None:
        seqs = {}
        conn.info[_SEQ_INFO_KEY] = (scope, seqs)
    seqs[order_id] = last


def _last_seq(conn: Connection, order_id: uuid.UUID) -> int:
    known = _known_seqs(conn)
    if known is not None and known.get(order_id) is not None:
        return known[order_id]

    if known is None or order_id not in known:
        # Writers of one order queue on its row (PostgreSQL; SQLite has one
        # writer anyway), so the next number is never taken twice.
        conn.execute(
            select(orders.c.id).where(orders.c.id == order_id).with_for_update()
        )
    last = conn.scalar(
        select(func.max(events.c.order_seq)).where(events.c.order_id == order_id)
    )
    return last or 0


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
