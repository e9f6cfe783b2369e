"""Event positions, payment intents and collection slot bookings.

Events already written take their id as their position, which is the order
a reader saw them in so far.

Revision ID: 0008_order_flow
Revises: 0007_shipment_groups
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_order_flow"
down_revision = "0007_shipment_groups"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the three tables; give every existing event its position."""
    op.create_table(
        "event_positions",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_positions_event_id_events"),
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_positions")),
        sa.UniqueConstraint("position", name=op.f("uq_event_positions_position")),
    )
    op.execute(
        sa.text(
            "INSERT INTO event_positions (event_id, position) SELECT id, id FROM events"
        )
    )
    op.create_table(
        "collection_bookings",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", _UTC, nullable=False),
        sa.Column("ends_at", _UTC, nullable=False),
        sa.Column("booked_at", _UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_collection_bookings_location_id_locations"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_collection_bookings_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_collection_bookings")),
    )
    op.create_index(
        op.f("ix_collection_bookings_location_id_starts_at"),
        "collection_bookings",
        ["location_id", "starts_at"],
        unique=False,
    )
    op.create_table(
        "payment_intents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reference", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _UTC, nullable=True),
        sa.Column("claimed_until", _UTC, nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("finished_at", _UTC, nullable=True),
        sa.CheckConstraint(
            "amount_minor > 0", name=op.f("ck_payment_intents_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_payment_intents_order_id_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_intents")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_intents_reference")),
    )
    op.create_index(
        op.f("ix_payment_intents_order_id"),
        "payment_intents",
        ["order_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_payment_intents_status"), "payment_intents", ["status"], unique=False
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("payment_intents")
    op.drop_table("collection_bookings")
    op.drop_table("event_positions")
