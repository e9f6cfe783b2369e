"""Store sales: approvals that price an order, receipt references, notes.

Revision ID: 0006_store_sales
Revises: 0005_process
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_store_sales"
down_revision = "0005_process"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the approval's store, expiry and user; the sale's details."""
    op.add_column("order_approvals", sa.Column("location_id", sa.String(64)))
    op.add_column("order_approvals", sa.Column("expires_at", _UTC))
    op.add_column("order_approvals", sa.Column("used_by_order_id", sa.Uuid))

    details = op.create_table(
        "order_sale_details",
        sa.Column("order_id", sa.Uuid, nullable=False),
        sa.Column("reference", sa.String(8), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("payment_choice", sa.String(32)),
        sa.Column("list_total_minor", sa.BigInteger, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_sale_details_order_id_orders"
        ),
        sa.PrimaryKeyConstraint("order_id", name="pk_order_sale_details"),
    )
    op.create_index(
        "ix_order_sale_details_reference", "order_sale_details", ["reference"]
    )
    op.create_table(
        "order_line_prices",
        sa.Column("order_id", sa.Uuid, nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("list_price_minor", sa.BigInteger, nullable=False),
        sa.Column("discount_minor", sa.BigInteger, nullable=False),
        sa.CheckConstraint(
            "discount_minor >= 0", name="ck_order_line_prices_discount_not_negative"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name="fk_order_line_prices_order_id_orders"
        ),
        sa.PrimaryKeyConstraint("order_id", "line_no", name="pk_order_line_prices"),
    )

    # Orders placed before this revision get their receipt reference too.
    orders = sa.table(
        "orders",
        sa.column("id", sa.Uuid),
        sa.column("total_minor", sa.BigInteger),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(orders.c.id, orders.c.total_minor)).all()
    if rows:
        op.bulk_insert(
            details,
            [
                {
                    "order_id": row.id,
                    "reference": row.id.hex[:8].upper(),
                    "list_total_minor": row.total_minor,
                }
                for row in rows
            ],
        )


def downgrade() -> None:
    """Drop the sale's details and the approval's new columns."""
    op.drop_table("order_line_prices")
    op.drop_index("ix_order_sale_details_reference", "order_sale_details")
    op.drop_table("order_sale_details")
    for column in ("used_by_order_id", "expires_at", "location_id"):
        op.drop_column("order_approvals", column)
