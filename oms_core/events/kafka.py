"""Events to a Kafka topic, keyed by order id, when a broker is configured.

The producer sits behind :class:`EventProducer` (``send`` then ``flush``),
so the publishing loop is tested with an in-memory producer. The real one
uses ``confluent_kafka`` when that library is installed; it is not a
dependency of the engine, and without it configuring a bootstrap address
is refused with a clear message. The cursor of the topic is kept in
``publish_cursors`` and moves only after the producer flushed: at least
once, in order per order (one key per order, one partition per key).
"""

from __future__ import annotations

import logging
import os
from typing import Protocol

from sqlalchemy import Engine, select, update

from oms_core.db.engine import WRITE
from oms_core.db.process_schema import publish_cursors
from oms_core.events.outbox import read_positioned
from oms_core.events.positions import position_committed
from oms_core.events.webhooks import event_body

logger = logging.getLogger(__name__)

BOOTSTRAP_ENV = "OPENAISLE_KAFKA_BOOTSTRAP"
TOPIC_ENV = "OPENAISLE_KAFKA_TOPIC"
DEFAULT_TOPIC = "openaisle.events"
BATCH = 500


class EventProducer(Protocol):
    """The part of a Kafka producer the engine uses."""

    def send(self, topic: str, key: bytes, value: bytes) -> None:
        """Queue one message."""

    def flush(self) -> None:
        """Block until every queued message is acknowledged, or raise."""


class KafkaUnavailable(RuntimeError):
    """A bootstrap address is configured but no Kafka client is installed."""


def producer_from_env() -> EventProducer | None:
    """The configured producer, or None when no bootstrap address is set."""
    bootstrap = os.environ.get(BOOTSTRAP_ENV, "").strip()
    if not bootstrap:
        return None
    try:
        import confluent_kafka  # type: ignore[import-not-found]
    except ImportError as exc:
        raise KafkaUnavailable(
            f"{BOOTSTRAP_ENV} is set but the confluent-kafka library is not installed"
        ) from exc
    return _ConfluentProducer(
        confluent_kafka.Producer({"bootstrap.servers": bootstrap})
    )


class _ConfluentProducer:
    def __init__(self, producer) -> None:
        self._producer = producer

    def send(self, topic: str, key: bytes, value: bytes) -> None:
        self._producer.produce(topic, key=key, value=value)

    def flush(self) -> None:
        left = self._producer.flush(30)
        if left:
            raise RuntimeError(f"{left} Kafka messages were not acknowledged")


def publish_due(
    engine: Engine, producer: EventProducer, topic: str | None = None
) -> int:
    """Send the events after the topic's cursor; returns how many."""
    topic = topic or os.environ.get(TOPIC_ENV, DEFAULT_TOPIC)
    name = f"kafka:{topic}"
    position_committed(engine)
    with engine.connect() as conn:
        cursor = conn.scalar(
            select(publish_cursors.c.cursor).where(publish_cursors.c.name == name)
        )
        pending = read_positioned(conn, cursor or 0, BATCH)
    if not pending:
        return 0

    for event in pending:
        key = str(event.order_id or "network").encode()
        producer.send(topic, key, event_body(event))
    producer.flush()

    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        if cursor is None:
            conn.execute(
                publish_cursors.insert().values(name=name, cursor=pending[-1].position)
            )
        else:
            conn.execute(
                update(publish_cursors)
                .where(publish_cursors.c.name == name)
                .values(cursor=pending[-1].position)
            )
    return len(pending)
