"""Tables of the store's own work: staff, approvals, parked baskets, customers,
and what a sale adds to an order (reference, notes, prices before approvals).

They live on the engine's one :class:`~sqlalchemy.MetaData`; importing this
module registers them. PINs are kept only as slow salted hashes; customers'
personal data only in these rows.
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
    Text,
    UniqueConstraint,
    Uuid,
)

from oms_core.db.schema import metadata
from oms_core.db.types import UtcDateTime

logger = logging.getLogger(__name__)

staff = Table(
    "staff",
    metadata,
    Column("staff_number", String(8), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", UtcDateTime),
    CheckConstraint("failed_attempts >= 0", name="failed_not_negative"),
)

order_approvals = Table(
    "order_approvals",
    metadata,
    Column("id", Uuid, primary_key=True),
    # The device-made order id: an approval may reach the engine before the
    # order does (the order waits in the device's outbox), so no foreign key.
    Column("order_id", Uuid, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("sku", String(32)),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("requested_by", String(8), nullable=False),
    Column("approved_by", ForeignKey("staff.staff_number"), nullable=False),
    Column("approved_at", UtcDateTime, nullable=False),
    # The store it was given at, until when it may price an order, and the
    # order that used it (an approval prices one order, once).
    Column("location_id", String(64)),
    Column("expires_at", UtcDateTime),
    Column("used_by_order_id", Uuid),
    Index(None, "order_id"),
)

# What a sale adds to an order: the receipt's reference (``OA-`` and the
# first eight hex digits of the id, indexed for the order finder), the notes
# for the store, the payment choice and the price before approvals.
order_sale_details = Table(
    "order_sale_details",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("reference", String(8), nullable=False),
    Column("notes", Text),
    Column("payment_choice", String(32)),
    Column("list_total_minor", BigInteger, nullable=False),
    Index(None, "reference"),
)

# Each line's catalogue price and its share of the order's discounts.
order_line_prices = Table(
    "order_line_prices",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("list_price_minor", BigInteger, nullable=False),
    Column("discount_minor", BigInteger, nullable=False),
    CheckConstraint("discount_minor >= 0", name="discount_not_negative"),
)

parked_baskets = Table(
    "parked_baskets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("location_id", ForeignKey("locations.id"), nullable=False),
    Column("code", String(6), nullable=False),
    Column("lines", Text, nullable=False),
    Column("parked_by", String(8), nullable=False),
    Column("label", String(60)),
    Column("parked_at", UtcDateTime, nullable=False),
    Column("recalled_at", UtcDateTime),
    Column("recalled_by", String(8)),
    UniqueConstraint("location_id", "code"),
    Index(None, "location_id", "recalled_at"),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("name_folded", String(120), nullable=False),
    Column("email", String(254)),
    Column("phone", String(32)),
    Column("phone_digits", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "phone_digits"),
    Index(None, "email"),
    Index(None, "name_folded"),
)

customer_addresses = Table(
    "customer_addresses",
    metadata,
    Column("customer_id", ForeignKey("customers.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("line1", String(120), nullable=False),
    Column("line2", String(120)),
    Column("city", String(80), nullable=False),
    Column("postcode", String(8), nullable=False),
    Index(None, "postcode"),
)
