"""Locations: the indexed grid cell that near-me and sourcing search by.

Revision ID: 0009_location_cells
Revises: 0008_order_flow
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from oms_core.geo import cell_of

revision = "0009_location_cells"
down_revision = "0008_order_flow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``locations.cell``, fill it for the locations already there, index it."""
    op.add_column("locations", sa.Column("cell", sa.Integer(), nullable=True))

    # Numbered by the engine's own function, so old and new rows agree.
    bind = op.get_bind()
    places = sa.table(
        "locations",
        sa.column("id"),
        sa.column("lat"),
        sa.column("lon"),
        sa.column("cell"),
    )
    rows = bind.execute(sa.select(places.c.id, places.c.lat, places.c.lon)).all()
    if rows:
        bind.execute(
            places.update()
            .where(places.c.id == sa.bindparam("key"))
            .values(cell=sa.bindparam("value")),
            [{"key": row.id, "value": cell_of(row.lat, row.lon)} for row in rows],
        )
    op.create_index("ix_locations_cell", "locations", ["cell"])

    # A few SKUs are stocked everywhere and most at a handful of places:
    # PostgreSQL's planner needs the long list of common values to tell
    # them apart (else it guesses thousands of rows for a rare SKU).
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE stock ALTER COLUMN sku SET STATISTICS 1000")


def downgrade() -> None:
    """Drop the cell and its index."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stock ALTER COLUMN sku SET STATISTICS -1")
    op.drop_index("ix_locations_cell", table_name="locations")
    op.drop_column("locations", "cell")
