"""Tables of the inventory pool and sourcing, on the shared metadata.

Beside the stock table itself (in :mod:`oms_core.db.schema`): the daily
load of each location against its capacity, the safety-buffer rules, the
versioned sourcing rule sets, basket holds with their lines, quotes, and
each order's allocations (which location reserves how many units of a line,
how many have shipped or been released) with the trace of its sourcing.
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

# A buffer rule names a location, a SKU or both; "*" stands for any.
ANY = "*"

location_load = Table(
    "location_load",
    metadata,
    Column("location_id", ForeignKey("locations.id"), primary_key=True),
    # The calendar day in the location's own zone.
    Column("day", Date, primary_key=True),
    Column("orders", Integer, nullable=False),
    CheckConstraint("orders >= 0", name="orders_not_negative"),
)

buffer_rules = Table(
    "buffer_rules",
    metadata,
    Column("location_id", String(64), primary_key=True),
    Column("sku", String(32), primary_key=True),
    Column("units", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("units >= 0", name="units_not_negative"),
    Index(None, "sku"),
)

rule_sets = Table(
    "rule_sets",
    metadata,
    # "default", a selling location id, or "channel:<name>".
    Column("scope", String(80), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

holds = Table(
    "holds",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("selling_location_id", ForeignKey("locations.id"), nullable=False),
    Column("channel", String(16), nullable=False),
    # active, consumed, released or expired.
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("order_id", Uuid),
    Index(None, "status", "expires_at"),
)

hold_lines = Table(
    "hold_lines",
    metadata,
    Column("hold_id", ForeignKey("holds.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("location_id", ForeignKey("locations.id"), primary_key=True),
    Column("sku", String(32), nullable=False),
    Column("method", String(16), nullable=False),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("plan", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

order_allocations = Table(
    "order_allocations",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("location_id", ForeignKey("locations.id"), primary_key=True),
    Column("sku", String(32), nullable=False),
    # ship, collect or transfer (to the collection store).
    Column("method", String(16), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("shipped", Integer, nullable=False, server_default="0"),
    Column("released", Integer, nullable=False, server_default="0"),
    Column("promised_date", Date),
    # Set when the location is told to pick: no re-sourcing after that.
    Column("handed_to_location_at", UtcDateTime),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("shipped >= 0 AND released >= 0", name="counts_not_negative"),
    CheckConstraint("shipped + released <= quantity", name="within_quantity"),
    Index(None, "location_id"),
)

order_sourcing = Table(
    "order_sourcing",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("rule_scope", String(80), nullable=False),
    Column("rule_version", Integer, nullable=False),
    Column("quote_id", Uuid),
    Column("hold_id", Uuid),
    # Why the quote or hold was not honoured, when it was not.
    Column("note", Text),
    Column("trace", Text, nullable=False),
)
