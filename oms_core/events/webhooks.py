"""Webhook subscribers: signed delivery in order, back-off, replay.

Each subscriber has a cursor: the id of the last event it acknowledged
(any 2xx answer). A pass sends the events after the cursor in id order,
one request each, and stops at the first failure; the subscriber then
waits 2^attempts seconds (at most an hour) before the next try. Delivery
is at least once (a subscriber that answered too late gets the event
again) and in order per order (events of one order have rising ids and
are sent one at a time). Replaying sets the cursor back.

The cursor is an event's position, given after its commit
(:mod:`oms_core.events.positions`): an event that commits after a higher
id was sent still comes after the cursor and is sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Connection, Engine, select, update

from oms_core.db.engine import WRITE
from oms_core.db.process_schema import webhook_subscriptions
from oms_core.events.outbox import StoredEvent, read_positioned
from oms_core.events.positions import position_committed
from oms_core.events.signing import HEADER, sign

logger = logging.getLogger(__name__)

BATCH = 50
MAX_BACKOFF = timedelta(hours=1)
TIMEOUT_SECONDS = 5.0

Sender = Callable[[str, bytes, dict[str, str]], int]
_sender: Sender | None = None


def http_sender(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body`` to ``url``; returns the status code."""
    with httpx.Client(timeout=TIMEOUT_SECONDS) as http:
        return http.post(url, content=body, headers=headers).status_code


def set_sender(sender: Sender | None) -> None:
    """Use ``sender`` for deliveries (None: real HTTP)."""
    global _sender
    _sender = sender


def subscribe(
    conn: Connection, url: str, secret: str, after: int, now: datetime
) -> int:
    """Add a subscriber that starts after event ``after``; returns its id."""
    result = conn.execute(
        webhook_subscriptions.insert().values(
            url=url,
            secret=secret,
            cursor=after,
            attempts=0,
            active=True,
            created_at=now,
        )
    )
    logger.info("webhook subscriber added")
    return int(result.inserted_primary_key[0])


def replay(conn: Connection, subscription_id: int, after: int) -> bool:
    """Send everything after ``after`` again; False if there is no such one."""
    result = conn.execute(
        update(webhook_subscriptions)
        .where(webhook_subscriptions.c.id == subscription_id)
        .values(cursor=after, attempts=0, next_attempt_at=None, last_error=None)
    )
    return result.rowcount == 1


def event_body(event: StoredEvent) -> bytes:
    """The JSON body of one event, as the API's ``OrderEvent`` shows it."""
    return json.dumps(
        {
            "id": event.id,
            "order_id": str(event.order_id) if event.order_id else None,
            "order_seq": event.order_seq,
            "kind": event.kind,
            "payload": event.payload,
            "created_at": event.created_at.isoformat(),
            "position": event.position,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def deliver_due(engine: Engine, now: datetime) -> int:
    """One delivery pass over every subscriber that is due; events sent."""
    with engine.connect() as conn:
        subscribers = conn.execute(
            select(webhook_subscriptions).where(
                webhook_subscriptions.c.active.is_(True),
                (webhook_subscriptions.c.next_attempt_at.is_(None))
                | (webhook_subscriptions.c.next_attempt_at <= now),
            )
        ).all()
    return sum(_deliver(engine, row, now) for row in subscribers)


def _deliver(engine: Engine, subscriber, now: datetime) -> int:
    send = _sender or http_sender
    position_committed(engine)
    with engine.connect() as conn:
        pending = read_positioned(conn, subscriber.cursor, BATCH)

    cursor, sent, error = subscriber.cursor, 0, None
    for event in pending:
        body = event_body(event)
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(subscriber.secret, body, int(now.timestamp())),
            "OpenAisle-Event-Id": str(event.id),
        }
        try:
            status = send(subscriber.url, body, headers)
        except httpx.HTTPError as exc:
            error = f"transport: {type(exc).__name__}"
            break
        if not 200 <= status < 300:
            error = f"status {status}"
            break
        cursor, sent = event.position, sent + 1

    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        if error is None:
            values = {"cursor": cursor, "attempts": 0, "next_attempt_at": None}
        else:
            attempts = subscriber.attempts + 1
            wait = min(MAX_BACKOFF, timedelta(seconds=2**attempts))
            values = {
                "cursor": cursor,
                "attempts": attempts,
                "next_attempt_at": now + wait,
                "last_error": error,
            }
            logger.info("webhook delivery failed; retrying later")
        conn.execute(
            update(webhook_subscriptions)
            .where(
                webhook_subscriptions.c.id == subscriber.id,
                webhook_subscriptions.c.cursor == subscriber.cursor,
            )
            .values(**values)
        )
    return sent
