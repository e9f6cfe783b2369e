"""Order process, payments and events: the tables of their own module.

Revision ID: 0005_process
Revises: 0004_inventory
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_process"
down_revision = "0004_inventory"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the process, task, timer, payment, event and webhook tables."""
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("order_seq", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint(
            "order_id", "order_seq", name=op.f("uq_events_order_id_order_seq")
        ),
    )
    op.create_table(
        "process_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("loaded_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("name", "version", name=op.f("pk_process_versions")),
    )
    op.create_table(
        "publish_cursors",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_publish_cursors")),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _UTC, nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_table(
        "fulfilment_lines",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("source_location_id", sa.String(length=64), nullable=False),
        sa.Column("picked", sa.Integer(), nullable=False),
        sa.Column("short", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("fulfilled", sa.Integer(), nullable=False),
        sa.Column("returned", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "quantity > 0", name=op.f("ck_fulfilment_lines_quantity_positive")
        ),
        sa.CheckConstraint(
            "returned <= fulfilled",
            name=op.f("ck_fulfilment_lines_returns_within_fulfilled"),
        ),
        sa.CheckConstraint(
            "short + cancelled + fulfilled <= quantity",
            name=op.f("ck_fulfilment_lines_within_quantity"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_fulfilment_lines_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("order_id", "seq", name=op.f("pk_fulfilment_lines")),
    )
    op.create_table(
        "order_customers",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone_digits", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_customers_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_customers")),
    )
    op.create_index(
        op.f("ix_order_customers_email"), "order_customers", ["email"], unique=False
    )
    op.create_index(
        op.f("ix_order_customers_phone_digits"),
        "order_customers",
        ["phone_digits"],
        unique=False,
    )
    op.create_table(
        "order_processes",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("process_name", sa.String(length=64), nullable=False),
        sa.Column("process_version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("collection_location_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_processes_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_processes")),
    )
    op.create_index(
        op.f("ix_order_processes_state"), "order_processes", ["state"], unique=False
    )
    op.create_table(
        "payment_invoices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("credited_minor", sa.BigInteger(), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_at", _UTC, nullable=False),
        sa.Column("voided_at", _UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_payment_invoices_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_invoices")),
    )
    op.create_index(
        op.f("ix_payment_invoices_order_id"),
        "payment_invoices",
        ["order_id"],
        unique=False,
    )
    op.create_table(
        "payment_plans",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("due_now_minor", sa.BigInteger(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_payment_plans_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_payment_plans")),
    )
    op.create_table(
        "payment_transactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("tender", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.CheckConstraint(
            "amount_minor >= 0",
            name=op.f("ck_payment_transactions_amount_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_payment_transactions_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_transactions")),
        sa.UniqueConstraint(
            "provider",
            "reference",
            "operation",
            name=op.f("uq_payment_transactions_provider_reference_operation"),
        ),
    )
    op.create_index(
        op.f("ix_payment_transactions_order_id"),
        "payment_transactions",
        ["order_id"],
        unique=False,
    )
    op.create_table(
        "process_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_process_tasks_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_tasks")),
    )
    op.create_index(
        op.f("ix_process_tasks_location_id_status"),
        "process_tasks",
        ["location_id", "status"],
        unique=False,
    )
    op.create_index(
        op.f("ix_process_tasks_order_id"), "process_tasks", ["order_id"], unique=False
    )
    op.create_table(
        "process_timers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("due_at", _UTC, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("fired_at", _UTC, nullable=True),
        sa.Column("fired_by", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_process_timers_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_timers")),
    )
    op.create_index(
        op.f("ix_process_timers_fired_at_due_at"),
        "process_timers",
        ["fired_at", "due_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_process_timers_order_id"), "process_timers", ["order_id"], unique=False
    )


def downgrade() -> None:
    """Drop them again (indexes go with their tables)."""
    op.drop_table("process_timers")
    op.drop_table("process_tasks")
    op.drop_table("payment_transactions")
    op.drop_table("payment_plans")
    op.drop_table("payment_invoices")
    op.drop_table("order_processes")
    op.drop_table("order_customers")
    op.drop_table("fulfilment_lines")
    op.drop_table("webhook_subscriptions")
    op.drop_table("publish_cursors")
    op.drop_table("process_versions")
    op.drop_table("events")
