"""The first schema: catalogue, locations, postcode districts, stock, orders.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables of the engine's first version."""
    op.create_table(
        "products",
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("gtin", sa.String(14), nullable=False),
        sa.CheckConstraint("price_minor > 0", name="ck_products_price_positive"),
        sa.PrimaryKeyConstraint("sku", name="pk_products"),
        sa.UniqueConstraint("gtin", name="uq_products_gtin"),
    )

    op.create_table(
        "locations",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("postcode", sa.String(16)),
        sa.Column("size_class", sa.Integer),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_locations"),
    )

    op.create_table(
        "postcode_districts",
        sa.Column("outcode", sa.String(8), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("outcode", name="pk_postcode_districts"),
    )

    op.create_table(
        "stock",
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("on_hand", sa.Integer, nullable=False),
        sa.Column("reserved", sa.Integer, nullable=False),
        sa.Column("buffer", sa.Integer, nullable=False),
        sa.Column("confirmed_at", _UTC, nullable=False),
        sa.CheckConstraint("on_hand >= 0", name="ck_stock_on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0", name="ck_stock_reserved_not_negative"),
        sa.CheckConstraint("buffer >= 0", name="ck_stock_buffer_not_negative"),
        sa.ForeignKeyConstraint(
            ["sku"], ["products.sku"], name="fk_stock_sku_products"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_stock_location_id_locations"
        ),
        sa.PrimaryKeyConstraint("sku", "location_id", name="pk_stock"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_stock_location_id", "stock", ["location_id"])

    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("selling_location_id", sa.String(64), nullable=False),
        sa.Column("total_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("placed_at", _UTC),
        sa.ForeignKeyConstraint(
            ["selling_location_id"],
            ["locations.id"],
            name="fk_orders_selling_location_id_locations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
    )
    op.create_index(
        "ix_orders_selling_location_id_created_at",
        "orders",
        ["selling_location_id", "created_at"],
    )
    op.create_index("ix_orders_created_at", "orders", ["created_at"])

    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("fulfilment", sa.Text, nullable=False),
        sa.Column("source_location_id", sa.String(64), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_order_lines_quantity_positive"),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_lines_order_id_orders"
        ),
        sa.ForeignKeyConstraint(
            ["sku"], ["products.sku"], name="fk_order_lines_sku_products"
        ),
        sa.ForeignKeyConstraint(
            ["source_location_id"],
            ["locations.id"],
            name="fk_order_lines_source_location_id_locations",
        ),
        sa.PrimaryKeyConstraint("order_id", "line_no", name="pk_order_lines"),
    )
    op.create_index(
        "ix_order_lines_source_location_id", "order_lines", ["source_location_id"]
    )

    op.create_table(
        "seed_runs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("seeded_at", _UTC, nullable=False),
        sa.Column("products", sa.Integer, nullable=False),
        sa.Column("locations", sa.Integer, nullable=False),
        sa.Column("stock_rows", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_seed_runs"),
    )


def downgrade() -> None:
    """Drop every table of the first version."""
    for table in (
        "seed_runs",
        "order_lines",
        "orders",
        "stock",
        "postcode_districts",
        "locations",
        "products",
    ):
        op.drop_table(table)
