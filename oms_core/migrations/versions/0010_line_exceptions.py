"""Line exceptions: offline orders whose shown promise could not be kept.

Revision ID: 0010_line_exceptions
Revises: 0009_location_cells
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_line_exceptions"
down_revision = "0009_location_cells"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create ``order_line_exceptions``."""
    op.create_table(
        "order_line_exceptions",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("promised", sa.Text(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("earliest_date", sa.Date(), nullable=True),
        sa.Column("location_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("resolved_at", _UTC, nullable=True),
        sa.CheckConstraint(
            "reserved >= 0 AND missing >= 0",
            name=op.f("ck_order_line_exceptions_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_line_exceptions_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint(
            "order_id", "line_no", name=op.f("pk_order_line_exceptions")
        ),
    )
    op.create_index(
        op.f("ix_order_line_exceptions_task_id"),
        "order_line_exceptions",
        ["task_id"],
    )


def downgrade() -> None:
    """Drop ``order_line_exceptions``."""
    op.drop_index(
        op.f("ix_order_line_exceptions_task_id"), table_name="order_line_exceptions"
    )
    op.drop_table("order_line_exceptions")
