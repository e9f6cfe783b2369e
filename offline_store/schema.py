"""Tables of the device database (SQLAlchemy Core)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    text,
)

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as naive UTC text that sorts by time.

    Naive datetimes are refused: the device never guesses a zone.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: object
    ) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("datetimes stored on the device must be aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: datetime | None, dialect: object
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


baskets = Table(
    "baskets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(16), nullable=False),
    Column("currency", String(3), nullable=True),
    Column("order_id", String(36), nullable=True, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("state IN ('open', 'submitted')", name="basket_state"),
    # At most one open basket per device.
    Index(
        "one_open_basket",
        "state",
        unique=True,
        sqlite_where=text("state = 'open'"),
    ),
)

basket_lines = Table(
    "basket_lines",
    metadata,
    Column(
        "basket_id",
        Integer,
        ForeignKey("baskets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("sku", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("unit_price", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity BETWEEN 1 AND 9999", name="line_quantity"),
    CheckConstraint("unit_price >= 0", name="line_price"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("payload", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(128), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("answer", Text, nullable=True),
    Column("accepted_at", UtcDateTime, nullable=True),
    CheckConstraint("state IN ('pending', 'accepted', 'parked')", name="outbox_state"),
    CheckConstraint(
        "state != 'accepted' OR answer IS NOT NULL", name="accepted_has_answer"
    ),
    Index("outbox_due", "state", "next_attempt_at"),
)

product_cache = Table(
    "product_cache",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)

stock_cache = Table(
    "stock_cache",
    metadata,
    Column("sku", String(64), primary_key=True),
    Column("scope", String(128), primary_key=True),
    Column("levels", Text, nullable=False),
    Column("fetched_at", UtcDateTime, nullable=False),
)
