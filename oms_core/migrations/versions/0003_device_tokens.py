"""Device tokens: a SHA-256 digest per token, scoped to one store and a role.

Revision ID: 0003_device_tokens
Revises: 0002_store_ops
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_device_tokens"
down_revision = "0002_store_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the device token table."""
    op.create_table(
        "device_tokens",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("store_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(
            "role IN ('till', 'kiosk')", name="ck_device_tokens_role_known"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["locations.id"],
            name="fk_device_tokens_store_id_locations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_device_tokens"),
        sa.UniqueConstraint("token_sha256", name="uq_device_tokens_token_sha256"),
    )


def downgrade() -> None:
    """Drop the device token table."""
    op.drop_table("device_tokens")
