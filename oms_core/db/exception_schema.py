"""The line exceptions of orders taken offline, on the shared metadata.

One row per order line whose shown promise the engine could not keep when
the order arrived: what was promised (the device's words, as JSON), what
the engine reserved and what is missing, the store task that follows it
up, and how it was resolved.
"""

from __future__ import annotations

import logging

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from oms_core.db.schema import metadata
from oms_core.db.types import UtcDateTime

logger = logging.getLogger(__name__)

order_line_exceptions = Table(
    "order_line_exceptions",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("reason", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("promised", Text, nullable=False),
    Column("reserved", Integer, nullable=False),
    # Units neither reserved nor cancelled: owed, waiting for the store.
    Column("missing", Integer, nullable=False),
    Column("earliest_date", Date),
    Column("location_id", String(64)),
    Column("message", Text, nullable=False),
    Column("task_id", Uuid),
    Column("resolution", String(16)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    CheckConstraint("reserved >= 0 AND missing >= 0", name="counts_not_negative"),
    Index(None, "task_id"),
)
