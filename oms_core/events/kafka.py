"""Events to a Kafka topic, keyed by order id, when a broker is configured.

The producer sits behind :class:`EventProducer` (``send`` then ``flush``).
The real one is ``confluent_kafka``'s (the ``kafka`` extra:
``pip install 'openaisle[kafka]'``); without it, configuring a bootstrap
address is refused with a clear message. It is idempotent with
``acks=all``, so a retried send neither duplicates nor reorders within a
partition, and a flush fails when any message was not acknowledged. The
cursor of the topic is kept in ``publish_cursors`` and moves only after a
flush succeeded: at least once, in order per order (one key per order, one
partition per key).
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
FLUSH_SECONDS = 30.0


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
    return ConfluentProducer(
        confluent_kafka.Producer(
            {
                "bootstrap.servers": bootstrap,
                "enable.idempotence": True,
                "acks": "all",
                "message.timeout.ms": int(FLUSH_SECONDS * 1000),
                # The library's own log lines go to this module's logger.
                "logger": logger,
            }
        )
    )


class ConfluentProducer:
    """:class:`EventProducer` on a ``confluent_kafka.Producer``."""

    def __init__(self, producer) -> None:
        self._producer = producer
        self._failed = 0

    def send(self, topic: str, key: bytes, value: bytes) -> None:
        """Queue one message; its acknowledgement is checked by :meth:`flush`."""
        self._producer.produce(topic, key=key, value=value, on_delivery=self._sent)

    def flush(self) -> None:
        """Wait for every queued message; raise if one was not acknowledged."""
        left = self._producer.flush(FLUSH_SECONDS)
        failed, self._failed = self._failed, 0
        if left or failed:
            raise KafkaNotAcknowledged(
                f"{left + failed} Kafka messages were not acknowledged"
            )

    def _sent(self, error, _message) -> None:
        if error is not None:
            self._failed += 1
            logger.warning("a Kafka message was not acknowledged: %s", error)


class KafkaNotAcknowledged(RuntimeError):
    """The broker did not acknowledge every message; the cursor stays."""


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
