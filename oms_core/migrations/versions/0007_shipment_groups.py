"""Shipment groups: one process per group of an order's lines.

An order mixing collected and delivered lines runs one process per group;
its process row, lines, tasks and timers carry the group's number. Orders
placed before this revision are group 0, as they ran one process.

Revision ID: 0007_shipment_groups
Revises: 0006_store_sales
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_shipment_groups"
down_revision = "0006_store_sales"
branch_labels = None
depends_on = None


def _group_column() -> sa.Column:
    return sa.Column(
        "group_no", sa.Integer(), nullable=False, server_default=sa.text("0")
    )


def upgrade() -> None:
    """Number the group of every process row, line, task and timer."""
    with op.batch_alter_table("order_processes") as batch:
        batch.add_column(_group_column())
        batch.drop_constraint("pk_order_processes", type_="primary")
        batch.create_primary_key("pk_order_processes", ["order_id", "group_no"])
    for table in ("fulfilment_lines", "process_tasks", "process_timers"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(_group_column())


def downgrade() -> None:
    """Back to one process per order (orders with several groups lose them)."""
    op.execute(sa.text("DELETE FROM order_processes WHERE group_no <> 0"))
    for table in ("process_timers", "process_tasks", "fulfilment_lines"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("group_no")
    with op.batch_alter_table("order_processes") as batch:
        batch.drop_constraint("pk_order_processes", type_="primary")
        batch.drop_column("group_no")
        batch.create_primary_key("pk_order_processes", ["order_id"])
