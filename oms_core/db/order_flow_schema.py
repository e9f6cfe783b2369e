"""Tables of event positions, payment intents and collection slot bookings.

- ``event_positions``: the reading order of committed events. The writer
  adds a row without a position in the event's transaction; a position is
  given only after that commit, under a lock
  (:mod:`oms_core.events.positions`), so a cursor over positions never
  passes an event that commits late.
- ``payment_intents``: a provider call in three steps: the intent commits
  with the order's change, the provider is asked outside any transaction,
  the outcome is recorded in a transaction of its own
  (:mod:`oms_core.payments.intents`).
- ``collection_bookings``: the collection slot an order booked
  (:mod:`oms_core.process.slot_bookings`).
"""

from __future__ import annotations

import logging

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from oms_core.db.schema import metadata
from oms_core.db.types import UtcDateTime

logger = logging.getLogger(__name__)

event_positions = Table(
    "event_positions",
    metadata,
    Column("event_id", ForeignKey("events.id"), primary_key=True),
    # None until the sequencer gives it, after the event's commit.
    Column("position", BigInteger, unique=True),
)

payment_intents = Table(
    "payment_intents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reference", String(128), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime),
    Column("claimed_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    CheckConstraint("amount_minor > 0", name="amount_positive"),
    Index(None, "order_id"),
    Index(None, "status"),
)

collection_bookings = Table(
    "collection_bookings",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("location_id", ForeignKey("locations.id"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("booked_at", UtcDateTime, nullable=False),
    Index(None, "location_id", "starts_at"),
)
