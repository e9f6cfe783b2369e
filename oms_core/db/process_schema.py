"""Tables of the order process, payments and events, on the shared metadata.

An order's life after placement lives here: which process version it runs
and where it is, the lines as they are being fulfilled (a short pick sends
part of a line to another source), the tasks for staff and the timers for
jobs, the payment plan and every answer of a payment provider, invoices,
the event outbox and the webhook subscribers that read it.
"""

from __future__ import annotations

import logging

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from oms_core.db.schema import metadata
from oms_core.db.types import UtcDateTime

logger = logging.getLogger(__name__)

process_versions = Table(
    "process_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("definition", Text, nullable=False),
    Column("loaded_at", UtcDateTime, nullable=False),
)

order_processes = Table(
    "order_processes",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    # One process per shipment group of the order (0, 1, ...).
    Column("group_no", Integer, primary_key=True, server_default=text("0")),
    Column("process_name", String(64), nullable=False),
    Column("process_version", Integer, nullable=False),
    Column("state", String(64), nullable=False),
    Column("collection_location_id", String(64)),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "state"),
)

order_customers = Table(
    "order_customers",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("email", String(254)),
    Column("phone_digits", String(32)),
    Index(None, "email"),
    Index(None, "phone_digits"),
)

fulfilment_lines = Table(
    "fulfilment_lines",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("line_no", Integer, nullable=False),
    Column("sku", String(32), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("source_location_id", String(64), nullable=False),
    Column("group_no", Integer, nullable=False, server_default=text("0")),
    Column("picked", Integer, nullable=False, default=0),
    Column("short", Integer, nullable=False, default=0),
    Column("cancelled", Integer, nullable=False, default=0),
    Column("fulfilled", Integer, nullable=False, default=0),
    Column("returned", Integer, nullable=False, default=0),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint(
        "short + cancelled + fulfilled <= quantity", name="within_quantity"
    ),
    CheckConstraint("returned <= fulfilled", name="returns_within_fulfilled"),
)

process_tasks = Table(
    "process_tasks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False),
    Column("group_no", Integer, nullable=False, server_default=text("0")),
    Column("state", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("location_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_by", String(64)),
    Column("lines", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index(None, "location_id", "status"),
    Index(None, "order_id"),
)

process_timers = Table(
    "process_timers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False),
    Column("group_no", Integer, nullable=False, server_default=text("0")),
    Column("state", String(64), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("action", String(64), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("fired_at", UtcDateTime),
    Column("fired_by", String(64)),
    Column("outcome", String(200)),
    Index(None, "fired_at", "due_at"),
    Index(None, "order_id"),
)

payment_plans = Table(
    "payment_plans",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("due_now_minor", BigInteger, nullable=False),
    Column("plan", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

payment_transactions = Table(
    "payment_transactions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("reference", String(128), nullable=False),
    Column("operation", String(16), nullable=False),
    Column("tender", String(16), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # A provider's answer counts once however often it arrives.
    UniqueConstraint("provider", "reference", "operation"),
    CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
    Index(None, "order_id"),
)

payment_invoices = Table(
    "payment_invoices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("credited_minor", BigInteger, nullable=False),
    Column("balance_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("voided_at", UtcDateTime),
    Index(None, "order_id"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", Uuid),
    Column("order_seq", Integer),
    Column("kind", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("order_id", "order_seq"),
)

webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(500), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("cursor", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UtcDateTime, nullable=False),
)

publish_cursors = Table(
    "publish_cursors",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("cursor", Integer, nullable=False),
)
