"""Outbox steps, each run inside the caller's transaction.

A row is sent by whoever holds its lease. The claim is a conditional
UPDATE that only succeeds while the row is pending and its lease is free,
so two workers, even in two processes on one file, never hold a row at
once. A worker whose lease ran out and was taken over cannot record a
retry or park the row: its outcome is stale (:class:`LeaseLostError`).

Rows are claimed by their next attempt time, then by age: a fresh outbox
goes out oldest first, and a row that failed waits behind the rows that
have not, so one bad order never holds up the queue.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, func, insert, literal_column, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from offline_store.errors import (
    DuplicateOrderError,
    InvalidTransitionError,
    LeaseLostError,
    UnknownOrderError,
)
from offline_store.models import OutboxEntry, OutboxState
from offline_store.schema import outbox

logger = logging.getLogger(__name__)

_MAX_CLAIM_TRIES = 5


def insert_entry(
    conn: Connection, now: datetime, order_id: uuid.UUID, payload_json: str
) -> OutboxEntry:
    """Add a pending row, due now."""
    try:
        conn.execute(
            insert(outbox).values(
                order_id=str(order_id),
                payload=payload_json,
                state=OutboxState.PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )
        )
    except IntegrityError as exc:
        raise DuplicateOrderError(f"order {order_id} is already in the outbox") from exc

    return get(conn, order_id)


def get(conn: Connection, order_id: uuid.UUID) -> OutboxEntry:
    """Read one row or raise :class:`UnknownOrderError`."""
    row = conn.execute(
        select(outbox).where(outbox.c.order_id == str(order_id))
    ).one_or_none()
    if row is None:
        raise UnknownOrderError(f"no order {order_id} in the outbox")
    return _entry(row)


def claim_due(
    conn: Connection, now: datetime, worker_id: str, lease_seconds: float
) -> OutboxEntry | None:
    """Lease the oldest due pending row to ``worker_id``, if any."""
    lease_until = now + timedelta(seconds=lease_seconds)

    for _ in range(_MAX_CLAIM_TRIES):
        candidate = conn.execute(
            select(outbox.c.order_id)
            .where(_claimable(now))
            .order_by(
                outbox.c.next_attempt_at,
                outbox.c.created_at,
                literal_column("outbox.rowid"),
            )
            .limit(1)
        ).scalar_one_or_none()
        if candidate is None:
            return None

        claimed = conn.execute(
            sql_update(outbox)
            .where(outbox.c.order_id == candidate)
            .where(_claimable(now))
            .values(
                claimed_by=worker_id,
                lease_until=lease_until,
                attempts=outbox.c.attempts + 1,
            )
        )
        if claimed.rowcount == 1:
            logger.debug("outbox row claimed by %s", worker_id)
            return get(conn, uuid.UUID(candidate))

    return None


def claim_batch(
    conn: Connection, now: datetime, worker_id: str, lease_seconds: float, limit: int
) -> list[OutboxEntry]:
    """Lease up to ``limit`` due pending rows to ``worker_id``, in sending order.

    One transaction for the lot, so a drain makes one durable commit per
    order (its outcome) plus one per batch, instead of two per order. Each
    row claimed counts one attempt; :func:`release` gives back the ones not
    sent. The store's transactions take the write lock before they read, so
    the rows chosen are still claimable when they are updated.
    """
    lease_until = now + timedelta(seconds=lease_seconds)
    chosen = list(
        conn.scalars(
            select(outbox.c.order_id)
            .where(_claimable(now))
            .order_by(
                outbox.c.next_attempt_at,
                outbox.c.created_at,
                literal_column("outbox.rowid"),
            )
            .limit(limit)
        )
    )
    if not chosen:
        return []

    conn.execute(
        sql_update(outbox)
        .where(outbox.c.order_id.in_(chosen))
        .where(_claimable(now))
        .values(
            claimed_by=worker_id,
            lease_until=lease_until,
            attempts=outbox.c.attempts + 1,
        )
    )
    rows = conn.execute(
        select(outbox).where(
            outbox.c.order_id.in_(chosen),
            outbox.c.claimed_by == worker_id,
            outbox.c.lease_until == lease_until,
        )
    ).all()
    place = {order_id: index for index, order_id in enumerate(chosen)}
    rows.sort(key=lambda row: place[row.order_id])
    logger.debug("%d outbox rows claimed by %s", len(rows), worker_id)
    return [_entry(row) for row in rows]


def release(conn: Connection, order_ids: list[uuid.UUID], worker_id: str) -> int:
    """Give back the leases of claimed rows that were not sent; rows released.

    Only pending rows still leased to ``worker_id`` are touched, and the
    attempt their claim counted is taken back: they were never tried.
    """
    if not order_ids:
        return 0
    result = conn.execute(
        sql_update(outbox)
        .where(outbox.c.order_id.in_([str(order_id) for order_id in order_ids]))
        .where(outbox.c.state == OutboxState.PENDING)
        .where(outbox.c.claimed_by == worker_id)
        .values(
            claimed_by=None,
            lease_until=None,
            attempts=func.max(outbox.c.attempts - 1, 0),
        )
    )
    return result.rowcount


def next_due_at(conn: Connection) -> datetime | None:
    """When the earliest pending row becomes due (or its lease ends)."""
    rows = conn.execute(
        select(outbox.c.next_attempt_at, outbox.c.lease_until).where(
            outbox.c.state == OutboxState.PENDING
        )
    ).all()
    times = [
        max(row.next_attempt_at, row.lease_until or row.next_attempt_at) for row in rows
    ]
    return min(times, default=None)


# TODO: archive accepted rows after a retention period; they stay for the
# outbox view and as proof of what the engine answered.
def record_accepted(
    conn: Connection, now: datetime, order_id: uuid.UUID, answer_json: str
) -> OutboxEntry:
    """Store the engine's answer and mark the row accepted, in one step."""
    entry = get(conn, order_id)
    if entry.state is OutboxState.ACCEPTED:
        logger.debug("outbox row was already accepted")
        return entry

    conn.execute(
        sql_update(outbox)
        .where(outbox.c.order_id == str(order_id))
        .values(
            state=OutboxState.ACCEPTED,
            answer=answer_json,
            accepted_at=now,
            claimed_by=None,
            lease_until=None,
            last_error=None,
        )
    )
    return get(conn, order_id)


