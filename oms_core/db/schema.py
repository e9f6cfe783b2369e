"""The engine's tables, on one :class:`~sqlalchemy.MetaData`.

Money columns hold integer minor units next to an ISO 4217 currency; times
are :class:`~oms_core.db.types.UtcDateTime`. The stock table is the single
inventory pool: one row per SKU per location, with on-hand, reserved and a
safety buffer, and checks that keep each of them at or above zero.
"""

from __future__ import annotations

import logging

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

from oms_core.db.types import UtcDateTime, UtcSeconds
from oms_core.geo import cell_of

logger = logging.getLogger(__name__)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# The database is built and upgraded by the Alembic revisions in
# oms_core/migrations; a change here needs a new revision there.
metadata = MetaData(naming_convention=NAMING)


def _cell_of_row(context) -> int:
    """The grid cell of the location being inserted."""
    row = context.get_current_parameters()
    return cell_of(row["lat"], row["lon"])


products = Table(
    "products",
    metadata,
    Column("sku", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("gtin", String(14), nullable=False, unique=True),
    CheckConstraint("price_minor > 0", name="price_positive"),
)

locations = Table(
    "locations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("postcode", String(16)),
    Column("size_class", Integer),
    Column("timezone", String(64), nullable=False),
    # Open, dark (fulfilment only) or closed; see oms_core.network.
    Column("state", String(16), nullable=False, server_default="open"),
    # Comma-separated capability names, sorted; see oms_core.network.
    Column("capabilities", String(160), nullable=False, server_default=""),
    Column("opening_hours", String(255)),
    Column("daily_capacity", Integer),
    Column("country", String(2)),
    # The grid cell of (lat, lon), see oms_core.geo.cell_of; filled on insert.
    Column("cell", Integer, default=_cell_of_row),
    Index(None, "lat"),
    Index(None, "cell"),
)

postcode_districts = Table(
    "postcode_districts",
    metadata,
    Column("outcode", String(8), primary_key=True),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

stock = Table(
    "stock",
    metadata,
    Column("sku", ForeignKey("products.sku"), primary_key=True),
    Column("location_id", ForeignKey("locations.id"), primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False, default=0),
    Column("buffer", Integer, nullable=False, default=0),
    # Unix seconds on SQLite: the seeded pool has 800,000 of them.
    Column("confirmed_at", UtcSeconds, nullable=False),
    Column("in_transit", Integer, nullable=False, server_default="0"),
    Column("in_transit_eta", UtcDateTime),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("in_transit >= 0", name="in_transit_not_negative"),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("buffer >= 0", name="buffer_not_negative"),
    # No index by location alone: every read names the SKU, which leads the
    # key; one by location would add half again to the seeded pool's size.
    sqlite_with_rowid=False,
)

orders = Table(
    "orders",
    metadata,
    # The client's order id, sent as the Idempotency-Key: unique by design.
    Column("id", Uuid, primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("selling_location_id", ForeignKey("locations.id"), nullable=False),
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("placed_at", UtcDateTime),
    Index(None, "selling_location_id", "created_at"),
    Index(None, "created_at"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("sku", ForeignKey("products.sku"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("fulfilment", Text, nullable=False),
    Column("source_location_id", ForeignKey("locations.id"), nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    Index(None, "source_location_id"),
)

seed_runs = Table(
    "seed_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("seeded_at", UtcDateTime, nullable=False),
    Column("products", Integer, nullable=False),
    Column("locations", Integer, nullable=False),
    Column("stock_rows", Integer, nullable=False),
)

# The other parts' tables live in modules of their own on this metadata;
# importing them here keeps every user of ``metadata`` complete.
from oms_core.db import (  # noqa: E402, F401
    device_schema,
    exception_schema,
    inventory_schema,
    order_flow_schema,
    process_schema,
    store_ops_schema,
)
