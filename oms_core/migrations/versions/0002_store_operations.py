"""Store operations: staff, order approvals, parked baskets, customers.

Revision ID: 0002_store_ops
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_store_ops"
down_revision = "0001"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the tables of staff sign-in, approvals, parking and customers."""
    op.create_table(
        "staff",
        sa.Column("staff_number", sa.String(8), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", _UTC),
        sa.CheckConstraint("failed_attempts >= 0", name="ck_staff_failed_not_negative"),
        sa.PrimaryKeyConstraint("staff_number", name="pk_staff"),
    )

    op.create_table(
        "order_approvals",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("order_id", sa.Uuid, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("sku", sa.String(32)),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("requested_by", sa.String(8), nullable=False),
        sa.Column("approved_by", sa.String(8), nullable=False),
        sa.Column("approved_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["staff.staff_number"],
            name="fk_order_approvals_approved_by_staff",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_order_approvals"),
    )
    op.create_index("ix_order_approvals_order_id", "order_approvals", ["order_id"])

    op.create_table(
        "parked_baskets",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("location_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(6), nullable=False),
        sa.Column("lines", sa.Text, nullable=False),
        sa.Column("parked_by", sa.String(8), nullable=False),
        sa.Column("label", sa.String(60)),
        sa.Column("parked_at", _UTC, nullable=False),
        sa.Column("recalled_at", _UTC),
        sa.Column("recalled_by", sa.String(8)),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name="fk_parked_baskets_location_id_locations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_parked_baskets"),
        sa.UniqueConstraint(
            "location_id", "code", name="uq_parked_baskets_location_id_code"
        ),
    )
    op.create_index(
        "ix_parked_baskets_location_id_recalled_at",
        "parked_baskets",
        ["location_id", "recalled_at"],
    )

    op.create_table(
        "customers",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("name_folded", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(32)),
        sa.Column("phone_digits", sa.String(32)),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
    )
    for column in ("phone_digits", "email", "name_folded"):
        op.create_index(f"ix_customers_{column}", "customers", [column])

    op.create_table(
        "customer_addresses",
        sa.Column("customer_id", sa.Uuid, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("line1", sa.String(120), nullable=False),
        sa.Column("line2", sa.String(120)),
        sa.Column("city", sa.String(80), nullable=False),
        sa.Column("postcode", sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name="fk_customer_addresses_customer_id_customers",
        ),
        sa.PrimaryKeyConstraint(
            "customer_id", "position", name="pk_customer_addresses"
        ),
    )
    op.create_index(
        "ix_customer_addresses_postcode", "customer_addresses", ["postcode"]
    )


def downgrade() -> None:
    """Drop the store-operations tables."""
    op.drop_table("customer_addresses")
    op.drop_table("customers")
    op.drop_table("parked_baskets")
    op.drop_table("order_approvals")
    op.drop_table("staff")