def record_retry(
    conn: Connection,
    order_id: uuid.UUID,
    error: str,
    next_attempt_at: datetime,
    worker_id: str | None = None,
) -> OutboxEntry:
    """Release the lease and schedule the next attempt.

    With ``worker_id``, only the worker that holds the lease may do it.
    """
    _require_lease(
        _require_state(conn, order_id, OutboxState.PENDING, "retry"), worker_id
    )
    conn.execute(
        sql_update(outbox)
        .where(outbox.c.order_id == str(order_id))
        .values(
            next_attempt_at=next_attempt_at,
            last_error=error,
            claimed_by=None,
            lease_until=None,
        )
    )
    return get(conn, order_id)


def record_parked(
    conn: Connection, order_id: uuid.UUID, error: str, worker_id: str | None = None
) -> OutboxEntry:
    """Set a row aside for a person to resolve.

    With ``worker_id``, only the worker that holds the lease may do it.
    """
    _require_lease(
        _require_state(conn, order_id, OutboxState.PENDING, "park"), worker_id
    )
    conn.execute(
        sql_update(outbox)
        .where(outbox.c.order_id == str(order_id))
        .values(
            state=OutboxState.PARKED,
            last_error=error,
            claimed_by=None,
            lease_until=None,
        )
    )
    return get(conn, order_id)


def requeue(conn: Connection, order_id: uuid.UUID) -> OutboxEntry:
    """Put a parked row back in the queue, due at once, attempts reset."""
    entry = _require_state(conn, order_id, OutboxState.PARKED, "requeue")
    conn.execute(
        sql_update(outbox)
        .where(outbox.c.order_id == str(order_id))
        .values(
            state=OutboxState.PENDING,
            attempts=0,
            next_attempt_at=entry.created_at,
        )
    )
    return get(conn, order_id)


def summary(conn: Connection) -> dict[OutboxState, int]:
    """Rows per state; every state is present."""
    counts = dict.fromkeys(OutboxState, 0)
    for state, count in conn.execute(
        select(outbox.c.state, func.count()).group_by(outbox.c.state)
    ):
        counts[OutboxState(state)] = count
    return counts


def entries(conn: Connection, state: OutboxState | None) -> list[OutboxEntry]:
    """Rows, oldest first, optionally of one state."""
    query = select(outbox).order_by(outbox.c.created_at, literal_column("outbox.rowid"))
    if state is not None:
        query = query.where(outbox.c.state == OutboxState(state))
    return [_entry(row) for row in conn.execute(query)]


def _claimable(now: datetime) -> Any:
    return (
        (outbox.c.state == OutboxState.PENDING)
        & (outbox.c.next_attempt_at <= now)
        & or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now)
    )


def _require_state(
    conn: Connection, order_id: uuid.UUID, state: OutboxState, action: str
) -> OutboxEntry:
    entry = get(conn, order_id)
    if entry.state is not state:
        raise InvalidTransitionError(
            f"cannot {action} order {order_id}: it is {entry.state}, not {state}"
        )
    return entry


def _require_lease(entry: OutboxEntry, worker_id: str | None) -> None:
    if worker_id is not None and entry.claimed_by != worker_id:
        raise LeaseLostError(
            f"order {entry.order_id} is no longer leased to this worker"
        )


def _entry(row: Row[Any]) -> OutboxEntry:
    return OutboxEntry(
        order_id=uuid.UUID(row.order_id),
        payload=json.loads(row.payload),
        state=OutboxState(row.state),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        claimed_by=row.claimed_by,
        lease_until=row.lease_until,
        last_error=row.last_error,
        answer=json.loads(row.answer) if row.answer is not None else None,
        accepted_at=row.accepted_at,
    )
