"""Device tokens: an ``admin`` role beside ``till`` and ``kiosk``.

Revision ID: 0012_admin_tokens
Revises: 0011_compact_stock
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0012_admin_tokens"
down_revision = "0011_compact_stock"
branch_labels = None
depends_on = None

# The convention adds the table prefix, as it did in 0003.
CONSTRAINT = "ck_device_tokens_role_known"


def upgrade() -> None:
    """Allow the ``admin`` role."""
    with op.batch_alter_table("device_tokens") as batch:
        batch.drop_constraint(CONSTRAINT, type_="check")
        batch.create_check_constraint(CONSTRAINT, "role IN ('till', 'kiosk', 'admin')")


def downgrade() -> None:
    """Back to tills and kiosks only (admin tokens are deleted)."""
    op.execute("DELETE FROM device_tokens WHERE role = 'admin'")
    with op.batch_alter_table("device_tokens") as batch:
        batch.drop_constraint(CONSTRAINT, type_="check")
        batch.create_check_constraint(CONSTRAINT, "role IN ('till', 'kiosk')")
