"""Stock: count times as Unix seconds on SQLite; no index by location alone.

The seeded pool holds 800,000 rows. On SQLite each count time took 26 bytes
as text and takes 4 as an integer; the index by location (18 MiB) served no
read, as every read names the SKU, which leads the key. PostgreSQL keeps its
timestamp column; the index goes there too.

Revision ID: 0011_compact_stock
Revises: 0010_line_exceptions
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0011_compact_stock"
down_revision = "0010_line_exceptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Turn SQLite's text count times into Unix seconds; drop the index."""
    op.drop_index("ix_stock_location_id", table_name="stock")
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE stock SET confirmed_at = "
            "CAST(strftime('%s', confirmed_at) AS INTEGER) "
            "WHERE typeof(confirmed_at) = 'text'"
        )


def downgrade() -> None:
    """Back to text count times on SQLite, and the index by location."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "UPDATE stock SET confirmed_at = "
            "strftime('%Y-%m-%d %H:%M:%S', confirmed_at, 'unixepoch') "
            "|| '.000000' WHERE typeof(confirmed_at) = 'integer'"
        )
    op.create_index("ix_stock_location_id", "stock", ["location_id"])
