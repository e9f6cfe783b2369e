"""Reading positions: the order in which committed events are handed out.

An event id comes from a sequence when the event is written, but on
PostgreSQL two transactions can commit in the other order: event 11 can
be visible while event 10 is not yet. A reader whose cursor passed 11
would never see 10. So readers do not follow ids: the writer adds a row
without a position in the event's own transaction, and
:func:`assign_positions` gives positions to committed events only, in id
order, one sequencer at a time (a PostgreSQL advisory lock; SQLite has one
writer anyway). An event that commits late gets a position above every
position handed out before, and a cursor over positions never skips one.

Events of one order keep their order: a writer of an order waits for its
row lock, so it writes its event after the previous writer committed.

A position is never below the event's id (``max(id, last + 1)``), so
where no transaction commits out of order the position is the id, and
cursors from before positions existed keep their meaning.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, bindparam, func, select, text, update

from oms_core.db.engine import WRITE
from oms_core.db.order_flow_schema import event_positions

logger = logging.getLogger(__name__)

# The advisory lock of the sequencer (any constant unique in the database).
LOCK_KEY = 4_207_001
BATCH = 5000


def assign_positions(conn: Connection, limit: int = BATCH) -> int:
    """Give committed events without a position the next ones; how many.

    Runs in the caller's write transaction. On PostgreSQL a sequencer that
    finds another at work gives nothing and returns 0: the other one
    gives the positions.
    """
    if conn.dialect.name == "postgresql":
        locked = conn.scalar(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}
        )
        if not locked:
            return 0

    waiting = list(
        conn.scalars(
            select(event_positions.c.event_id)
            .where(event_positions.c.position.is_(None))
            .order_by(event_positions.c.event_id)
            .limit(limit)
        )
    )
    if not waiting:
        return 0
    last = conn.scalar(select(func.max(event_positions.c.position))) or 0

    given = []
    for event_id in waiting:
        last = max(event_id, last + 1)
        given.append({"event": event_id, "given": last})
    conn.execute(
        update(event_positions)
        .where(event_positions.c.event_id == bindparam("event"))
        .values(position=bindparam("given")),
        given,
    )
    logger.debug("%d events positioned", len(waiting))
    return len(waiting)


def position_committed(engine: Engine) -> int:
    """Run :func:`assign_positions` in a short write transaction of its own."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        return assign_positions(conn)
