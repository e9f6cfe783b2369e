"""Inventory network: location state and hours, in transit, buffers, holds.

Revision ID: 0004_inventory
Revises: 0003_device_tokens
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_inventory"
down_revision = "0003_device_tokens"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add location and stock columns and the inventory tables."""
    with op.batch_alter_table("locations") as batch:
        batch.add_column(
            sa.Column("state", sa.String(16), nullable=False, server_default="open")
        )
        batch.add_column(
            sa.Column("capabilities", sa.String(160), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("opening_hours", sa.String(255)))
        batch.add_column(sa.Column("daily_capacity", sa.Integer))
        batch.add_column(sa.Column("country", sa.String(2)))
        batch.create_index("ix_locations_lat", ["lat"])

    with op.batch_alter_table("stock") as batch:
        batch.add_column(
            sa.Column("in_transit", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("in_transit_eta", _UTC))
        batch.create_check_constraint(
            "ck_stock_in_transit_not_negative", "in_transit >= 0"
        )

    op.create_table(
        "location_load",
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("orders", sa.Integer, nullable=False),
        sa.CheckConstraint("orders >= 0", name="ck_location_load_orders_not_negative"),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name="fk_location_load_location_id_locations",
        ),
        sa.PrimaryKeyConstraint("location_id", "day", name="pk_location_load"),
    )

    op.create_table(
        "buffer_rules",
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("units", sa.Integer, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.CheckConstraint("units >= 0", name="ck_buffer_rules_units_not_negative"),
        sa.PrimaryKeyConstraint("location_id", "sku", name="pk_buffer_rules"),
    )
    op.create_index("ix_buffer_rules_sku", "buffer_rules", ["sku"])

    op.create_table(
        "rule_sets",
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("scope", "version", name="pk_rule_sets"),
    )

    op.create_table(
        "holds",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("selling_location_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("ended_at", _UTC),
        sa.Column("order_id", sa.Uuid),
        sa.ForeignKeyConstraint(
            ["selling_location_id"],
            ["locations.id"],
            name="fk_holds_selling_location_id_locations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_holds"),
    )
    op.create_index("ix_holds_status_expires_at", "holds", ["status", "expires_at"])

    op.create_table(
        "hold_lines",
        sa.Column("hold_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_hold_lines_quantity_positive"),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["holds.id"], name="fk_hold_lines_hold_id_holds"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name="fk_hold_lines_location_id_locations",
        ),
        sa.PrimaryKeyConstraint(
            "hold_id", "line_no", "location_id", name="pk_hold_lines"
        ),
    )

    op.create_table(
        "quotes",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quotes"),
    )

    op.create_table(
        "order_allocations",
        sa.Column("order_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("shipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("released", sa.Integer, nullable=False, server_default="0"),
        sa.Column("promised_date", sa.Date),
        sa.Column("handed_to_location_at", _UTC),
        sa.CheckConstraint(
            "quantity > 0", name="ck_order_allocations_quantity_positive"
        ),
        sa.CheckConstraint(
            "shipped >= 0 AND released >= 0",
            name="ck_order_allocations_counts_not_negative",
        ),
        sa.CheckConstraint(
            "shipped + released <= quantity",
            name="ck_order_allocations_within_quantity",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_allocations_order_id_orders"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name="fk_order_allocations_location_id_locations",
        ),
        sa.PrimaryKeyConstraint(
            "order_id", "line_no", "location_id", name="pk_order_allocations"
        ),
    )
    op.create_index(
        "ix_order_allocations_location_id", "order_allocations", ["location_id"]
    )

    op.create_table(
        "order_sourcing",
        sa.Column("order_id", sa.Uuid, nullable=False),
        sa.Column("rule_scope", sa.String(80), nullable=False),
        sa.Column("rule_version", sa.Integer, nullable=False),
        sa.Column("quote_id", sa.Uuid),
        sa.Column("hold_id", sa.Uuid),
        sa.Column("note", sa.Text),
        sa.Column("trace", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_sourcing_order_id_orders"
        ),
        sa.PrimaryKeyConstraint("order_id", name="pk_order_sourcing"),
    )


def downgrade() -> None:
    """Drop the inventory tables and columns."""
    for table in (
        "order_sourcing",
        "order_allocations",
        "quotes",
        "hold_lines",
        "holds",
        "rule_sets",
        "buffer_rules",
        "location_load",
    ):
        op.drop_table(table)
    with op.batch_alter_table("stock") as batch:
        batch.drop_constraint("ck_stock_in_transit_not_negative", type_="check")
        batch.drop_column("in_transit_eta")
        batch.drop_column("in_transit")
    with op.batch_alter_table("locations") as batch:
        batch.drop_index("ix_locations_lat")
        for column in ("country", "daily_capacity", "opening_hours"):
            batch.drop_column(column)
        batch.drop_column("capabilities")
        batch.drop_column("state")
